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
import DatastarHummingbird
import DatastarHummingbirdTesting
import DatastarTesting
import DatastarVapor
import DatastarVaporTesting
import Hummingbird
import HummingbirdTesting
import Testing
import VaporTesting

/// The SDK's own plain responses, read back by the kit on both frameworks: each kind is the one
/// event a stream would have sent for it.
@Suite("Plain responses read back by the kit", .timeLimit(.minutes(1)))
struct PlainResponseKitTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var patch: DatastarPlainPatch
        var kind: DatastarTestResponse.Kind
        var event: DatastarEvent
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "html",
            patch: try! .patchElements("<li>1</li>", selector: "#list", mode: .append, useViewTransition: true),
            kind: .html,
            event: .patchElements("<li>1</li>", selector: "#list", mode: .append, useViewTransition: true)
        ),
        Case(
            name: "json",
            patch: .patchSignals(#"{"theme":"dark"}"#, onlyIfMissing: true),
            kind: .json,
            event: .patchSignals(#"{"theme":"dark"}"#, onlyIfMissing: true)
        ),
        Case(
            name: "javascript",
            patch: try! .executeScript("console.log(1)", attributes: ["type": "module"]),
            kind: .javascript,
            event: try! .executeScript("console.log(1)", autoRemove: false, attributes: ["type": "module"])
        ),
    ]

    @Test("on Hummingbird, in memory", arguments: cases)
    func hummingbird(_ scenario: Case) async throws {
        let router = Router(context: BasicDatastarRequestContext.self)
        let patch = scenario.patch
        router.get("/plain") { _, _ in DatastarPlainResponse(patch) }
        try await Application(router: router).test(.router) { client in
            let response = try await client.datastar(.get, "/plain")
            #expect(response.kind == scenario.kind)
            #expect(response.events == [scenario.event])
        }
    }

    @Test("on Vapor, in memory", arguments: cases)
    func vapor(_ scenario: Case) async throws {
        let patch = scenario.patch
        try await withApp(configure: { app in app.get("plain") { _ in DatastarPlainResponse(patch) } }) { app in
            let response = try await app.testing().datastar(.GET, "plain")
            #expect(response.kind == scenario.kind)
            #expect(response.events == [scenario.event])
        }
    }
}
