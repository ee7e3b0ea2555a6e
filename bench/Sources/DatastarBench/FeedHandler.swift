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

/// One client stream: sends `GET /feed?hz=H` when the connection is up, then feeds every
/// read to a `FeedParser` that counts events and lags into its loop's `LoopStats`.
final class FeedHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let request: ByteBuffer
    private let stats: LoopStats
    private var parser = FeedParser()
    private let headPromise: EventLoopPromise<Void>
    private var headSettled = false

    /// Succeeds when the response head says 200; fails on another status or a closed connection.
    var headReceived: EventLoopFuture<Void> { headPromise.futureResult }

    init(request: ByteBuffer, stats: LoopStats, eventLoop: any EventLoop) {
        self.request = request
        self.stats = stats
        self.headPromise = eventLoop.makePromise(of: Void.self)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        stats.channels.append(context.channel)
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let now = Clock.wallMicroseconds()
        let wasOpened = parser.opened
        buffer.withUnsafeReadableBytes { bytes in
            parser.consume(bytes, now: now, stats: stats)
        }
        if !wasOpened && parser.opened {
            stats.opened += 1
            settleHead(nil)
        }
        if parser.phase == .failed {
            let reason = parser.failure ?? "unparsable response"
            if parser.opened {
                stats.protocolErrors += 1
            } else {
                stats.rejected += 1
                settleHead(BenchError.badResponse(reason))
            }
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if parser.opened && parser.phase != .failed {
            stats.ended += 1
            stats.lastEnd = Clock.monotonicSeconds()
            if parser.bodyEnded { stats.endedCleanly += 1 }
        }
        settleHead(BenchError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        settleHead(error)
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        settleHead(BenchError.connectionClosed)
    }

    private func settleHead(_ error: (any Error)?) {
        guard !headSettled else { return }
        headSettled = true
        if let error {
            headPromise.fail(error)
        } else {
            headPromise.succeed()
        }
    }
}
