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

import DatastarVapor
import DatastarVaporTesting
import Testing
import Vapor
import VaporTesting

@Suite("The Vapor kit", .timeLimit(.minutes(1)))
struct VaporHelperTests {
    struct Echo: Content, Equatable {
        var text: String
    }

    static func routes(_ app: Application) async throws {
        app.datastar(.POST, "echo", signals: Echo.self) { echo, sse in
            try await sse.send(.patchSignals(encoding: echo))
        }
        // A single application/json answer, as the client also applies.
        app.get("defaults") { _ in
            Response(
                status: .ok,
                headers: ["Content-Type": "application/json", "datastar-only-if-missing": "true"],
                body: .init(string: #"{"theme":"dark"}"#)
            )
        }
    }

    @Test("signals go in the body of a POST and come back as events")
    func signals() async throws {
        try await withApp(configure: Self.routes) { app in
            let response = try await app.testing().datastar(.POST, "echo", signals: Echo(text: "a&b ü"))
            #expect(try response.signals(as: Echo.self) == Echo(text: "a&b ü"))
        }
    }

    @Test("an application/json answer is one patch; XCTVapor's types read the same way")
    func otherAnswers() async throws {
        try await withApp(configure: Self.routes) { app in
            let defaults = try await app.testing().datastar(.GET, "defaults")
            #expect(defaults.kind == .json)
            #expect(defaults.events == [.patchSignals(#"{"theme":"dark"}"#, onlyIfMissing: true)])
            let request = TestingHTTPRequest(
                try DatastarTestRequest(method: "POST", uri: "/echo", signals: ["text": "x"])
            )
            let response = try await app.testing().performTest(request: request)
            #expect(try response.datastar().signals == ["text": "x"])
            await #expect(throws: DatastarTestError.unexpectedStatus(400)) {
                try await app.testing().datastar(.POST, "echo")
            }
        }
    }
}
