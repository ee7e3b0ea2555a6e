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
import NIOCore
import Testing

extension MachineLoadTests {
    @Suite("An overloaded event loop still answers short requests", .timeLimit(.minutes(2)))
    struct OverloadTests {
        /// Before the loop's engine work paused as a whole (`LoopYield`), requests here waited
        /// 1–4.5 s on Vapor and a new stream did not open within 10 s on Hummingbird; with it,
        /// 18–75 ms on both.
        @Test(
            "a short request is answered while slow updaters overload the only event loop",
            arguments: Framework.allCases
        )
        func shortRequestUnderLoad(framework: Framework) async throws {
            try await withEventLoopGroup(threads: 1) { group in
                try await withServer(framework, group: group) { server in
                    try await Self.check(port: server.port, base: server.base)
                }
            }
        }

        /// 60 streams at 50 Hz whose updaters take 1 ms each: three times what the loop can do.
        static func check(port: Int, base: String) async throws {
            var streams: [any Channel] = []
            defer { for stream in streams { stream.close(promise: nil) } }
            for _ in 0..<60 { streams.append(try await openRawStream(port: port, path: "/heavy")) }
            ReactorRoutes.heavyMicroseconds.withLockedValue { $0 = 1000 }
            defer { ReactorRoutes.heavyMicroseconds.withLockedValue { $0 = 0 } }
            // Let the backlog build up first: the timer is behind from its first firings.
            try await Task.sleep(for: .milliseconds(300))
            let clock = ContinuousClock()
            var took: [Duration] = []
            for n in 0..<5 {
                let start = clock.now
                let response = try await HTTPClient.test.fetch(
                    "\(base)/hub/publish?topic=nobody&n=\(n)",
                    method: .POST,
                    within: .seconds(10)
                )
                #expect(response.status == 204)
                took.append(clock.now - start)
            }
            print("short requests under overload: \(took)")
            for (n, duration) in took.enumerated() {
                #expect(duration < .milliseconds(500), "request \(n) took \(duration)")
            }
            // The streams are slowed down, not stopped, and a new one still opens.
            streams.append(try await openRawStream(port: port, path: "/heavy"))
        }
    }
}
