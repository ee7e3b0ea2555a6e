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

package import DatastarNIO
internal import NIOCore

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

/// The text of a `NOTIFY` payload (and of a large payload's row), version 1.
///
/// ```
/// ds1|i|<origin>|<topic>|<eventID>|<coalescingKey>|<payload as UTF-8 text>
/// ds1|b|<origin>|<topic>|<eventID>|<coalescingKey>|<payload in base64>
/// ds1|r|<origin>|<row id>
/// ```
///
/// - `i` carries the SSE payload as it is, when it is valid UTF-8 without NUL bytes (always, for
///   what the hub encodes); `b` carries any other bytes in base64; `r` refers to a row of the
///   payload table whose `body` is an `i` or `b` message.
/// - Origin, topic, event id and coalescing key are percent-escaped: `%` is `%25`, `|` is `%7C`
///   and NUL is `%00`, so no field can contain the separator. The optional event id and
///   coalescing key are empty when absent and start with `=` when present (`=` alone is the
///   empty string).
/// - The payload is the last field: it runs to the end and is not escaped.
package enum WireFormat {
    /// The first field of every message.
    package static let versionTag = "ds1"

    /// A payload read back.
    package enum Decoded: Equatable {
        /// A whole message.
        case message(HubMessage)
        /// A message whose body is row `rowID` of the payload table.
        case reference(origin: String, rowID: Int64)
    }

    /// Why a payload could not be read.
    package struct DecodingError: Error, CustomStringConvertible {
        /// What is wrong with the payload.
        package var reason: String
        /// The reason.
        package var description: String { reason }
    }

    /// Encodes a whole message.
    package static func encode(_ message: HubMessage) -> String {
        let payload = message.payload.readableBytesView
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + message.topic.utf8.count + message.origin.utf8.count + 64)
        out.append(contentsOf: versionTag.utf8)
        let text = isTextPayload(payload)
        out.append(UInt8(ascii: "|"))
        out.append(text ? UInt8(ascii: "i") : UInt8(ascii: "b"))
        out.append(UInt8(ascii: "|"))
        appendEscaped(message.origin, to: &out)
        out.append(UInt8(ascii: "|"))
        appendEscaped(message.topic, to: &out)
        out.append(UInt8(ascii: "|"))
        appendOptional(message.eventID, to: &out)
        out.append(UInt8(ascii: "|"))
        appendOptional(message.coalescingKey, to: &out)
        out.append(UInt8(ascii: "|"))
        if text {
            out.append(contentsOf: payload)
        } else {
            out.append(contentsOf: Data(payload).base64EncodedString().utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The start of a reference to a row: the row id is appended to it (in SQL).
    package static func referencePrefix(origin: String) -> String {
        var out: [UInt8] = Array("\(versionTag)|r|".utf8)
        appendEscaped(origin, to: &out)
        out.append(UInt8(ascii: "|"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads a payload.
    package static func decode(_ text: String) throws(DecodingError) -> Decoded {
        let bytes = Array(text.utf8)
        var fields: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        // Split off the fields before the last one; the last one runs to the end.
        func nextField() -> ArraySlice<UInt8>? {
            guard let bar = bytes[start...].firstIndex(of: UInt8(ascii: "|")) else { return nil }
            defer { start = bar + 1 }
            return bytes[start..<bar]
        }
        for _ in 0..<2 {
            guard let field = nextField() else { throw DecodingError(reason: "not a Datastar hub message") }
            fields.append(field)
        }
        guard fields[0].elementsEqual(versionTag.utf8) else {
            throw DecodingError(
                reason: "unknown version \(String(reflecting: String(decoding: fields[0], as: UTF8.self)))"
            )
        }
        let kind = fields[1]
        if kind.elementsEqual("r".utf8) {
            guard let originField = nextField() else { throw DecodingError(reason: "reference without row id") }
            let origin = try unescape(originField, name: "origin")
            guard let rowID = Int64(String(decoding: bytes[start...], as: UTF8.self)) else {
                throw DecodingError(reason: "reference with an invalid row id")
            }
            return .reference(origin: origin, rowID: rowID)
        }
        let isText = kind.elementsEqual("i".utf8)
        guard isText || kind.elementsEqual("b".utf8) else {
            throw DecodingError(reason: "unknown kind \(String(reflecting: String(decoding: kind, as: UTF8.self)))")
        }
        var header: [ArraySlice<UInt8>] = []
        for _ in 0..<4 {
            guard let field = nextField() else { throw DecodingError(reason: "message with missing fields") }
            header.append(field)
        }
        let origin = try unescape(header[0], name: "origin")
        let topic = try unescape(header[1], name: "topic")
        let eventID = try unescapeOptional(header[2], name: "event id")
        let coalescingKey = try unescapeOptional(header[3], name: "coalescing key")
        let body = bytes[start...]
        var payload: ByteBuffer
        if isText {
            payload = ByteBuffer(bytes: body)
        } else {
            guard let data = Data(base64Encoded: Data(body)) else {
                throw DecodingError(reason: "invalid base64 payload")
            }
            payload = ByteBuffer()
            payload.writeBytes(data)
        }
        return .message(
            HubMessage(topic: topic, payload: payload, eventID: eventID, coalescingKey: coalescingKey, origin: origin)
        )
    }

    /// Whether the payload can travel as text: valid UTF-8 (what PostgreSQL's `text` accepts)
    /// without NUL bytes.
    private static func isTextPayload(_ bytes: ByteBufferView) -> Bool {
        if bytes.contains(0) { return false }
        // `String(decoding:)` repairs invalid UTF-8; the bytes were valid exactly when nothing
        // was repaired.
        return String(decoding: bytes, as: UTF8.self).utf8.elementsEqual(bytes)
    }

    private static func appendOptional(_ value: String?, to out: inout [UInt8]) {
        guard let value else { return }
        out.append(UInt8(ascii: "="))
        appendEscaped(value, to: &out)
    }

    private static func appendEscaped(_ value: String, to out: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "%"): out.append(contentsOf: "%25".utf8)
            case UInt8(ascii: "|"): out.append(contentsOf: "%7C".utf8)
            case 0: out.append(contentsOf: "%00".utf8)
            default: out.append(byte)
            }
        }
    }

    private static func unescapeOptional(_ field: ArraySlice<UInt8>, name: String) throws(DecodingError) -> String? {
        guard let first = field.first else { return nil }
        guard first == UInt8(ascii: "=") else {
            throw DecodingError(reason: "\(name) field does not start with '='")
        }
        return try unescape(field.dropFirst(), name: name)
    }

    private static func unescape(_ field: ArraySlice<UInt8>, name: String) throws(DecodingError) -> String {
        guard field.contains(UInt8(ascii: "%")) else { return String(decoding: field, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var index = field.startIndex
        while index < field.endIndex {
            let byte = field[index]
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 3 <= field.endIndex,
                let high = hexValue(field[index + 1]), let low = hexValue(field[index + 2])
            else {
                throw DecodingError(reason: "invalid escape in \(name)")
            }
            out.append(high << 4 | low)
            index += 3
        }
        let value = String(decoding: out, as: UTF8.self)
        guard value.utf8.elementsEqual(out) else { throw DecodingError(reason: "\(name) is not valid UTF-8") }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
