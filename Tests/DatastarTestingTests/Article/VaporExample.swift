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

/// The app under test: a search that answers with the matching items.
func searchRoutes(_ app: Application) async throws {
    struct Search: Decodable, Sendable {
        var query: String
    }
    let items = ["apple", "apricot", "banana"]
    app.datastar(.GET, "search", signals: Search.self) { search, sse in
        let found = items.filter { $0.hasPrefix(search.query) }
        let list = found.map { "<li>\(HTML.escape($0))</li>" }.joined()
        try await sse.send(.patchElements(#"<ul id="results">\#(list)</ul>"#))
        try await sse.send(.patchSignals(json: ["found": .number(found.count)]))
    }
}

@Suite("The test kit's Vapor example", .timeLimit(.minutes(1)))
struct SearchAppTests {
    struct Found: Decodable {
        var found: Int
    }

    @Test("the search answers with the matches, in memory")
    func searches() async throws {
        try await withApp(configure: searchRoutes) { app in
            let response = try await app.testing().datastar(.GET, "search", signals: ["query": "ap"])
            #expect(response.events.first == .patchElements(#"<ul id="results"><li>apple</li><li>apricot</li></ul>"#))
            #expect(try response.signals(as: Found.self).found == 2)
        }
    }
}
