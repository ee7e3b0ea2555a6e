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
public import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import ServiceLifecycle

/// A response that runs on the request's channel: the reactor writes to it, on its event loop.
///
/// ``DatastarNIO/DatastarStream`` (a reactor stream, a hub subscription) and
/// ``DatastarNIO/DatastarPoll`` conform. They need the channel, which only a
/// ``DatastarRequestContext`` gives, so they are not `ResponseGenerator`s: return them from
/// routes of a router whose context conforms (``BasicDatastarRequestContext`` or your own),
/// and the route methods below turn them into responses. On a router with another context,
/// such a route does not compile — rather than failing at run time.
///
/// ```swift
/// let router = Router(context: BasicDatastarRequestContext.self)
/// router.get("/clock") { _, _ in
///     DatastarStream(every: .seconds(1)) { sse in
///         try sse.send(.patchElements(#"<time id="clock">\#(Date.now)</time>"#))
///     }
/// }
/// ```
public protocol DatastarChannelResponse: Sendable {
    /// Builds the Hummingbird response for a request that arrived on `context`'s channel.
    func response(from request: Request, context: some DatastarRequestContext) throws -> Response
}

/// A reactor stream on Hummingbird: return a `DatastarStream` from a route of a router whose
/// context conforms to ``DatastarRequestContext``.
///
/// What stays per connection, and why: Hummingbird ends a response when its body closure
/// returns, and the closure's writer cannot be kept. So each stream keeps its connection's
/// task suspended on one continuation (no thread, no timer, no polling) until the reactor
/// closes the stream; the reactor writes to the channel directly, on its event loop, and
/// resumes the task at the end, which then finishes the response.
extension DatastarStream: DatastarChannelResponse {
    /// Builds the Hummingbird response and registers the stream with its reactor.
    public func response(from request: Request, context: some DatastarRequestContext) -> Response {
        let channel = context.channel
        let stream = self
        let reactor = self.reactor ?? .shared
        let lastEventID = request.lastEventID
        let logger = context.logger
        let isHTTP1 = context.isHTTP1 == true
        let coding = compression.negotiate(acceptEncoding: request.acceptEncoding)
        return .datastar(context, coding: coding) { writer in
            let id = reactor.makeConnectionID()
            let end = await withGracefulShutdownHandler {
                await withCheckedContinuation { done in
                    reactor.register(
                        stream,
                        id: id,
                        transport: HummingbirdTransport(channel: channel, done: done, isHTTP1: isHTTP1),
                        lastEventID: lastEventID,
                        contentCoding: coding,
                        logger: logger
                    )
                }
            } onGracefulShutdown: {
                reactor.close(id: id, on: channel.eventLoop, reason: .serverShutdown)
            }
            // Thrown out of the response body, an error makes Hummingbird close the connection
            // (reset the HTTP/2 stream) without ending the body: the client retries.
            if end == .aborted { throw StreamAborted() }
            // The channel may be gone already; then there is nothing left to finish.
            try? await writer.finish(nil)
        }
    }
}

/// A one-shot response for polling clients on Hummingbird: return a `DatastarPoll` from a
/// route of a router whose context conforms to ``DatastarRequestContext``; the updater runs
/// on the request's event loop.
extension DatastarPoll: DatastarChannelResponse {
    /// Builds the Hummingbird response.
    public func response(from request: Request, context: some DatastarRequestContext) -> Response {
        let channel = context.channel
        let poll = self
        let lastEventID = request.lastEventID
        let logger = context.logger
        let coding = compression.negotiate(acceptEncoding: request.acceptEncoding)
        return .datastar(context, coding: coding) { writer in
            do {
                let body = poll.render(on: channel.eventLoop, lastEventID: lastEventID, coding: coding)
                try await writer.write(body.get())
            } catch {
                logger.error("Datastar poll updater threw", metadata: ["error": "\(error)"])
            }
            try await writer.finish(nil)
        }
    }
}

/// Writes a reactor stream straight to a Hummingbird channel, on its event loop.
///
/// On HTTP/1, where Hummingbird sends a streamed body with chunked transfer encoding, the
/// transport takes chunks the reactor has framed (``ReactorTransport/writesHTTP1Chunks``) and
/// writes them below NIO's HTTP response encoder: one buffer and one handler hop per write —
/// for a hub message, the same buffer for every subscriber of the loop — instead of a walk
/// through every HTTP handler with three buffers. The encoder still writes the head before and
/// the last chunk after, so the bytes on the wire are the same; channel handlers an app adds
/// above the encoder do not see these chunks. Elsewhere (HTTP/2, or a pipeline without that
/// encoder) it writes body parts through the whole pipeline.
struct HummingbirdTransport: ReactorTransport {
    let channel: any Channel
    let done: CheckedContinuation<StreamEnd, Never>
    /// Where chunks are written on HTTP/1: the response encoder's context, looked up at the
    /// first use (on the loop); `.some(nil)` once the lookup found none.
    private let encoder: NIOLoopBoundBox<ChannelHandlerContext??>
    /// What tells that the client is gone (on HTTP/1 its FIN too), set up at the first use.
    private let clientGone: NIOLoopBoundBox<ClientGoneWatch?>
    private let isHTTP1: Bool

    init(channel: any Channel, done: CheckedContinuation<StreamEnd, Never>, isHTTP1: Bool) {
        self.channel = channel
        self.done = done
        self.isHTTP1 = isHTTP1
        self.encoder = NIOLoopBoundBox.makeBoxSendingValue(isHTTP1 ? nil : .some(nil), eventLoop: channel.eventLoop)
        self.clientGone = NIOLoopBoundBox.makeEmptyBox(valueType: ClientGoneWatch.self, eventLoop: channel.eventLoop)
    }

    var eventLoop: any EventLoop { channel.eventLoop }

    var writesHTTP1Chunks: Bool { encoderContext() != nil }

    func writeAndFlush(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?) {
        // Nothing to send: the engine only wants the response head out, which Hummingbird has
        // written and flushed already. An empty body part would go out as an empty DATA frame
        // on HTTP/2, which peers count as a flood (see `ReactorTransport`).
        guard buffer.readableBytes > 0 else {
            channel.flush()
            promise?.succeed(())
            return
        }
        if let context = encoderContext() {
            context.writeAndFlush(NIOAny(IOData.byteBuffer(buffer)), promise: promise)
        } else {
            channel.writeAndFlush(HTTPResponsePart.body(buffer), promise: promise)
        }
    }

    /// The HTTP/1 response encoder's context, if the channel has one.
    private func encoderContext() -> ChannelHandlerContext? {
        if let known = encoder.value { return known }
        let found = try? channel.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        encoder.value = .some(found)
        return found
    }

    func finish() {
        clientGone.value?.stop()
        done.resume(returning: .finished)
    }

    func abort() {
        clientGone.value?.stop()
        done.resume(returning: .aborted)
    }

    /// Completes when the channel closes or, on HTTP/1, when the client half-closes it: the
    /// reactor then ends the stream (``DatastarNIO/StreamCloseReason/clientGone``). Asked once,
    /// on the loop, when the reactor adds the connection.
    var closeFuture: EventLoopFuture<Void>? {
        if let watch = clientGone.value { return watch.future }
        let watch = ClientGoneWatch(channel: channel, watchHalfClosure: isHTTP1)
        clientGone.value = watch
        return watch.future
    }

    /// On HTTP/1.1 the channel is the TCP socket: what it holds unsent. An HTTP/2 stream shares
    /// its connection's socket, so it cannot tell.
    func socketBacklog() -> Int? {
        encoderContext() != nil ? SocketBacklog.unsentBytes(of: channel) : nil
    }
}
