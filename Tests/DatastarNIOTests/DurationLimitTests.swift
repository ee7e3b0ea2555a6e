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

import Datastar
import DatastarNIO
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@Suite("Durations at their limits never trap an event loop", .timeLimit(.minutes(1)))
struct DurationLimitTests {
    @Test(
        "a stream with the largest durations opens, is visited and closes",
        arguments: [Duration.seconds(Int64.max), .nanoseconds(Int64.max), .zero]
    )
    func extremeDurations(duration: Duration) async throws {
        let loop = NIOAsyncTestingEventLoop()
        let reactor = DatastarReactor(name: "durationLimits")
        let transport = RecordingTransport(loop: loop)
        let reasons = NIOLockedValueBox<[StreamCloseReason]>([])
        let stream = DatastarStream(
            every: duration,
            keepAlive: duration,
            unwritableTimeout: duration,
            reactor: reactor,
            onConnect: { try $0.send(.patchSignals(#"{"open":true}"#)) },
            onDisconnect: { _, reason in reasons.withLockedValue { $0.append(reason) } }
        ) { sse in
            try sse.send(.patchSignals(#"{"tick":true}"#))
        }
        try await loop.submit { reactor.register(stream, transport: transport) }.get()
        await loop.advanceTime(by: .seconds(1))
        #expect(transport.written.first?.contains(#"{"open":true}"#) == true)
        await reactor.shutdown()
        #expect(reasons.withLockedValue { $0 } == [.serverShutdown])
        await loop.shutdownGracefully()
    }
}
