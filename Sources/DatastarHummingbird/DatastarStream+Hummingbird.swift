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
        let isHead = request.method == .head
        let coding = compression.negotiate(acceptEncoding: request.acceptEncoding)
        return .datastar(context, coding: coding) { writer in
            let id = reactor.makeConnectionID()
            let end = await withGracefulShutdownHandler {
                await withCheckedContinuation { done in
                    reactor.register(
                        stream,
                        id: id,
                        transport: HummingbirdTransport(channel: channel, done: done, isHTTP1: isHTTP1, isHead: isHead),
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
/// On HTTP/1.1, where NIO's response encoder frames a streamed body as chunks (Hummingbird's
/// response head has neither a length nor HTTP/1.0), the sink writes chunks the reactor has
/// framed (``DatastarNIO/BodyFraming/http1Chunked``) below that encoder: one buffer and one
/// handler hop per write — for a hub message, the same buffer for every subscriber of the loop
/// — instead of a walk through every HTTP handler with three buffers. The encoder still writes
/// the head before and the last chunk after, so the bytes on the wire are the same; channel
/// handlers an app adds above the encoder do not see these chunks. A response to `HEAD` (no
/// body) and HTTP/2 streams write body parts through the whole pipeline.
struct HummingbirdTransport: ReactorTransport {
    let channel: any Channel
    let done: CheckedContinuation<StreamEnd, Never>
    /// What tells that the client is gone (on HTTP/1 its FIN too), set up at the first use.
    private let clientGone: NIOLoopBoundBox<ClientGoneWatch?>
    private let isHTTP1: Bool
    /// Whether the response may carry its body as raw chunks: HTTP/1.1 and not `HEAD`.
    private let writesRawChunks: Bool

    init(channel: any Channel, done: CheckedContinuation<StreamEnd, Never>, isHTTP1: Bool, isHead: Bool) {
        self.channel = channel
        self.done = done
        self.isHTTP1 = isHTTP1
        self.writesRawChunks = isHTTP1 && !isHead
        self.clientGone = NIOLoopBoundBox.makeEmptyBox(valueType: ClientGoneWatch.self, eventLoop: channel.eventLoop)
    }

    var eventLoop: any EventLoop { channel.eventLoop }

    func makeBodySink() -> BodySink {
        if writesRawChunks, let sink = BodySink.http1ChunksBelowEncoder(of: channel) {
            return sink
        }
        let channel = self.channel
        return BodySink(framing: .asIs) { bytes, promise in
            channel.writeAndFlush(HTTPResponsePart.body(bytes), promise: promise)
        }
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
        isHTTP1 ? SocketBacklog.unsentBytes(of: channel) : nil
    }
}
