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

import AsyncHTTPClient
import Datastar
import DatastarNIO
import NIOCore
import NIOPosix
import Testing

/// A raw HTTP/1.1 client stream: sends `GET path`, tells when the response head has arrived and
/// when the server has ended the connection (its FIN or a reset), and discards the body.
final class RawStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let head: EventLoopPromise<Void>
    let ended: EventLoopPromise<Void>
    private var seen = ""
    private var headSeen = false
    private var endSeen = false

    init(eventLoop: any EventLoop) {
        head = eventLoop.makePromise()
        ended = eventLoop.makePromise()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !headSeen else { return }
        seen += String(buffer: unwrapInboundIn(data))
        if seen.contains("\r\n\r\n") {
            headSeen = true
            head.succeed()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { end() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
        context.fireChannelInactive()
    }

    private func end() {
        if !headSeen {
            headSeen = true
            head.fail(ChannelError.eof)
        }
        guard !endSeen else { return }
        endSeen = true
        ended.succeed()
    }
}

/// An open raw stream: its channel and its handler's futures.
struct RawStream: Sendable {
    let channel: any Channel
    let head: EventLoopFuture<Void>
    let ended: EventLoopFuture<Void>

    /// Connects, sends `GET path`, and returns once the response head has arrived (within 10 s).
    static func open(port: Int, path: String) async throws -> RawStream {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawStreamHandler(eventLoop: channel.eventLoop))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let (head, ended) = try await channel.eventLoop.submit {
            let handler = try channel.pipeline.syncOperations.handler(type: RawStreamHandler.self)
            return (handler.head.futureResult, handler.ended.futureResult)
        }.get()
        try await channel.writeAndFlush(
            ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        )
        let stream = RawStream(channel: channel, head: head, ended: ended)
        do {
            try await withDeadline(.seconds(10), "the response head of \(path)") { try await head.get() }
        } catch {
            try? await channel.close()
            throw error
        }
        return stream
    }
}

extension MachineLoadTests {
    @Suite("Overload, over real sockets", .timeLimit(.minutes(2)))
    struct OverloadTests {
        @Test("a short request is answered while updaters overload the only event loop", arguments: Framework.allCases)
        func shortRequestUnderLoad(framework: Framework) async throws {
            try await withEventLoopGroup(threads: 1) { group in
                try await withServer(framework, group: group) { server in
                    // Open the streams while the load is light.
                    var streams: [RawStream] = []
                    defer { for stream in streams { stream.channel.close(promise: nil) } }
                    for _ in 0..<60 {
                        streams.append(try await RawStream.open(port: server.port, path: "/heavy"))
                    }
                    // 60 streams at 50 Hz, 1 ms each: 3 s of work per second on one loop.
                    ReactorRoutes.heavyMicroseconds.withLockedValue { $0 = 1000 }
                    defer { ReactorRoutes.heavyMicroseconds.withLockedValue { $0 = 0 } }
                    // Let the load build up first.
                    try await Task.sleep(for: .milliseconds(300))
                    let clock = ContinuousClock()
                    for n in 0..<5 {
                        let start = clock.now
                        let response = try await HTTPClient.test.fetch(
                            "\(server.base)/hub/publish?topic=nobody&n=\(n)",
                            method: .POST,
                            within: .seconds(5)
                        )
                        let took = clock.now - start
                        #expect(response.status == 204)
                        #expect(took < .seconds(1), "request \(n) took \(took)")
                    }
                    // The streams were slowed down evenly, not stopped: a new one still opens.
                    let late = try await RawStream.open(port: server.port, path: "/heavy")
                    streams.append(late)
                    ReactorRoutes.heavyMicroseconds.withLockedValue { $0 = 0 }
                }
            }
        }
    }
}
