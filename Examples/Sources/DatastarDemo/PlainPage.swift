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
import Hummingbird
import NIOCore

/// A page of its own at `/plain`: each button gets one plain (non-SSE) response that the
/// Datastar client applies once — `text/html`, `application/json`, `text/javascript` — and
/// `/plain/search` answers an HTTP `QUERY` (the client's `@query()`, since 1.0.4).
struct PlainPage: Sendable {
    /// Where the page loads the Datastar client from.
    let client: DatastarClientScript

    /// Signals read by `/plain/search`.
    struct Search: Decodable, Sendable {
        var text: String
    }

    /// A list long enough (over 1 KiB) for its response to be compressed.
    static let longList =
        #"<ol id="plain-long">"# + (1...120).map { "<li>line \($0) of a long list</li>" }.joined() + "</ol>"

    func register(on router: Router<BasicDatastarRequestContext>) {
        router.get("/plain") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: render()))
            )
        }
        router.get("/plain/elements") { _, _ in
            try DatastarPlainResponse(
                .patchElements("<li>added by text/html</li>", selector: "#plain-list", mode: .append)
            )
        }
        router.get("/plain/signals") { _, _ in
            try DatastarPlainResponse(.patchSignals(json: ["plainCount": 42, "plainWord": "json"]))
        }
        router.get("/plain/signals-if-missing") { _, _ in
            try DatastarPlainResponse(
                .patchSignals(json: ["plainCount": 999, "plainAdded": "only if missing"], onlyIfMissing: true)
            )
        }
        router.get("/plain/script") { _, _ in
            try DatastarPlainResponse(
                .executeScript(
                    "document.getElementById('plain-script-result').textContent = "
                        + "document.currentScript.dataset.greeting",
                    attributes: ["data-greeting": "ran, with its attributes"]
                )
            )
        }
        router.get("/plain/long") { _, _ in
            try DatastarPlainResponse(.patchElements(Self.longList))
        }
        router.on("/plain/search", method: .query) { request, _ in
            let search = try await request.datastarSignals(Search.self)
            return try DatastarPlainResponse(.patchSignals(json: ["plainFound": .string("found: \(search.text)")]))
        }
    }

    /// What this page adds to the main page's style.
    static let css = """
        .plain button{margin:4px 6px 0 0}
        .plain pre{white-space:pre-wrap;word-break:break-all;font-size:12px;color:var(--muted)}
        .plain ol{max-height:10em;overflow:auto}
        """

    func render() -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>swift-datastar: plain responses</title>
        <link rel="icon" href="data:,">
        <style>\(Page.css)\(Self.css)</style>
        \(client.tag)
        </head>
        <body data-signals="{plainCount: 0, plainWord: '', plainFound: '', text: 'swift'}">
        <div class="wrap">
        <header class="top">
          <div class="brand"><div class="logo">✦</div><div><h1>Plain responses</h1>
          <p>One patch per request, no stream: the client applies the response once.</p></div></div>
        </header>
        <main class="grid plain">
        <section class="card span3">
          <div class="card-head"><div><h2>text/html</h2><p>Appended to the list (datastar-selector, datastar-mode).</p>\
        </div></div>
          <ul id="plain-list"><li>first</li></ul>
          <button class="primary" id="plain-elements" data-on:click="\(DatastarAction.get("/plain/elements"))">Append</button>
          <button class="primary" id="plain-long-button" data-on:click="\(DatastarAction.get("/plain/long"))">Long list</button>
          <ol id="plain-long"></ol>
        </section>
        <section class="card span3">
          <div class="card-head"><div><h2>application/json</h2><p>Patches signals (datastar-only-if-missing).</p>\
        </div></div>
          <p>count <b id="plain-count" data-text="$plainCount">…</b>, word <b id="plain-word" data-text="$plainWord"></b></p>
          <pre id="plain-signals-json" data-json-signals__terse></pre>
          <button class="primary" id="plain-signals" data-on:click="\(DatastarAction.get("/plain/signals"))">Set</button>
          <button class="primary" id="plain-signals-if-missing" data-on:click="\(DatastarAction.get("/plain/signals-if-missing"))">\
        Set if missing</button>
        </section>
        <section class="card span3">
          <div class="card-head"><div><h2>text/javascript</h2><p>Runs a script (datastar-script-attributes).</p>\
        </div></div>
          <p id="plain-script-result">not run yet</p>
          <button class="primary" id="plain-script" data-on:click="\(DatastarAction.get("/plain/script"))">Run</button>
        </section>
        <section class="card span3">
          <div class="card-head"><div><h2>QUERY</h2><p>Signals in the body of a safe request (@query, client 1.0.4).</p>\
        </div></div>
          <input id="plain-text" data-bind:text aria-label="search text">
          <button class="primary" id="plain-query" data-on:click="\(DatastarAction.query("/plain/search"))">Search</button>
          <p id="plain-found" data-text="$plainFound"></p>
        </section>
        </main>
        </div>
        </body>
        </html>
        """
    }
}
