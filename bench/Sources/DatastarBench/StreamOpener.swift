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

import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Opens a row's client streams from the source addresses, and closes them.
struct StreamOpener {
    let settings: RunSettings
    let group: MultiThreadedEventLoopGroup

    struct Outcome: Sendable {
        var succeeded = 0
        var failures = 0
        var reason: String?
    }

    /// Opens `count` streams (`GET path`), at most `connectBatch` in flight (a sliding
    /// window), each bound to the next source address; a stream counts as open once its 200
    /// head has arrived.
    func open(count: Int, path: String, server: ServerProcess, slots: [LoopSlot]) throws -> Outcome {
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: server.port)
        let request = ByteBuffer(
            string: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        let bootstraps = settings.sources.map { source in
            Self.bootstrap(group: group, source: source, request: request, slots: slots)
        }
        let window = DispatchSemaphore(value: settings.connectBatch)
        let outcome = NIOLockedValueBox(Outcome())
        let deadline = Clock.monotonicSeconds() + settings.connectLimit
        var pending: [EventLoopFuture<Void>] = []
        pending.reserveCapacity(count)
        var stopReason: String?
        for index in 0..<count {
            let left = deadline - Clock.monotonicSeconds()
            guard left > 0, window.wait(timeout: .now() + left) == .success else {
                stopReason = "not all open within \(Int(settings.connectLimit)) s"
                break
            }
            if index % 100 == 0 {
                // A stop here gives back the slot just taken: libdispatch traps when a semaphore
                // is freed below its initial value.
                guard server.isRunning else {
                    stopReason = "the server exited"
                    window.signal()
                    break
                }
                let failures = outcome.withLockedValue { $0.failures }
                // Give up early when most attempts fail (the server is refusing or gone).
                guard failures <= max(100, index / 2) else {
                    window.signal()
                    break
                }
            }
            let bootstrap = bootstraps[index % bootstraps.count]
            let opened = bootstrap.connect(to: target).flatMap { channel in
                do {
                    return try channel.pipeline.syncOperations.handler(type: FeedHandler.self).headReceived
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            opened.whenComplete { result in
                outcome.withLockedValue { outcome in
                    switch result {
                    case .success:
                        outcome.succeeded += 1
                    case .failure(let error):
                        outcome.failures += 1
                        if outcome.reason == nil { outcome.reason = "\(error)" }
                    }
                }
                window.signal()
            }
            pending.append(opened)
        }
        if !pending.isEmpty {
            let left = max(0, deadline - Clock.monotonicSeconds())
            let all = EventLoopFuture.andAllComplete(pending, on: group.any())
            if Waiter.result(of: all, timeout: left) == nil {
                stopReason = stopReason ?? "not all open within \(Int(settings.connectLimit)) s"
            }
        }
        var result = outcome.withLockedValue { $0 }
        if let stopReason, result.succeeded < count {
            result.reason = result.reason.map { "\(stopReason) (first error: \($0))" } ?? stopReason
        }
        return result
    }

    private static func bootstrap(
        group: MultiThreadedEventLoopGroup,
        source: SocketAddress,
        request: ByteBuffer,
        slots: [LoopSlot]
    ) -> ClientBootstrap {
        var bootstrap = ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
        #if os(Linux)
            // Pick the local port at connect time (from the full 4-tuple), not at bind time, so
            // each source address can use the whole ephemeral range.
            let noPort = ChannelOptions.Types.SocketOption(
                level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_IP)),
                name: NIOBSDSocket.Option(rawValue: CInt(IP_BIND_ADDRESS_NO_PORT))
            )
            bootstrap = bootstrap.channelOption(noPort, value: 1)
        #endif
        return
            bootstrap
            .bind(to: source)
            .channelInitializer { channel in
                guard let slot = slots.first(where: { $0.loop === channel.eventLoop }) else {
                    return channel.eventLoop.makeFailedFuture(BenchError.server("channel on an unknown event loop"))
                }
                do {
                    let handler = FeedHandler(request: request, stats: slot.stats.value, eventLoop: channel.eventLoop)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
    }

    /// Closes every channel made on the loops (bounded: 30 s).
    func closeAll(_ slots: [LoopSlot], progress: (String) -> Void) {
        let futures = slots.map { slot in
            slot.loop.flatSubmit {
                let stats = slot.stats.value
                let channels = stats.channels
                stats.channels = []
                return EventLoopFuture.andAllComplete(channels.map { $0.close() }, on: slot.loop)
            }
        }
        let all = EventLoopFuture.andAllComplete(futures, on: slots[0].loop)
        if Waiter.result(of: all, timeout: 30) == nil { progress("warning: closing the streams took over 30 s") }
    }
}
