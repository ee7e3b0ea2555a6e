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

import Datastar
import Testing

// Helpers shared by the DatastarTests files.

/// The wire format of an event, decoded as UTF-8 text.
func wire(_ event: DatastarEvent) throws -> String {
    String(decoding: try event.encoded(), as: UTF8.self)
}

/// The expected wire text of one event: every line followed by LF, then the blank line that
/// ends the event. Lines must not contain line breaks themselves.
func sse(_ lines: String...) -> String {
    lines.map { $0 + "\n" }.joined() + "\n"
}

/// The bytes an SSE comment encodes to, as text.
func commentText(_ text: String) -> String {
    var buffer: [UInt8] = []
    ServerSentEventComment.encode(text, into: &buffer)
    return String(decoding: buffer, as: UTF8.self)
}

/// The single `elements` line of a patch-elements event (the line after `data: elements `),
/// for events that have exactly one.
func elementsLine(of event: DatastarEvent) throws -> String {
    let lines = try wire(event).split(separator: "\n", omittingEmptySubsequences: false)
    let elements = lines.filter { $0.hasPrefix("data: elements ") }
    try #require(elements.count == 1)
    return String(elements[0].dropFirst("data: elements ".count))
}

/// The JSON of a patch-signals event that has no options and one `signals` line.
func signalsLine(of event: DatastarEvent) throws -> String {
    let text = try wire(event)
    let prefix = "event: datastar-patch-signals\ndata: signals "
    try #require(text.hasPrefix(prefix) && text.hasSuffix("\n\n"))
    let json = text.dropFirst(prefix.count).dropLast(2)
    try #require(!json.contains("\n"))
    return String(json)
}

/// Bytes that are already in a buffer before an event is encoded into it.
let bufferPrefix: [UInt8] = Array("event: datastar-patch-signals\ndata: signals {}\n\n".utf8)

/// Expects encoding `event` into a non-empty buffer to throw `expected`, and the buffer to be
/// left exactly as it was.
func expectEncodingFails(
    _ event: DatastarEvent,
    with expected: DatastarError,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var buffer = bufferPrefix
    #expect(throws: expected, sourceLocation: sourceLocation) {
        try event.encode(into: &buffer)
    }
    #expect(buffer == bufferPrefix, "the buffer must be untouched", sourceLocation: sourceLocation)
    #expect(throws: expected, sourceLocation: sourceLocation) {
        try event.encoded()
    }
}

/// UTF-8 bytes of a string.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
