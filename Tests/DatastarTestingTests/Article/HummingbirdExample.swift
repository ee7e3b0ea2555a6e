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

import DatastarHummingbird
import DatastarHummingbirdTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// The app under test: a form answer and a live counter.
enum CounterApp {
    struct Greeting: Codable, Sendable {
        var name: String
    }

    static let counter = DatastarStream(
        every: .seconds(1),
        onConnect: { sse in try sse.send(.patchElements(#"<p id="count" data-text="$count"></p>"#)) }
    ) { sse in
        try sse.send(.patchSignals(json: ["count": .number(sse.updates)]))
    }

    static func router() -> Router<BasicDatastarRequestContext> {
        let router = Router(context: BasicDatastarRequestContext.self)
        router.datastar(.post, "/greet", signals: Greeting.self) { signals, sse in
            try await sse.send(.patchElements(#"<p id="greeting">Hello, \#(HTML.escape(signals.name))</p>"#))
            try await sse.send(.patchSignals(json: ["greeted": true]))
        }
        router.get("/counter") { _, _ in counter }
        return router
    }
}

@Suite("The test kit's Hummingbird example", .timeLimit(.minutes(1)))
struct CounterAppTests {
    @Test("the greeting answers with the name, without a socket")
    func greets() async throws {
        let app = Application(router: CounterApp.router())
        try await app.test(.router) { client in
            let response = try await client.datastar(.post, "/greet", signals: CounterApp.Greeting(name: "Ada"))
            #expect(
                response.events == [
                    .patchElements(#"<p id="greeting">Hello, Ada</p>"#),
                    try .patchSignals(json: ["greeted": true]),
                ]
            )
            #expect(response.signals["greeted"] == true)
        }
    }

    @Test("the counter ticks once a second, on a virtual clock")
    func counts() async throws {
        try await withDatastarStreamProbe(CounterApp.counter) { probe in
            let connected = try await probe.advance(by: .zero)
            #expect(connected.events == [.patchElements(#"<p id="count" data-text="$count"></p>"#)])
            let threeSeconds = try await probe.advance(by: .seconds(3))
            #expect(threeSeconds.events.map(\.signals) == [["count": 1], ["count": 2], ["count": 3]])
            try await probe.shutdown()
            #expect(probe.closeReason == .serverShutdown)
            #expect(probe.ending == .aborted)  // the browser reconnects to the next server
        }
    }
}
