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
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The Hummingbird kit", .timeLimit(.minutes(1)))
struct HummingbirdHelperTests {
    struct Echo: Codable, Sendable, Equatable {
        var text: String
    }

    static func router() -> Router<BasicDatastarRequestContext> {
        let router = Router(context: BasicDatastarRequestContext.self)
        // Signals from the query (GET) and the body (POST) reach the route as sent.
        for method in [HTTPRequest.Method.get, .post] {
            router.datastar(method, "/echo", signals: Echo.self) { echo, sse in
                try await sse.send(.patchSignals(encoding: echo))
            }
        }
        router.get("/last") { request, _ in
            DatastarResponse { sse in
                try await sse.send(.patchSignals(json: ["last": .string(request.headers[.lastEventID] ?? "")]))
            }
        }
        // A reactor stream's updater, once, for clients that poll.
        router.get("/poll") { _, _ in
            DatastarPoll(DatastarStream(every: .seconds(1)) { sse in try sse.send(.patchSignals(#"{"polled":true}"#)) })
        }
        // A single text/html answer, as the client also applies.
        router.get("/fragment") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html", .datastarSelector: "#list", .datastarMode: "append"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<li>1</li>"))
            )
        }
        return router
    }

    @Test(
        "signals go where the client puts them, and come back as events; in memory and over a socket",
        arguments: [TestingSetup.router, .live]
    )
    func signals(setup: TestingSetup) async throws {
        try await Application(router: Self.router()).test(setup) { client in
            for method in [HTTPRequest.Method.get, .post] {
                let response = try await client.datastar(method, "/echo", signals: Echo(text: "a&b ü"))
                #expect(response.kind == .eventStream)
                #expect(try response.signals(as: Echo.self) == Echo(text: "a&b ü"), "\(method)")
            }
            let last = try await client.datastar(.get, "/last", lastEventID: "7")
            #expect(last.signals == ["last": "7"])
            #expect(try await client.datastar(.get, "/poll").events == [.patchSignals(#"{"polled":true}"#)])
        }
    }

    @Test("a text/html answer is one patch; a 4xx is an error that names the status")
    func otherAnswers() async throws {
        try await Application(router: Self.router()).test(.router) { client in
            let fragment = try await client.datastar(.get, "/fragment")
            #expect(fragment.kind == .html)
            #expect(fragment.events == [.patchElements("<li>1</li>", selector: "#list", mode: .append)])
            await #expect(throws: DatastarTestError.unexpectedStatus(400)) {
                try await client.datastar(.get, "/echo")  // no signal `text`
            }
        }
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let datastarSelector = HTTPField.Name("datastar-selector")!
    static let datastarMode = HTTPField.Name("datastar-mode")!
}
