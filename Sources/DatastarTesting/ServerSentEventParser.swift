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

/// One event of an SSE stream, as the specification's parser dispatches it.
struct ServerSentEventMessage: Sendable, Hashable {
    var type = ""
    var data: [String] = []
    var id: String?
    var retry: String?
}

/// An SSE stream read the way the specification (and the Datastar client) reads it: lines end
/// at CRLF, LF or a lone CR; a leading byte-order mark is dropped; `field: value` loses one
/// space after the colon; a blank line ends an event; lines starting with `:` are comments.
struct ServerSentEventParser {
    /// The events, in order; events with no field at all (a blank line after comments) are
    /// left out, as the client ignores them.
    var messages: [ServerSentEventMessage] = []
    /// The text of every comment line, without its colon; a keep-alive is `""`.
    var comments: [String] = []

    /// Parses a complete body.
    ///
    /// - Throws: ``DatastarTestError/lineWithoutColon(_:)``,
    ///   ``DatastarTestError/unterminatedEvent`` when the body ends inside an event or a line.
    init(_ body: some Collection<UInt8>) throws(DatastarTestError) {
        var bytes = Array(body)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var current = ServerSentEventMessage()
        var started = false
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                index += 1
                continue
            }
            let line = String(decoding: bytes[lineStart..<index], as: UTF8.self)
            index += 1
            if byte == UInt8(ascii: "\r"), index < bytes.count, bytes[index] == UInt8(ascii: "\n") { index += 1 }
            lineStart = index
            if line.isEmpty {
                if started { messages.append(current) }
                current = ServerSentEventMessage()
                started = false
                continue
            }
            if line.hasPrefix(":") {
                comments.append(String(line.dropFirst()))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw .lineWithoutColon(line) }
            let field = line[..<colon]
            var value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
            started = true
            switch field {
            case "event": current.type = String(value)
            case "data": current.data.append(String(value))
            case "id": current.id = String(value)
            case "retry": current.retry = String(value)
            default: break  // the specification ignores other fields
            }
        }
        guard lineStart == bytes.count, !started else { throw .unterminatedEvent }
    }
}
