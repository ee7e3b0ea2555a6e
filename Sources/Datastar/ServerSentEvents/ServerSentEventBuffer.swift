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

/// A byte buffer that server-sent events can be encoded into.
///
/// `[UInt8]` conforms here; the engine (`DatastarNIO`) makes NIO's `ByteBuffer` conform, so an
/// event is encoded straight into the buffer that is written to the socket, with no
/// intermediate string per line.
public protocol ServerSentEventBuffer {
    /// Appends raw bytes at the end of the buffer.
    mutating func appendSSEBytes(_ bytes: UnsafeRawBufferPointer)
}

extension Array: ServerSentEventBuffer where Element == UInt8 {
    /// Appends raw bytes at the end of the array.
    public mutating func appendSSEBytes(_ bytes: UnsafeRawBufferPointer) {
        append(contentsOf: bytes)
    }
}

extension ServerSentEventBuffer {
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { appendSSEBytes(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { appendSSEBytes(UnsafeRawBufferPointer($0)) }
    }

    /// `data: KEY LINE` for every line of `content`.
    mutating func appendDataLines(_ key: StaticString, _ content: String) {
        SSELine.forEachLine(of: content) { line in
            append("data: ")
            append(key)
            append(" ")
            appendSSEBytes(line)
            append("\n")
        }
    }
}
