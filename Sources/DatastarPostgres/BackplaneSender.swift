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

internal import DatastarNIO
internal import NIOCore
internal import PostgresNIO
internal import ServiceLifecycle

extension PostgresBackplane {
    /// How the sending on one connection ended.
    private enum SendLoopEnd {
        case stop
        /// `wasConnected`: whether the sender was fully connected (table ready) before.
        case connectionLost(any Error, wasConnected: Bool)
    }

    /// What one statement sends.
    private enum Statement {
        /// Inline messages, sent by one `pg_notify` each, in order.
        case notify([String])
        /// One encoded message stored in the payload table, and the origin of its reference.
        case store(String, origin: String)

        var messageCount: Int {
            switch self {
            case .notify(let payloads): payloads.count
            case .store: 1
            }
        }
    }

    /// Sends the queued messages until the task is cancelled or, on graceful shutdown, the queue
    /// is empty; reconnects when the connection fails.
    func runSender(wakes: AsyncStream<Void>) async {
        var wakes = wakes.makeAsyncIterator()
        var delay = self.options.initialReconnectDelay
        var hasConnected = false
        var tableReady = false
        var cleanup = CleanupSchedule()
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                if self.state.withLockedValue({ $0.isFlushing }) { return }
                if hasConnected, let hook = self.state.withLockedValue({ $0.beforeSenderReconnect }) {
                    await hook()
                }
                let connection: PostgresConnection
                do {
                    connection = try await self.connect(role: "sender")
                } catch {
                    if Task.isCancelled { return }
                    self.logger.warning(
                        "PostgresBackplane sender cannot connect; retrying",
                        metadata: [
                            "datastar.postgres.error": "\(Self.describe(error))",
                            "datastar.postgres.retry_in": "\(delay)",
                            "datastar.postgres.queued": "\(self.queuedMessageCount)",
                        ]
                    )
                    guard (try? await Task.sleep(for: delay)) != nil else { return }
                    delay = min(delay * 2, self.options.maxReconnectDelay)
                    continue
                }
                self.state.withLockedValue { $0.senderConnection = connection }
                let end = await self.senderSession(
                    on: connection,
                    hasConnected: hasConnected,
                    tableReady: &tableReady,
                    wakes: &wakes,
                    cleanup: &cleanup
                )
                self.state.withLockedValue { $0.senderConnection = nil }
                self.updateStatus { $0.isSenderConnected = false }
                // postgres-nio insists on connections being closed before they are released.
                try? await connection.close()
                guard case .connectionLost(let error, let wasConnected) = end else { return }
                if wasConnected {
                    hasConnected = true
                    delay = self.options.initialReconnectDelay
                }
                if Task.isCancelled { return }
                self.logger.warning(
                    wasConnected
                        ? "PostgresBackplane sender lost its connection; messages stay queued until it reconnects"
                        : "PostgresBackplane sender lost its connection while creating the payload table",
                    metadata: [
                        "datastar.postgres.error": "\(Self.describe(error))",
                        "datastar.postgres.retry_in": "\(delay)",
                        "datastar.postgres.queued": "\(self.queuedMessageCount)",
                    ]
                )
                if self.state.withLockedValue({ $0.isFlushing }) { return }
                guard (try? await Task.sleep(for: delay)) != nil else { return }
                delay = min(delay * 2, self.options.maxReconnectDelay)
            }
        } onCancel: {
            // postgres-nio's queries do not react to cancellation: closing the connection ends
            // them.
            let connection = self.state.withLockedValue { $0.senderConnection }
            connection?.closeSoon()
        }
    }

    /// One connection's life: create the payload table if needed, then send until the
    /// connection fails or the sender stops.
    private func senderSession(
        on connection: PostgresConnection,
        hasConnected: Bool,
        tableReady: inout Bool,
        wakes: inout AsyncStream<Void>.Iterator,
        cleanup: inout CleanupSchedule
    ) async -> SendLoopEnd {
        if Task.isCancelled { return .stop }
        connection.closeFuture.whenComplete { _ in self.wakeSender() }
        if !tableReady {
            do {
                try await self.createPayloadTable(on: connection)
                tableReady = true
            } catch  where Self.isConnectionFailure(error, on: connection) {
                return .connectionLost(error, wasConnected: false)
            } catch {
                tableReady = true
                self.logger.error(
                    "PostgresBackplane cannot create the payload table; large messages will fail",
                    metadata: [
                        "datastar.postgres.table": "\(self.payloadTable)",
                        "datastar.postgres.error": "\(Self.describe(error))",
                    ]
                )
            }
        }
        if hasConnected {
            self.logger.info(
                "PostgresBackplane sender reconnected; sending the queued messages",
                metadata: ["datastar.postgres.queued": "\(self.queuedMessageCount)"]
            )
        }
        self.updateStatus {
            $0.isSenderConnected = true
            $0.senderConnectCount += 1
        }
        return await self.sendLoop(on: connection, wakes: &wakes, cleanup: &cleanup)
    }

    private func sendLoop(
        on connection: PostgresConnection,
        wakes: inout AsyncStream<Void>.Iterator,
        cleanup: inout CleanupSchedule
    ) async -> SendLoopEnd {
        var oneByOne = 0
        while true {
            if Task.isCancelled { return .stop }
            if connection.isClosed { return .connectionLost(ConnectionClosed(), wasConnected: true) }
            let now = ContinuousClock.now
            if cleanup.isDue(at: now, interval: self.options.cleanupInterval) {
                do {
                    try await self.deleteExpiredPayloads(on: connection)
                } catch  where Self.isConnectionFailure(error, on: connection) {
                    return .connectionLost(error, wasConnected: true)
                } catch {
                    self.logger.error(
                        "PostgresBackplane cannot delete expired large payloads",
                        metadata: [
                            "datastar.postgres.table": "\(self.payloadTable)",
                            "datastar.postgres.error": "\(Self.describe(error))",
                        ]
                    )
                }
                cleanup.ran(at: now)
            }

            guard let statement = self.nextStatement(limit: oneByOne > 0 ? 1 : self.options.maxMessagesPerStatement)
            else {
                if self.state.withLockedValue({ $0.isFlushing }) { return .stop }
                guard await wakes.next() != nil else { return .stop }
                continue
            }
            do {
                try await self.execute(statement, on: connection)
                if case .store = statement {
                    cleanup.inserted(at: .now, retention: self.options.payloadRetention)
                }
                _ = self.state.withLockedValue { $0.queue.removeSent(statement.messageCount) }
                oneByOne = max(0, oneByOne - statement.messageCount)
            } catch  where Self.isConnectionFailure(error, on: connection) {
                return .connectionLost(error, wasConnected: true)
            } catch {
                if statement.messageCount > 1 {
                    // Which message did the database refuse? Send them one by one to find out.
                    oneByOne = statement.messageCount
                    continue
                }
                let dropped = self.state.withLockedValue { $0.queue.removeRefused() }
                var metadata = dropped.map(Self.metadata(of:)) ?? [:]
                metadata["datastar.postgres.error"] = "\(Self.describe(error))"
                self.logger.error(
                    "PostgresBackplane: the database refused a message; dropping it, other processes will not receive it",
                    metadata: metadata
                )
                oneByOne = max(0, oneByOne - 1)
            }
        }
    }

    /// The statement for the messages at the head of the queue: consecutive inline messages
    /// (with distinct payloads, since PostgreSQL folds identical notifications of one
    /// transaction into one), or one large message.
    private func nextStatement(limit: Int) -> Statement? {
        let head = self.state.withLockedValue { $0.queue.prefix(max(1, limit)) }
        guard !head.isEmpty else { return nil }
        let inlineLimit = min(self.options.inlinePayloadLimit, 7_999)
        var payloads: [String] = []
        var seen: Set<String> = []
        for message in head {
            let encoded = WireFormat.encode(message)
            if encoded.utf8.count > inlineLimit {
                return payloads.isEmpty ? .store(encoded, origin: message.origin) : .notify(payloads)
            }
            guard seen.insert(encoded).inserted else { break }
            payloads.append(encoded)
        }
        return .notify(payloads)
    }

    private func execute(_ statement: Statement, on connection: PostgresConnection) async throws {
        let query: PostgresQuery
        switch statement {
        case .notify(let payloads) where payloads.count == 1:
            query = "SELECT pg_notify(\(self.channel), \(payloads[0]))"
        case .notify(let payloads):
            query = "SELECT pg_notify(\(self.channel), m.p) FROM unnest(\(payloads)::text[]) AS m(p)"
        case .store(let encoded, let origin):
            let prefix = WireFormat.referencePrefix(origin: origin)
            query = """
                WITH m AS (INSERT INTO "\(unescaped: self.payloadTable)" (body) VALUES (\(encoded)) RETURNING id) \
                SELECT pg_notify(\(self.channel), \(prefix) || m.id::text) FROM m
                """
        }
        // Errors raised while the statement runs arrive with the rows: read them all.
        _ = try await connection.query(query, logger: self.logger).collect()
    }

    private func createPayloadTable(on connection: PostgresConnection) async throws {
        let exists = try await connection.query(
            "SELECT to_regclass(\(self.quotedTable)) IS NOT NULL",
            logger: self.logger
        ).collect()
        if let row = exists.first, try row.decode(Bool.self) { return }
        do {
            _ = try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS "\(unescaped: self.payloadTable)" (\
                id bigserial PRIMARY KEY, \
                created_at timestamptz NOT NULL DEFAULT now(), \
                body text NOT NULL)
                """,
                logger: self.logger
            ).collect()
        } catch let error as PSQLError where ["23505", "42P07"].contains(error.serverInfo?[.sqlState] ?? "") {
            // Another process created it at the same moment.
        }
    }

    private func deleteExpiredPayloads(on connection: PostgresConnection) async throws {
        let retention = self.options.payloadRetention
        let seconds = Self.seconds(retention)
        _ = try await connection.query(
            """
            DELETE FROM "\(unescaped: self.payloadTable)" \
            WHERE created_at < now() - make_interval(secs => \(seconds))
            """,
            logger: self.logger
        ).collect()
    }

    private var quotedTable: String { "\"\(self.payloadTable)\"" }

    /// Wakes the sender every ``Options/cleanupInterval``, so that it deletes expired rows.
    func runTicker() async {
        while (try? await Task.sleep(for: self.options.cleanupInterval)) != nil {
            self.wakeSender()
        }
    }

    /// On graceful shutdown, lets the sender send what is queued and stop, and returns after
    /// ``Options/shutdownFlushTimeout``; returns at once on cancellation.
    func awaitGracefulShutdown() async {
        guard (try? await gracefulShutdown()) != nil else { return }
        self.state.withLockedValue { $0.isFlushing = true }
        self.wakeSender()
        try? await Task.sleep(for: self.options.shutdownFlushTimeout)
    }
}
