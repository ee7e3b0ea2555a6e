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

/// Where a request carries its signals.
public enum SignalsLocation: Sendable, Hashable {
    /// The `datastar` query parameter, URL-encoded JSON (GET and DELETE).
    case queryParameter
    /// The request body, JSON (POST, PUT, PATCH and QUERY).
    case body

    /// Where requests with the given HTTP method carry signals, or `nil` for a method that
    /// carries none.
    public init?(method: String) {
        switch method.uppercased() {
        case "GET", "DELETE": self = .queryParameter
        case "POST", "PUT", "PATCH", "QUERY": self = .body
        default: return nil
        }
    }
}
