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
import DatastarNIO
import DatastarVapor
import Hummingbird
import Vapor

/// The routes of the plain-response and QUERY tests, the same on both frameworks.
enum PlainRoutes {
    /// A list long enough to be compressed (over 1 KiB).
    static let longList =
        #"<ul id="list">"# + (0..<200).map { "<li>item \($0)</li>" }.joined() + "</ul>"

    /// The patch each `/one-shot/<kind>` route answers with.
    static func patch(_ kind: String) throws -> DatastarPlainPatch {
        switch kind {
        case "elements":
            return try .patchElements("<li>new</li>", selector: "#list", mode: .append, useViewTransition: true)
        case "signals": return try .patchSignals(json: ["count": 3, "name": "é"], onlyIfMissing: true)
        case "script": return try .executeScript("window.ran = true", attributes: ["type": "module"])
        case "long": return try .patchElements(longList)
        default: return try DatastarPlainPatch(.consoleLog(kind))
        }
    }

    /// Answers a QUERY with the greeting's name as a signal, in a plain response.
    static func search(_ greeting: Greeting) throws -> DatastarPlainPatch {
        try .patchSignals(json: ["found": .string(greeting.name), "times": .number(greeting.times)])
    }

    static func register(on router: Hummingbird.Router<BasicDatastarRequestContext>) {
        router.get("/one-shot/:kind") { _, context in
            try DatastarPlainResponse(patch(context.parameters.get("kind") ?? ""))
        }
        router.get("/one-shot-uncompressed/:kind") { _, context in
            try DatastarPlainResponse(patch(context.parameters.get("kind") ?? ""), compression: .disabled)
        }
        router.datastar(.query, "/greet", signals: Greeting.self, use: TestRoutes.greet)
        router.on("/search", method: .query) { request, _ in
            try DatastarPlainResponse(search(try await request.datastarSignals(Greeting.self)))
        }
        // The QUERY sugar of the reactor-backed responses.
        router.query("/query-poll") { _, _ in
            DatastarPoll { connection in try connection.send(.patchSignals(#"{"polled":true}"#)) }
        }
    }

    static func register(on app: Vapor.Application) {
        app.get("one-shot", ":kind") { request in
            try DatastarPlainResponse(patch(request.parameters.get("kind") ?? ""))
        }
        app.get("one-shot-uncompressed", ":kind") { request in
            try DatastarPlainResponse(patch(request.parameters.get("kind") ?? ""), compression: .disabled)
        }
        app.datastar(.RAW(value: "QUERY"), "greet", signals: Greeting.self, use: TestRoutes.greet)
        app.on(.RAW(value: "QUERY"), "search", body: .stream) { request in
            try DatastarPlainResponse(search(try await request.datastarSignals(Greeting.self)))
        }
    }
}
