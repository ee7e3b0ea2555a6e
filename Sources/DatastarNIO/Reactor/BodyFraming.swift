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
import NIOHTTP1

/// How a connection's body bytes are framed by the time they reach the channel handler the
/// transport writes them to. The adapter's transport decides it once per connection
/// (``BodySink``); the reactor frames what it writes accordingly, and a hub frames a message
/// once per event loop and framing, and writes that one buffer to every subscriber with it.
package enum BodyFraming: Hashable, Sendable {
    /// As they are: whatever the transport writes to frames them (an HTTP/2 stream's DATA
    /// frames, a framework's body writer and its HTTP encoder).
    case asIs
    /// As HTTP/1.1 chunks (RFC 9112, section 7.1): the transport writes them below the HTTP
    /// encoder, which framed the response head as chunked. Only a transport that has checked
    /// this (an HTTP/1.1 response to a request that was not `HEAD`, with no handler between
    /// that would recode the body) may choose it.
    case http1Chunked

    /// The room a buffer can keep in front of its readable bytes for a chunk's size line (up
    /// to eight hex digits and CRLF), so that ``frame(_:)`` writes it in place.
    static let headroom = 10

    /// `payload` framed so. An empty payload stays empty (an empty chunk would end the body).
    /// A payload with ``headroom`` free bytes in front of it (and its storage to itself) is
    /// framed in place, without a copy.
    package func frame(_ payload: ByteBuffer) -> ByteBuffer {
        switch self {
        case .asIs:
            return payload
        case .http1Chunked:
            let size = payload.readableBytes
            guard size > 0 else { return payload }
            let sizeLine = String(size, radix: 16) + "\r\n"
            let lineLength = sizeLine.utf8.count
            if payload.readerIndex >= lineLength {
                var chunk = payload
                chunk.moveReaderIndex(to: payload.readerIndex - lineLength)
                chunk.setString(sizeLine, at: chunk.readerIndex)
                chunk.writeStaticString("\r\n")
                return chunk
            }
            var chunk = ByteBufferAllocator().buffer(capacity: size + 12)
            chunk.writeString(sizeLine)
            chunk.writeImmutableBuffer(payload)
            chunk.writeStaticString("\r\n")
            return chunk
        }
    }
}

/// Where and how the reactor writes one connection's body: made by the adapter's transport
/// once, on the connection's event loop, when the reactor adds the connection, and used only
/// there. Resolving the target once (a handler context, a channel, a body writer) keeps every
/// later write to one direct call.
package struct BodySink {
    /// How the bytes given to ``write`` must be framed.
    package let framing: BodyFraming
    /// Writes body bytes, framed as ``framing`` says, and flushes them. The promise succeeds
    /// once the bytes are in the socket, and fails if they cannot be written.
    package let write: (ByteBuffer, EventLoopPromise<Void>?) -> Void

    package init(framing: BodyFraming, write: @escaping (ByteBuffer, EventLoopPromise<Void>?) -> Void) {
        self.framing = framing
        self.write = write
    }
}

extension BodySink {
    /// A sink that writes HTTP/1.1 chunks straight to the context of NIO's
    /// `HTTPResponseEncoder` in `channel`'s pipeline — below the framework's HTTP handlers: one
    /// buffer and one handler hop per write — after flushing what the pipeline holds (a
    /// framework may hold the response head until the body is first flushed). `nil` when the
    /// pipeline has no such encoder. Call on the channel's event loop, and only where that
    /// encoder frames the response's body as chunks (an HTTP/1.1 response to a request that was
    /// not `HEAD`) and no handler between would recode it.
    package static func http1ChunksBelowEncoder(of channel: any Channel) -> BodySink? {
        guard let encoder = try? channel.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
            return nil
        }
        encoder.flush()
        return BodySink(framing: .http1Chunked) { bytes, promise in
            encoder.writeAndFlush(NIOAny(IOData.byteBuffer(bytes)), promise: promise)
        }
    }
}
