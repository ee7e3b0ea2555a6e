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

import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Tells when the client of an HTTP/1.1 connection is gone: the channel closed, or the client
/// half-closed the connection (sent its FIN).
///
/// Hummingbird allows half-closure, so a client's FIN does not close the channel: NIO reads the
/// end of input and fires ``NIOCore/ChannelEvent/inputClosed``, and Hummingbird goes on writing
/// the response until a write fails — for a stream whose client still reads (a browser that
/// closed its `EventSource`, a proxy), never. A Datastar stream has no more requests to read:
/// its client's FIN means it is gone. So the adapter puts a handler at the front of the
/// pipeline for as long as the stream lasts; it sees the end of input (or the channel's end)
/// and completes ``future`` at once. A FIN that arrived before the handler was in place is
/// found by asking the socket for its TCP state (`CLOSE_WAIT`), on Linux.
struct ClientGoneWatch: Sendable {
    /// Completes when the channel closes or its input is closed.
    let future: EventLoopFuture<Void>
    private let channel: any Channel
    private let handler: NIOLoopBound<ClientHalfCloseHandler>?

    /// Watches `channel`: on HTTP/1 (`watchHalfClosure`) for its FIN too, else for its close.
    /// Call on the channel's event loop.
    init(channel: any Channel, watchHalfClosure: Bool) {
        let eventLoop = channel.eventLoop
        eventLoop.preconditionInEventLoop()
        self.channel = channel
        guard watchHalfClosure else {
            self.future = channel.closeFuture
            self.handler = nil
            return
        }
        let promise = eventLoop.makePromise(of: Void.self)
        let handler = ClientHalfCloseHandler(promise: promise)
        self.future = promise.futureResult
        do {
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
        } catch {
            // The channel is closing already.
            self.handler = nil
            handler.clientGone()
            return
        }
        #if os(Linux)
            if let socket = channel as? any SocketOptionProvider {
                socket.getTCPInfo().assumeIsolated().whenSuccess { info in
                    if info.tcpi_state == UInt8(TCP_CLOSE_WAIT) { handler.clientGone() }
                }
            }
        #endif
    }

    /// Stops watching: removes the handler. On the channel's event loop.
    func stop() {
        guard let handler = handler?.value, channel.isActive else { return }
        channel.pipeline.syncOperations.removeHandler(handler, promise: nil)
    }
}

/// Completes its promise once, at the end of input or of the channel, and passes everything on.
final class ClientHalfCloseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let promise: EventLoopPromise<Void>
    private var completed = false

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func clientGone() {
        guard !completed else { return }
        completed = true
        promise.succeed()
    }

    // Each event is passed on before the promise completes: what the promise sets off may
    // remove this handler, and an event passed on after that would be lost (Hummingbird would
    // then never see the end of input, and never close the connection).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if let event = event as? ChannelEvent, event == .inputClosed { clientGone() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        context.fireChannelInactive()
        clientGone()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Not watching any more; the promise must not be left pending.
        clientGone()
    }
}
