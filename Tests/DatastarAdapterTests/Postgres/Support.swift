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

import DatastarNIO
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import Testing

@testable import DatastarPostgres

/// The suites that use the test database: one at a time, since one of them restarts it.
@Suite("PostgreSQL, one suite at a time", .serialized, .timeLimit(.minutes(5)))
enum PostgresTests {}

/// What scripts/test exports: the URL of a throwaway PostgreSQL, and a shell command that
/// restarts it.
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["DATASTAR_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let restartCommand = ProcessInfo.processInfo.environment["DATASTAR_TEST_POSTGRES_RESTART"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static var isAvailable: Bool { url != nil }
    static var canRestart: Bool { url != nil && restartCommand != nil }

    static var configuration: PostgresConnection.Configuration {
        get throws { try PostgresBackplane.connectionConfiguration(url: url!) }
    }

    /// A one-off connection for checks and setup.
    static func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: configuration,
            id: 0,
            logger: testLogger
        )
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The rows of a payload table.
    static func rowCount(table: String) async throws -> Int {
        try await withConnection { connection in
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT count(*) FROM \"\(table)\""),
                logger: testLogger
            ).collect()
            return Int(try rows[0].decode(Int64.self))
        }
    }

    static func dropTable(_ table: String) async throws {
        try await withConnection { connection in
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \"\(table)\""),
                logger: testLogger
            ).collect()
        }
    }

    /// Runs DATASTAR_TEST_POSTGRES_RESTART with /bin/sh and returns its exit status. Stops
    /// waiting (the command goes on) when the task is cancelled.
    static func restart() async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", restartCommand!]
        let waiting = NIOLockedValueBox<CheckedContinuation<Int32, any Error>?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.withLockedValue { $0 = continuation }
                process.terminationHandler = { process in
                    let continuation = waiting.withLockedValue { $0.take() }
                    continuation?.resume(returning: process.terminationStatus)
                }
                do {
                    try process.run()
                } catch {
                    waiting.withLockedValue { $0.take() }?.resume(throwing: error)
                }
                if Task.isCancelled { waiting.withLockedValue { $0.take() }?.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            waiting.withLockedValue { $0.take() }?.resume(throwing: CancellationError())
        }
    }
}

let testLogger: Logger = {
    var logger = Logger(label: "datastar.postgres.tests")
    logger.logLevel = .info
    return logger
}()

/// A name no other test uses, for channels and tables.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)_\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF)"
}

/// A logger whose entries a test awaits in order, as they are logged.
struct LogStream: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    /// What the logger logs from now on; it never finishes.
    let entries: AsyncStream<Entry>
    /// A logger at `level` that logs into ``entries`` only.
    let logger: Logger

    init(level: Logger.Level) {
        let (entries, continuation) = AsyncStream.makeStream(of: Entry.self)
        self.entries = entries
        var logger = Logger(label: "datastar.postgres.tests") { _ in Handler(continuation: continuation) }
        logger.logLevel = level
        self.logger = logger
    }

    private struct Handler: LogHandler {
        let continuation: AsyncStream<Entry>.Continuation
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            self.continuation.yield(
                Entry(
                    level: event.level,
                    message: event.message.description,
                    metadata: self.metadata.merging(event.metadata ?? [:]) { $1 }
                )
            )
        }
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `operation`, and throws ``TimedOut`` (cancelling it) when it takes longer than
/// `seconds`.
func withTimeout<T: Sendable>(
    _ seconds: Double = 15,
    _ what: String,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut(what: what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Runs the backplanes while `body` runs, then cancels them and checks that they stop
/// promptly.
func running<T>(
    _ backplanes: [PostgresBackplane],
    _ body: () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for backplane in backplanes {
            group.addTask { try await backplane.run() }
        }
        let result: T
        do {
            result = try await body()
        } catch {
            group.cancelAll()
            throw error
        }
        let stopping = ContinuousClock.now
        group.cancelAll()
        try await group.waitForAll()
        let took = ContinuousClock.now - stopping
        #expect(took < .seconds(2), "run() took \(took) to return after cancellation")
        return result
    }
}

/// Collects what a backplane delivers, and lets a test await a number of messages.
final class Inbox: Sendable {
    private struct Waiter {
        var count: Int
        var continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var messages: [HubMessage] = []
        var waiters: [Int: Waiter] = [:]
        var nextID = 0
    }
    private let state = NIOLockedValueBox(State())

    var messages: [HubMessage] { self.state.withLockedValue { $0.messages } }

    func deliver(_ message: HubMessage) {
        let ready = self.state.withLockedValue { state in
            state.messages.append(message)
            let count = state.messages.count
            let ids = state.waiters.filter { $0.value.count <= count }.map(\.key)
            return ids.compactMap { state.waiters.removeValue(forKey: $0) }
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Waits until at least `count` messages have arrived and returns them all.
    func waitFor(_ count: Int, timeout: Double = 15) async throws -> [HubMessage] {
        try await withTimeout(timeout, "\(count) messages") {
            try await self.wait(count)
            return self.messages
        }
    }

    private func wait(_ count: Int) async throws {
        let id = self.state.withLockedValue { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let result: Result<Void, any Error>? = self.state.withLockedValue { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.messages.count >= count { return .success(()) }
                    state.waiters[id] = Waiter(count: count, continuation: continuation)
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}

/// A backplane on the test database, attached to an inbox.
func makeBackplane(
    origin: String,
    channel: String,
    table: String,
    options: PostgresBackplane.Options = .init()
) throws -> (PostgresBackplane, Inbox) {
    var logger = testLogger
    logger[metadataKey: "test.origin"] = "\(origin)"
    let backplane = try PostgresBackplane(
        url: TestDatabase.url!,
        channel: channel,
        payloadTable: table,
        options: options,
        logger: logger
    )
    let inbox = Inbox()
    backplane.attach(origin: origin) { inbox.deliver($0) }
    return (backplane, inbox)
}

func message(
    _ topic: String = "topic",
    _ payload: String,
    eventID: String? = nil,
    coalescingKey: String? = nil,
    origin: String
) -> HubMessage {
    HubMessage(
        topic: topic,
        payload: ByteBuffer(string: payload),
        eventID: eventID,
        coalescingKey: coalescingKey,
        origin: origin
    )
}

extension PostgresBackplane {
    /// Waits, with a timeout, for a status.
    func waitFor(
        _ what: String,
        timeout: Double = 15,
        _ condition: @escaping @Sendable (Status) -> Bool
    ) async throws {
        try await withTimeout(timeout, what) { try await self.waitForStatus(where: condition) }
    }

    /// Waits until both connections are up.
    func waitUntilReady() async throws {
        try await self.waitFor("listening and sender connected") { $0.isListening && $0.isSenderConnected }
    }
}
