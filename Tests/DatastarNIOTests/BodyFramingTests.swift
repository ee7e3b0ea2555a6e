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

import DatastarNIO
import NIOCore
import Testing

@Suite("Body framing", .timeLimit(.minutes(1)))
struct BodyFramingTests {
    /// `payload` after `room` bytes of headroom, as a connection's output buffer keeps it.
    static func withHeadroom(_ payload: String, room: Int) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: room + payload.utf8.count)
        buffer.moveWriterIndex(forwardBy: room)
        buffer.moveReaderIndex(forwardBy: room)
        buffer.writeString(payload)
        return buffer
    }

    @Test("an HTTP/1.1 chunk: the size in hex, CRLF, the bytes, CRLF; nothing for an empty payload")
    func chunk() {
        let payload = String(repeating: "x", count: 300)
        #expect(String(buffer: BodyFraming.http1Chunked.frame(ByteBuffer(string: payload))) == "12c\r\n\(payload)\r\n")
        #expect(BodyFraming.http1Chunked.frame(ByteBuffer()).readableBytes == 0)
        #expect(String(buffer: BodyFraming.asIs.frame(ByteBuffer(string: "abc"))) == "abc")
    }

    @Test("with headroom the chunk is framed in place, with the same bytes; without enough, in a copy")
    func inPlace() {
        let payload = "event: datastar-patch-signals\ndata: signals {\"n\":1}\n\n"
        let expected = "\(String(payload.utf8.count, radix: 16))\r\n\(payload)\r\n"
        let roomy = Self.withHeadroom(payload, room: 10)
        let framed = BodyFraming.http1Chunked.frame(roomy)
        #expect(String(buffer: framed) == expected)
        // The size line went into the headroom: the chunk starts in front of the payload.
        #expect(framed.readerIndex == roomy.readerIndex - 4)
        let cramped = Self.withHeadroom(payload, room: 2)
        #expect(String(buffer: BodyFraming.http1Chunked.frame(cramped)) == expected)
    }
}
