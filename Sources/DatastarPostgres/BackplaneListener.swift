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
internal import PostgresNIO

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

extension PostgresBackplane {
    /// Listens and delivers other processes' messages to the hub until the task is cancelled;
    /// reconnects when the connection fails, and logs the gap.
    func runListener() async {
        var delay = self.options.initialReconnectDelay
        var gapStart: (date: Date, instant: ContinuousClock.Instant)?
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                var wasListening = false
                var failure: (any Error)?
                var opened: PostgresConnection?
                do {
                    let connection = try await self.connect(role: "listener")
                    opened = connection
                    self.state.withLockedValue { $0.listenerConnection = connection }
                    if Task.isCancelled { throw CancellationError() }
                    try await connection.listen(on: self.channel) { notifications in
                        wasListening = true
                        delay = self.options.initialReconnectDelay
                        self.updateStatus {
                            $0.isListening = true
                            $0.listenCount += 1
                        }
                        if let gap = gapStart {
                            gapStart = nil
                            let seconds = Self.seconds(ContinuousClock.now - gap.instant)
                            self.logger.warning(
                                "PostgresBackplane is listening again; notifications other processes sent while it was disconnected were not received",
                                metadata: [
                                    "datastar.postgres.gap_start": "\(gap.date)",
                                    "datastar.postgres.gap_seconds": "\(seconds)",
                                ]
                            )
                        }
                        for try await notification in notifications {
                            try await self.receive(notification.payload, on: connection)
                        }
                    }
                } catch {
                    failure = error
                }
                if let opened {
                    self.state.withLockedValue { $0.listenerConnection = nil }
                    // postgres-nio insists on connections being closed before they are released.
                    try? await opened.close()
                }
                self.updateStatus { $0.isListening = false }
                if Task.isCancelled { return }
                if wasListening, gapStart == nil {
                    gapStart = (Date(), ContinuousClock.now)
                }
                self.logger.warning(
                    wasListening
                        ? "PostgresBackplane listener lost its connection; notifications are missed until it listens again"
                        : "PostgresBackplane listener cannot listen; retrying",
                    metadata: [
                        "datastar.postgres.error": "\(failure.map(Self.describe) ?? "the notification stream ended")",
                        "datastar.postgres.retry_in": "\(delay)",
                    ]
                )
                guard (try? await Task.sleep(for: delay)) != nil else { return }
                delay = min(delay * 2, self.options.maxReconnectDelay)
            }
        } onCancel: {
            let connection = self.state.withLockedValue { $0.listenerConnection }
            connection?.closeSoon()
        }
    }

    /// Handles one notification: decode, drop our own, fetch a large body, deliver. Throws only
    /// when the connection fails.
    private func receive(_ payload: String, on connection: PostgresConnection) async throws {
        let (origin, deliver, warn): (String?, (@Sendable (HubMessage) -> Void)?, Bool) =
            self.state.withLockedValue { state in
                let warn = state.origin == nil && !state.warnedUnattached
                if warn { state.warnedUnattached = true }
                return (state.origin, state.deliver, warn)
            }
        guard let origin, let deliver else {
            if warn {
                self.logger.warning("PostgresBackplane received messages before a hub attached to it; dropping them")
            }
            return
        }
        let message: HubMessage
        do {
            switch try WireFormat.decode(payload) {
            case .message(let decoded):
                message = decoded
            case .reference(let sender, let rowID):
                guard sender != origin else { return }
                guard let body = try await self.fetchPayload(rowID: rowID, on: connection) else { return }
                guard case .message(let decoded) = try WireFormat.decode(body) else {
                    throw WireFormat.DecodingError(reason: "the payload row holds a reference")
                }
                message = decoded
            }
        } catch let error as WireFormat.DecodingError {
            self.logger.error(
                "PostgresBackplane cannot read a notification; skipping it",
                metadata: [
                    "datastar.postgres.error": "\(error)",
                    "datastar.postgres.payload_prefix": "\(payload.prefix(80))",
                ]
            )
            return
        }
        guard message.origin != origin else { return }
        deliver(message)
    }

    /// The body of a large payload's row; `nil` (logged) when it is gone or the database
    /// refuses the query.
    private func fetchPayload(rowID: Int64, on connection: PostgresConnection) async throws -> String? {
        let body: String?
        do {
            let rows = try await connection.query(
                "SELECT body FROM \"\(unescaped: self.payloadTable)\" WHERE id = \(rowID)",
                logger: self.logger
            ).collect()
            body = try rows.first?.decode(String.self)
        } catch  where !Self.isConnectionFailure(error, on: connection) {
            self.logger.error(
                "PostgresBackplane cannot read a large payload; skipping its message",
                metadata: ["datastar.postgres.row": "\(rowID)", "datastar.postgres.error": "\(Self.describe(error))"]
            )
            return nil
        }
        guard let body else {
            self.logger.error(
                "PostgresBackplane: a large payload's row is gone (deleted after the retention time?); skipping its message",
                metadata: ["datastar.postgres.row": "\(rowID)", "datastar.postgres.table": "\(self.payloadTable)"]
            )
            return nil
        }
        return body
    }
}
