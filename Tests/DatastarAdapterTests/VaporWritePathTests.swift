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
import Testing
import Vapor

/// Over HTTP/1.1 the Vapor adapter writes a stream's chunks below NIO's response encoder, but
/// only where nothing between could recode the body: Vapor's response compressor honours the
/// head's "do not compress" marker only when route overrides are allowed. Elsewhere it writes
/// through Vapor's body writer. Both ways carry the same events.
@Suite("Vapor's two write paths over HTTP/1.1", .timeLimit(.minutes(1)))
struct VaporWritePathTests {
    @Test(
        "a reactor stream and a hub subscription, whether or not routes may override response compression",
        arguments: [true, false]
    )
    func bothPaths(overridesAllowed: Bool) async throws {
        let compression = HTTPServer.Configuration.ResponseCompressionConfiguration.disabled(
            allowedTypes: .none,
            allowRequestOverrides: overridesAllowed
        )
        try await withServer(.vapor, vaporCompression: compression) { server in
            var reactor = try await openStream(.shared, "\(server.base)/reactor?hz=50")
            #expect(try await reactor.next() == #"event: datastar-patch-signals\#ndata: signals {"connected":true}"#)
            for n in 1...3 {
                #expect(try await reactor.next() == #"event: datastar-patch-signals\#ndata: signals {"n":\#(n)}"#)
            }
            let subscription = try await subscribe(server.base, topic: "paths")
            #expect(subscription.resume == "fresh")
            var subscriber = subscription.reader
            for n in 1...3 { try await publishOverHTTP(server.base, topic: "paths", n: n) }
            for n in 1...3 { #expect(try await subscriber.next() == published(n)) }
        }
    }
}
