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

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// An `Encoder` that builds a `JSONValue` directly, keeping object keys in the order they are
// encoded: declaration order for synthesized `Codable`. Foundation's `JSONEncoder` writes keys
// in hash order on Linux, different in every process, so signals encoded through it would not
// have stable bytes.
//
// It follows `JSONEncoder`'s default strategies: `URL` as its absolute string, `Data` as
// Base64, `Decimal` as a number, `Date` as it encodes itself (`.deferredToDate`), a superclass
// under the key "super", and an error for a non-finite floating-point value. A `JSONValue` is
// inserted as it is, keeping its member order and number text.

extension JSONValue {
    /// Converts any `Encodable` value to JSON, keeping object keys in the order they are
    /// encoded: declaration order for synthesized `Codable` conformances.
    ///
    /// Values are written as with `JSONEncoder`'s default strategies: `URL` as its absolute
    /// string, `Data` as Base64, `Decimal` as a number, `Date` as it encodes itself (seconds
    /// since 1 January 2001, like `.deferredToDate`); `nil` optional properties are left out.
    /// A `JSONValue` inside the value is kept as it is, member order and number text included.
    ///
    /// - Throws: ``DatastarError/signalsEncodingFailed(_:)`` when the value cannot be encoded,
    ///   for example a non-finite `Double`, or encodes nothing.
    public init(encoding value: some Encodable) throws(DatastarError) {
        self = try JSONValueEncoding.encode(value)
    }
}

/// Encodes values to ``JSONValue``.
enum JSONValueEncoding {
    /// Encodes `value`; the top-level value must encode something.
    static func encode(_ value: some Encodable) throws(DatastarError) -> JSONValue {
        let root = JSONValueEncodingNode()
        do {
            try encode(value, into: root, codingPath: [])
        } catch let error as DatastarError {
            throw error
        } catch let EncodingError.invalidValue(_, context) {
            throw .signalsEncodingFailed(context.debugDescription)
        } catch {
            throw .signalsEncodingFailed("\(error)")
        }
        guard root.kind != .empty else {
            throw .signalsEncodingFailed("the top-level \(type(of: value)) did not encode any value.")
        }
        return root.finished()
    }

    /// Encodes `value` into `node`, handling the types `JSONEncoder` treats specially.
    static func encode(
        _ value: some Encodable,
        into node: JSONValueEncodingNode,
        codingPath: [any CodingKey]
    ) throws {
        switch value {
        case let json as JSONValue:
            node.set(json)
        case let url as URL:
            node.set(.string(url.absoluteString))
        case let data as Data:
            node.set(.string(data.base64EncodedString()))
        case let decimal as Decimal:
            guard !decimal.isNaN else {
                throw DatastarError.signalsEncodingFailed(
                    "Decimal.nan at \(describe(codingPath)) cannot be encoded: JSON has no NaN."
                )
            }
            node.set(.number(decimal.description))
        default:
            try value.encode(to: JSONValueEncoder(node: node, codingPath: codingPath))
        }
    }

    /// A finite `Double` as a number, formatted by `JSONValue.number(_: Double)`.
    static func number(_ value: Double, codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else { throw nonFinite(value, codingPath: codingPath) }
        return .number(value)
    }

    /// A finite `Float` as a number. Its shortest description is read back as a `Double`, so
    /// `0.1` stays `0.1` rather than becoming `0.10000000149011612`, then formatted as a
    /// `Double` is.
    static func number(_ value: Float, codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else { throw nonFinite(value, codingPath: codingPath) }
        return .number(Double(value.description) ?? Double(value))
    }

    private static func nonFinite(_ value: some FloatingPoint, codingPath: [any CodingKey]) -> DatastarError {
        .signalsEncodingFailed(
            "\(type(of: value)) value \(value) at \(describe(codingPath)) cannot be encoded: "
                + "JSON has no infinity or NaN."
        )
    }

    /// A coding path for messages, such as `user.scores[2]`.
    static func describe(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "the top level" }
        var text = ""
        for key in codingPath {
            if let index = key as? JSONValueEncodingIndexKey {
                text += "[\(index.index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += key.stringValue
            }
        }
        return text
    }
}
