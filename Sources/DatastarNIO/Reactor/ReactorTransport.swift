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

package import NIOCore

/// How the reactor writes to one connection of a framework. The framework adapters provide
/// transports; every call is made on ``eventLoop``.
package protocol ReactorTransport: Sendable {
    /// The event loop of the connection's channel.
    var eventLoop: any EventLoop { get }
    /// Writes a chunk of the response body and flushes it. The promise succeeds once the bytes
    /// are in the socket, and fails if they cannot be written.
    ///
    /// An empty buffer (which the reactor writes when a stream opens with nothing to send)
    /// only flushes: it must put the response head on the wire and nothing else. On HTTP/2 an
    /// empty body part would be an empty DATA frame, and peers count those as a flood: NIOHTTP2
    /// tolerates one in a row on a connection, then sends GOAWAY and drops every frame, of any
    /// stream, until the next HEADERS or END_STREAM — events of other streams were lost so.
    func writeAndFlush(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?)
    /// Ends the response normally. Called at most once, after the last write; never after
    /// ``abort()``.
    func finish()
    /// Ends the response as a network error would, so that the client retries: the HTTP/1.1
    /// connection closes without the body's last chunk, the HTTP/2 stream is reset. Called at
    /// most once, instead of ``finish()``.
    func abort()
    /// Completes when the connection closes, where the framework exposes that; `nil`
    /// otherwise (closed connections are then noticed by their failing writes).
    var closeFuture: EventLoopFuture<Void>? { get }
    /// Whether ``writeAndFlush(_:promise:)`` takes bytes already framed as HTTP/1.1 chunks
    /// (the transport then writes them as they are, below the framework's HTTP encoder). The
    /// reactor asks once, on ``eventLoop``, when the connection is added; it frames a hub
    /// message once per event loop and writes that one buffer to every such subscriber. `false`
    /// by default. Framed or not, the empty buffer the reactor may write first stays empty.
    var writesHTTP1Chunks: Bool { get }
    /// The bytes written whose write has completed but that the connection's socket still
    /// holds unsent (``SocketBacklog``), where the transport can tell; `nil` otherwise. Asked
    /// on ``eventLoop``, every quarter of a hub subscriber's backlog limit written.
    func socketBacklog() -> Int?
}

extension ReactorTransport {
    /// Body bytes as they are, by default.
    package var writesHTTP1Chunks: Bool { false }

    /// Unknown, by default.
    package func socketBacklog() -> Int? { nil }
}

/// How a stream's response ends.
package enum StreamEnd: Sendable {
    /// Normally: the body's end is written.
    case finished
    /// As a network error would (see ``ReactorTransport/abort()``), so that the client retries.
    case aborted
}

/// The error an adapter ends a response with to end it as a network error would (see
/// ``ReactorTransport/abort()``): thrown out of a Hummingbird response body, written to a
/// Vapor body stream.
package struct StreamAborted: Error, CustomStringConvertible {
    package init() {}

    package var description: String { "Datastar stream ended as a network error, so that the client reconnects" }
}

/// HTTP/1.1 chunked framing (RFC 9112, section 7.1), for transports that write below the
/// framework's HTTP encoder.
enum HTTP1Chunk {
    /// `payload` as one chunk: its size in hex, CRLF, the bytes, CRLF. An empty payload stays
    /// empty (an empty chunk would end the body).
    static func frame(_ payload: ByteBuffer) -> ByteBuffer {
        let size = payload.readableBytes
        guard size > 0 else { return payload }
        var chunk = ByteBufferAllocator().buffer(capacity: size + 12)
        chunk.writeString(String(size, radix: 16))
        chunk.writeStaticString("\r\n")
        chunk.writeImmutableBuffer(payload)
        chunk.writeStaticString("\r\n")
        return chunk
    }
}
