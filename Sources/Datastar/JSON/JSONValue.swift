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

/// A JSON value that keeps the order of object members, and the text of numbers, exactly.
///
/// Datastar's wire format is JSON text, and a signal patch is most readable, and testable,
/// when it keeps the order it was written in. `JSONValue` is that: build one with literals,
/// parse one from bytes, or convert any `Encodable` value, and serialize it compactly.
///
/// ```swift
/// let patch: JSONValue = ["count": 3, "user": ["name": "Ada", "email": nil]]
/// patch.serialized()   // {"count":3,"user":{"name":"Ada","email":null}}
/// ```
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as its JSON text (for example `3`, `-0.5`, `1e10`).
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; members keep their order. A key that appears twice keeps both entries, as
    /// in the text it came from.
    case object([Member])

    /// One member of a JSON object.
    public struct Member: Sendable, Hashable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// Creates a member.
        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value of the first member named `key`, when this is an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// Creates a number from an integer.
    public static func number(_ value: some BinaryInteger) -> JSONValue {
        .number(String(value))
    }

    /// Creates a number from a floating-point value; non-finite values become `null`, as in
    /// JavaScript's `JSON.stringify`.
    public static func number(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            return .number(String(Int64(value)))
        }
        return .number("\(value)")
    }
}
