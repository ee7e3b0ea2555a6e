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

public import DatastarNIO
import NIOCore
public import Vapor

/// A reactor stream on Vapor: return a `DatastarStream` from any route.
///
/// ```swift
/// app.get("clock") { _ in
///     DatastarStream(every: .seconds(1)) { sse in
///         try sse.send(.patchElements(#"<time id="clock">\#(Date.now)</time>"#))
///     }
/// }
/// ```
///
/// Nothing waits per connection: Vapor hands the response's body writer to a closure that
/// registers the connection with the reactor and returns; the reactor writes on the
/// connection's event loop and ends the body when the stream is closed.
extension DatastarStream: AsyncResponseEncodable {
    /// Builds the Vapor response; the stream registers when Vapor starts writing the body.
    public func encodeResponse(for request: Request) async throws -> Response {
        let stream = self
        let reactor = self.reactor ?? request.application.datastar.reactor
        let lastEventID = request.headers.first(name: "Last-Event-ID")
        let logger = request.logger
        let coding = compression.negotiate(acceptEncoding: request.acceptEncoding)
        let isHTTP1 = request.version.major == 1
        // Raw chunks below NIO's encoder only where it frames the body as chunks (HTTP/1.1, a
        // response with a body) and nothing between recodes it: Vapor's response compressor
        // honours the head's "do not compress" marker only when overrides are allowed.
        let writesRawChunks =
            isHTTP1 && request.version.minor >= 1 && request.method != .HEAD
            && request.application.http.server.configuration.responseCompression.allowRequestOverrides
        return Response(
            status: .ok,
            version: request.version,
            headers: .datastar(for: request, coding: coding),
            body: .init(stream: { writer in
                reactor.register(
                    stream,
                    transport: VaporTransport(writer: writer, isHTTP1: isHTTP1, writesRawChunks: writesRawChunks),
                    lastEventID: lastEventID,
                    contentCoding: coding,
                    logger: logger
                )
            })
        )
    }
}

/// A one-shot response for polling clients on Vapor: return a `DatastarPoll` from any route.
extension DatastarPoll: AsyncResponseEncodable {
    /// Runs the updater on the request's event loop and answers with what it sent.
    public func encodeResponse(for request: Request) async throws -> Response {
        let coding = compression.negotiate(acceptEncoding: request.acceptEncoding)
        let buffer = try await render(
            on: request.eventLoop,
            lastEventID: request.headers.first(name: "Last-Event-ID"),
            coding: coding
        ).get()
        return Response(
            status: .ok,
            version: request.version,
            headers: .datastar(for: request, coding: coding),
            body: .init(buffer: buffer)
        )
    }
}

/// Writes a reactor stream to a Vapor response, on its event loop.
///
/// Where the channel under Vapor's body writer is found (``VaporBodyChannel``) and the
/// response is chunked HTTP/1.1 that nothing recodes, the sink writes chunks the reactor has
/// framed (``DatastarNIO/BodyFraming/http1Chunked``) below NIO's response encoder, as on
/// Hummingbird: one buffer and one handler hop per write instead of a walk through Vapor's
/// HTTP handlers. Vapor still writes the head before and the body's end after, through its
/// writer. Elsewhere (HTTP/2, HTTP/1.0, `HEAD`, a response compressor that may recode the
/// body) it writes through Vapor's body writer.
struct VaporTransport: ReactorTransport {
    let writer: any BodyStreamWriter
    /// The channel under the writer, where it can be found (``VaporBodyChannel``).
    let channel: (any Channel)?
    let isHTTP1: Bool
    private let writesRawChunks: Bool

    /// On the writer's event loop, where Vapor calls a body stream's closure.
    init(writer: any BodyStreamWriter, isHTTP1: Bool, writesRawChunks: Bool) {
        self.writer = writer
        self.channel = VaporBodyChannel.of(writer)
        self.isHTTP1 = isHTTP1
        self.writesRawChunks = writesRawChunks
    }

    var eventLoop: any EventLoop { writer.eventLoop }

    /// Vapor writes a streamed response's head without flushing it: the sink flushes it now,
    /// so that the client sees the stream open at once.
    func makeBodySink() -> BodySink {
        if writesRawChunks, let channel, let sink = BodySink.http1ChunksBelowEncoder(of: channel) {
            return sink
        }
        let writer = self.writer
        if !isHTTP1, let channel {
            // On HTTP/2 an empty body part would be an empty DATA frame, which peers count as a
            // flood (see ``DatastarNIO/ReactorTransport/makeBodySink()``): flush the stream's
            // channel instead. On HTTP/1.1 the empty write puts nothing on the wire.
            channel.flush()
        } else {
            writer.write(.buffer(ByteBuffer()), promise: nil)
        }
        return BodySink(framing: .asIs) { bytes, promise in
            writer.write(.buffer(bytes), promise: promise)
        }
    }

    func finish() {
        writer.write(.end, promise: nil)
    }

    /// Vapor closes the connection (resets the HTTP/2 stream) when a body stream ends with an
    /// error, without writing the body's end: the client retries.
    func abort() {
        writer.write(.error(StreamAborted()), promise: nil)
    }

    /// The channel's close, when the channel was found: Vapor does not allow half-closure, so
    /// on HTTP/1.1 a client's FIN closes the channel too, and the stream ends at once.
    var closeFuture: EventLoopFuture<Void>? { channel?.closeFuture }

    /// On HTTP/1.1 the channel is the TCP socket: what it holds unsent. An HTTP/2 stream shares
    /// its connection's socket, so it cannot tell.
    func socketBacklog() -> Int? {
        guard isHTTP1, let channel else { return nil }
        return SocketBacklog.unsentBytes(of: channel)
    }
}
