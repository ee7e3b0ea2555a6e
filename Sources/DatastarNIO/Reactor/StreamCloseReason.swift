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

/// Why a stream closed; ``DatastarStream/onDisconnect`` receives it exactly once.
///
/// Logs (`datastar.reason`) and metrics (the `reason` dimension of `datastar_streams_closed`)
/// spell each reason as its case name: `clientGone`, `writeFailed`, `updaterThrew`,
/// `unwritableTooLong`, `backlogExceeded`, `serverShutdown`, `closedByApp`.
public enum StreamCloseReason: Sendable, Hashable, CustomStringConvertible {
    /// The client closed the connection.
    case clientGone
    /// A write to the client failed; the payload is the error.
    case writeFailed(String)
    /// The updater (or `onConnect`) threw; the payload is the error.
    case updaterThrew(String)
    /// The client stopped reading and the socket stayed unwritable for longer than
    /// ``DatastarStream/unwritableTimeout``.
    case unwritableTooLong
    /// A hub subscriber read too slowly: what it had not read yet, plus what was held back for
    /// it, passed its ``HubSubscription/backlogLimit``.
    case backlogExceeded
    /// The server is shutting down.
    case serverShutdown
    /// The app closed the stream with ``DatastarConnection/close()``.
    case closedByApp

    /// The reason's name in logs and metrics: its case name, such as `clientGone`.
    public var label: String {
        switch self {
        case .clientGone: return "clientGone"
        case .writeFailed: return "writeFailed"
        case .updaterThrew: return "updaterThrew"
        case .unwritableTooLong: return "unwritableTooLong"
        case .backlogExceeded: return "backlogExceeded"
        case .serverShutdown: return "serverShutdown"
        case .closedByApp: return "closedByApp"
        }
    }

    /// The label and, where there is one, the error.
    public var description: String {
        switch self {
        case .writeFailed(let error), .updaterThrew(let error): return "\(label): \(error)"
        default: return label
        }
    }
}
