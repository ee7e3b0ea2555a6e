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

/// Why a ``PostgresBackplane`` could not be created.
public enum PostgresBackplaneError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The connection URL could not be read; `reason` names the part that is wrong. The URL is
    /// not repeated, so that a password in it does not reach a log.
    case invalidURL(reason: String)
    /// The `LISTEN`/`NOTIFY` channel name is not a plain SQL identifier: 1 to 63 ASCII letters,
    /// digits and underscores, not starting with a digit.
    case invalidChannelName(String)
    /// The name of the table for large payloads is not a plain SQL identifier: 1 to 63 ASCII
    /// letters, digits and underscores, not starting with a digit.
    case invalidTableName(String)

    /// A message that names the problem.
    public var description: String {
        switch self {
        case .invalidURL(let reason):
            "invalid PostgreSQL URL: \(reason)"
        case .invalidChannelName(let name):
            "invalid NOTIFY channel name \(String(reflecting: name)): use 1 to 63 ASCII letters, digits "
                + "and underscores, not starting with a digit"
        case .invalidTableName(let name):
            "invalid payload table name \(String(reflecting: name)): use 1 to 63 ASCII letters, digits "
                + "and underscores, not starting with a digit"
        }
    }
}

/// Whether `name` is an identifier we can use unquoted in our own SQL and quoted in `LISTEN`
/// (postgres-nio quotes it): ASCII letters, digits, underscores, not starting with a digit, at
/// most 63 bytes (PostgreSQL's `NAMEDATALEN - 1`).
func isPlainSQLIdentifier(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard (1...63).contains(bytes.count) else { return false }
    for (index, byte) in bytes.enumerated() {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            continue
        case UInt8(ascii: "0")...UInt8(ascii: "9") where index > 0:
            continue
        default:
            return false
        }
    }
    return true
}
