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

internal import NIOCore
internal import PostgresNIO

extension PostgresBackplane {
    /// Opens a connection for `role` ("sender" or "listener"), which its logs name.
    func connect(role: String) async throws -> PostgresConnection {
        let id = self.state.withLockedValue { state in
            state.nextConnectionID += 1
            return state.nextConnectionID
        }
        var logger = self.logger
        logger[metadataKey: "datastar.postgres.role"] = "\(role)"
        return try await PostgresConnection.connect(
            on: self.options.eventLoopGroup.any(),
            configuration: self.configuration,
            id: id,
            logger: logger
        )
    }

    /// Whether an error means the connection is unusable (reconnect, and keep the message), as
    /// opposed to the database refusing one statement (drop that message).
    static func isConnectionFailure(_ error: any Error, on connection: PostgresConnection) -> Bool {
        if connection.isClosed { return true }
        guard let error = error as? PSQLError else { return true }
        guard error.code == .server else { return true }
        let severity = error.serverInfo?[.severity] ?? ""
        if severity == "FATAL" || severity == "PANIC" { return true }
        let sqlState = error.serverInfo?[.sqlState] ?? ""
        // 08: connection exception; 53: insufficient resources; 57: operator intervention
        // (shutdown, cancel); 58: system error.
        return ["08", "53", "57", "58"].contains { sqlState.hasPrefix($0) }
    }

    /// The error of a connection found closed.
    struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the connection was closed" }
    }
}

extension PostgresConnection {
    /// Starts closing the connection, from synchronous code.
    func closeSoon() {
        let _: EventLoopFuture<Void> = self.close()
    }
}
