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
        return Response(
            status: .ok,
            version: request.version,
            headers: .datastar(for: request, coding: coding),
            body: .init(stream: { writer in
                reactor.register(
                    stream,
                    transport: VaporTransport(writer: writer, isHTTP1: request.version.major == 1),
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

/// Writes a reactor stream through Vapor's body stream writer, on its event loop.
struct VaporTransport: ReactorTransport {
    let writer: any BodyStreamWriter
    /// The channel under the writer, where it can be found (``VaporBodyChannel``).
    let channel: (any Channel)?
    let isHTTP1: Bool

    /// On the writer's event loop, where Vapor calls a body stream's closure.
    init(writer: any BodyStreamWriter, isHTTP1: Bool) {
        self.writer = writer
        self.channel = VaporBodyChannel.of(writer)
        self.isHTTP1 = isHTTP1
    }

    var eventLoop: any EventLoop { writer.eventLoop }

    func writeAndFlush(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?) {
        // Nothing to send: the engine wants the response head out, which Vapor holds until
        // the body is flushed. On HTTP/1.1 an empty body part flushes it and puts nothing on
        // the wire; on HTTP/2 it would be an empty DATA frame, which peers count as a flood
        // (see `ReactorTransport`), so the stream's channel is flushed instead.
        if buffer.readableBytes == 0, !isHTTP1, let channel {
            channel.flush()
            promise?.succeed(())
            return
        }
        writer.write(.buffer(buffer), promise: promise)
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
