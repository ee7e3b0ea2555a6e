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
import NIOPosix
import Testing

/// A raw HTTP/1.1 client that tells when the first bytes of the response arrived; it reads and
/// discards the rest. It does not allow half-closure, so the server's FIN closes its channel.
final class FirstBytesHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let firstBytes: EventLoopPromise<Void>
    private var arrived = false

    init(_ firstBytes: EventLoopPromise<Void>) { self.firstBytes = firstBytes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !arrived else { return }
        arrived = true
        firstBytes.succeed()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !arrived { firstBytes.fail(ChannelError.eof) }
        context.fireChannelInactive()
    }
}

/// Connects, sends `GET path`, and returns the channel once the response has begun (a raw
/// client: no pool, no limit on connections, the server's FIN closes it).
func openRawStream(port: Int, path: String) async throws -> any Channel {
    let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
    let firstBytes = eventLoop.makePromise(of: Void.self)
    let channel = try await ClientBootstrap(group: eventLoop)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(FirstBytesHandler(firstBytes))
            }
        }
        .connect(host: "127.0.0.1", port: port).get()
    try await channel.writeAndFlush(
        ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    )
    do {
        try await withDeadline(.seconds(10), "the response to \(path)") { try await firstBytes.futureResult.get() }
    } catch {
        try? await channel.close()
        throw error
    }
    return channel
}

extension MachineLoadTests {
    /// A client that sends its FIN (a proxy closing upstream, a client that shuts down its side)
    /// is gone: a Datastar stream has no more requests to read. Hummingbird allows half-closure,
    /// so nothing would notice until a write failed — a keep-alive minutes later on a quiet stream.
    @Suite("Clients that half-close, over real sockets", .timeLimit(.minutes(2)))
    struct HalfCloseTests {
        struct Case: Sendable, CustomTestStringConvertible {
            var framework: Framework
            var path: String
            var report: String
            var testDescription: String { "\(framework) \(path)" }
        }

        /// Every kind of long-lived stream, quiet for far longer than the test waits. Hummingbird
        /// allows half-closure: the adapter watches for the FIN. Vapor does not: NIO closes the
        /// connection at the FIN, and the adapter, which found the channel under Vapor's body
        /// writer, sees it close (this also pins that lookup to the Vapor version we build with).
        static let cases: [Case] = Framework.allCases.flatMap { framework in
            [
                Case(framework: framework, path: "/quiet?ka=60000", report: "disconnect clientGone skipped=false"),
                Case(framework: framework, path: "/hub/sub?topic=fin", report: "disconnect clientGone skipped=false"),
                Case(framework: framework, path: "/waiting?ka=60000", report: "async ended"),
            ]
        }

        @Test("a client's FIN ends its stream at once: onDisconnect once, and the server closes", arguments: cases)
        func clientFIN(_ scenario: Case) async throws {
            let probe = Probe()
            try await withServer(scenario.framework, probe: probe) { server in
                try await Self.check(scenario, port: server.port, probe: probe)
            }
            #expect(await probe.pendingCount() == 0)
        }

        /// Opens the stream, sends the client's FIN, and checks that the stream ends at once and
        /// the server closes the connection.
        static func check(_ scenario: Case, port: Int, probe: Probe) async throws {
            let channel = try await openRawStream(port: port, path: scenario.path)
            let ending = try await sendFIN(on: channel, probe: probe)
            #expect(ending.report == scenario.report)
            #expect(ending.noticed < .seconds(1), "noticed after \(ending.noticed)")
            // The server closes its side: the client's channel, which does not allow
            // half-closure, then closes.
            let closed = channel.closeFuture
            try await withDeadline(.seconds(5), "the server to close the connection") { try await closed.get() }
        }

        /// Shuts down the client's side of `channel` and returns the probe's next report and
        /// how long it took to come.
        static func sendFIN(on channel: any Channel, probe: Probe) async throws -> (report: String, noticed: Duration) {
            let clock = ContinuousClock()
            let start = clock.now
            try await channel.close(mode: .output)
            // Well before any write (keep-alives every 60 s; hub subscriptions every 15 s).
            let report = try await probe.next(within: .seconds(5), "the stream to end after the client's FIN")
            return (report: report, noticed: clock.now - start)
        }
    }
}
