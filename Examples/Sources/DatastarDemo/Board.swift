//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-datastar open source project
//
// Copyright (c) 2026 the swift-datastar project authors
// Licensed under Apache License v2.0
//
// See LICENSE for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Datastar
import DatastarNIO
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// The shared board: a grid of checkboxes that every page sees.
struct Board: Sendable, Equatable {
    static let columns = 10
    static let rows = 6
    static let size = columns * rows

    /// Whether each cell is checked, row by row.
    var cells: [Bool]
    /// How many toggles the board has seen; the event id of its updates.
    var version: Int64

    init(cells: [Bool] = Array(repeating: false, count: Board.size), version: Int64 = 0) {
        self.cells = cells
        self.version = version
    }

    /// Reads the store's text form: one `0` or `1` per cell.
    init(text: String, version: Int64) {
        var cells = text.utf8.prefix(Board.size).map { $0 == UInt8(ascii: "1") }
        if cells.count < Board.size { cells += Array(repeating: false, count: Board.size - cells.count) }
        self.init(cells: cells, version: version)
    }

    /// The store's text form: one `0` or `1` per cell.
    var text: String { String(cells.map { $0 ? "1" : "0" }) }

    /// The event ID of an update that carries this board: `prefix` and the version. The
    /// in-memory board starts again at version 0 in every process, so its prefix names the
    /// process: a browser that reconnects to the next process sends an ID that process never
    /// published, which the hub reads as a gap, and the browser gets the new process's board.
    func eventID(prefix: String) -> String { prefix + String(version) }

    /// The version in an event ID made by ``eventID(prefix:)``.
    static func version(ofEventID id: String) -> Int64? {
        Int64(id.split(separator: "-", omittingEmptySubsequences: false).last ?? "")
    }

    /// The board as `<div id="board">`: each checkbox posts its toggle, with no signals (the
    /// click's default is prevented, so a box changes only when the server's update arrives).
    func render() -> String {
        var html = #"<div id="board" class="board" data-version="\#(version)">"#
        html += #"<div class="cells" style="grid-template-columns:repeat(\#(Board.columns),1fr)">"#
        for (index, checked) in cells.enumerated() {
            html += #"<input type="checkbox" id="cell-\#(index)" aria-label="cell \#(index + 1)" "#
            let toggle = DatastarAction.post("/board/cells/\(index)/toggle", .init(includeSignals: "^$"))
            html += #"data-on:click__prevent="\#(toggle)""#
            html += checked ? " checked>" : ">"
        }
        html += "</div>"
        let count = cells.lazy.filter { $0 }.count
        html += #"<p class="muted"><b id="board-count">\#(count)</b> of \#(Board.size) checked · "#
        html += #"version <span id="board-version" class="mono">\#(version)</span></p></div>"#
        return html
    }
}

/// The newest board version this process has delivered. Every board update carries the
/// whole board, so an update older than one already delivered is stale (the newer board
/// contains its change): it is dropped, whichever order toggles of several tasks or processes
/// arrive in.
final class BoardVersions: Sendable {
    private let newest = NIOLockedValueBox<Int64>(-1)

    /// Runs `deliver` if `version` is newer than every version delivered so far, under a lock,
    /// so that deliveries happen in version order; returns whether it ran.
    @discardableResult
    func ifNewer(_ version: Int64, deliver: () throws -> Void) rethrows -> Bool {
        try newest.withLockedValue { newest in
            guard version > newest else { return false }
            newest = version
            try deliver()
            return true
        }
    }
}

/// A backplane that hands the hub only board updates newer than any it has delivered (by
/// their event id, the board's version), and everything else unchanged.
struct NewestBoardBackplane: DatastarBackplane {
    let inner: any DatastarBackplane
    let versions: BoardVersions

    func attach(origin: String, deliver: @escaping @Sendable (HubMessage) -> Void) {
        let versions = self.versions
        inner.attach(origin: origin) { message in
            guard message.topic == BoardRoutes.topic, let id = message.eventID,
                let version = Board.version(ofEventID: id)
            else {
                deliver(message)
                return
            }
            versions.ifNewer(version) { deliver(message) }
        }
    }

    func publish(_ message: HubMessage) {
        inner.publish(message)
    }
}

/// Where the board lives: in this process, or in PostgreSQL when several processes share it.
protocol BoardStore: Sendable {
    /// The board as it is now.
    func load() async throws -> Board
    /// Toggles one cell and returns the board after the change.
    func toggle(_ cell: Int) async throws -> Board
    /// The board as it is now, for a store that can tell without waiting; `nil` otherwise.
    var snapshot: Board? { get }
    /// What the event IDs of board updates start with (``Board/eventID(prefix:)``): a store
    /// that lives and dies with the process names the process; a shared one nothing.
    var eventIDPrefix: String { get }
}

/// The board in this process's memory.
final class MemoryBoardStore: BoardStore {
    private let board = NIOLockedValueBox(Board())
    /// A name for this process's board, unlikely to be another process's.
    let eventIDPrefix = String(UInt64.random(in: 0...UInt64.max), radix: 36) + "-"

    func load() async throws -> Board { board.withLockedValue { $0 } }

    var snapshot: Board? { board.withLockedValue { $0 } }

    func toggle(_ cell: Int) async throws -> Board {
        board.withLockedValue { board in
            board.cells[cell].toggle()
            board.version += 1
            return board
        }
    }
}

/// The board in one row of a PostgreSQL table, toggled with one atomic `UPDATE`, so that
/// every process that shares the database shares the board. One connection, opened when
/// first needed and again after it fails.
actor PostgresBoardStore: BoardStore {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private var connection: PostgresConnection?
    private var nextConnectionID = 0
    private var tableReady = false

    init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// `nil`: the board is in the database.
    nonisolated var snapshot: Board? { nil }
    /// None: every process shares the board and its versions.
    nonisolated var eventIDPrefix: String { "" }

    func load() async throws -> Board {
        try await withConnection { connection, logger in
            let rows = try await connection.query(
                "SELECT cells, version FROM datastar_demo_board WHERE id = 1",
                logger: logger
            )
            for try await (text, version) in rows.decode((String, Int64).self) {
                return Board(text: text, version: version)
            }
            return Board()
        }
    }

    func toggle(_ cell: Int) async throws -> Board {
        let position = cell + 1
        return try await withConnection { connection, logger in
            let rows = try await connection.query(
                """
                UPDATE datastar_demo_board SET \
                cells = overlay(cells PLACING (CASE substr(cells, \(position)::int, 1) WHEN '1' THEN '0' ELSE '1' END) \
                FROM \(position)::int FOR 1), \
                version = version + 1 \
                WHERE id = 1 RETURNING cells, version
                """,
                logger: logger
            )
            for try await (text, version) in rows.decode((String, Int64).self) {
                return Board(text: text, version: version)
            }
            throw PostgresBoardStoreError.missingRow
        }
    }

    /// Runs `body` on the open connection (opening it, and the table, first if needed); a
    /// connection that failed is dropped, so the next call opens a new one.
    private func withConnection<Result: Sendable>(
        _ body: (PostgresConnection, Logger) async throws -> Result
    ) async throws -> Result {
        let connection = try await openConnection()
        do {
            if !tableReady {
                try await Self.createTable(on: connection, logger: logger)
                tableReady = true
            }
            return try await body(connection, logger)
        } catch {
            if connection.isClosed {
                self.connection = nil
            }
            throw error
        }
    }

    private func openConnection() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        nextConnectionID += 1
        let connection = try await PostgresConnection.connect(
            configuration: configuration,
            id: nextConnectionID,
            logger: logger
        )
        self.connection = connection
        return connection
    }

    /// Creates the table and its one row when missing. Two processes may start at once: the
    /// loser of a race over `CREATE TABLE` retries, and then finds the table.
    private static func createTable(on connection: PostgresConnection, logger: Logger) async throws {
        let initial = String(repeating: "0", count: Board.size)
        for attempt in 1...3 {
            do {
                _ = try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS datastar_demo_board (\
                    id int PRIMARY KEY, cells text NOT NULL, version bigint NOT NULL)
                    """,
                    logger: logger
                ).collect()
                _ = try await connection.query(
                    """
                    INSERT INTO datastar_demo_board (id, cells, version) VALUES (1, \(initial), 0) \
                    ON CONFLICT (id) DO NOTHING
                    """,
                    logger: logger
                ).collect()
                return
            } catch let error as PSQLError
                where attempt < 3 && ["23505", "42P07"].contains(error.serverInfo?[.sqlState] ?? "")
            {
                continue
            }
        }
    }

    /// Closes the connection.
    func close() async {
        if let connection {
            try? await connection.close()
        }
        connection = nil
    }
}

/// What can go wrong with the board's table.
enum PostgresBoardStoreError: Error, CustomStringConvertible {
    case missingRow

    var description: String { "the board's row is missing from datastar_demo_board" }
}
