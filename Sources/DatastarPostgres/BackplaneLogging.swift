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
internal import Logging
internal import PostgresNIO

extension PostgresBackplane {
    /// What the logs say of a message they name: its topic, event id and size, not its payload.
    static func metadata(of message: HubMessage) -> Logger.Metadata {
        [
            "datastar.postgres.topic": "\(message.topic)",
            "datastar.postgres.event_id": "\(message.eventID ?? "none")",
            "datastar.postgres.payload_bytes": "\(message.payload.readableBytes)",
        ]
    }

    /// An error for logs: postgres-nio's descriptions hide the server's message on purpose,
    /// and its debug descriptions include the query's bound values (our payloads).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        guard let info = error.serverInfo else { return "\(error.code)" }
        let sqlState = info[.sqlState] ?? "?"
        let message = info[.message] ?? ""
        return "\(error.code) \(sqlState): \(message)"
    }

    /// A duration in seconds, for logs and SQL intervals.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
