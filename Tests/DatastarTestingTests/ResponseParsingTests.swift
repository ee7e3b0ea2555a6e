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

import DatastarTesting
import Foundation
import Testing

/// The official conformance outputs, kept beside the conformance tests.
let goldenFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Examples/Tests/ConformanceTests/Golden/get")

/// Each event's lines, sorted: the golden files disagree on the order of data keys, which the
/// client does not care about.
func eventLineSets(_ stream: String) -> [[Substring]] {
    stream.split(separator: "\n\n").map { $0.split(separator: "\n").sorted() }
}

@Suite("Reading Datastar responses", .timeLimit(.minutes(1)))
struct ResponseParsingTests {
    @Test("every golden output reads back into events that encode to it again")
    func goldenRoundTrip() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: goldenFolder.path).sorted()
        #expect(names.count == 19)
        for name in names {
            let output = try String(
                contentsOf: goldenFolder.appendingPathComponent(name).appendingPathComponent("output.txt"),
                encoding: .utf8
            )
            let response = try DatastarTestResponse(eventStream: output)
            #expect(response.kind == .eventStream)
            #expect(!response.events.isEmpty, "\(name)")
            var encoded: [UInt8] = []
            for event in response.events { try event.encode(into: &encoded) }
            #expect(eventLineSets(String(decoding: encoded, as: UTF8.self)) == eventLineSets(output), "\(name)")
        }
    }

    @Test("a golden case reads as the events the SDK sends")
    func goldenEvents() throws {
        func read(_ name: String) throws -> [DatastarEvent] {
            let url = goldenFolder.appendingPathComponent(name).appendingPathComponent("output.txt")
            return try DatastarTestResponse(eventStream: String(contentsOf: url, encoding: .utf8)).events
        }
        #expect(
            try read("patchElementsWithAllOptions") == [
                .patchElements(
                    "<div>Merge</div>",
                    selector: "div",
                    mode: .append,
                    useViewTransition: true,
                    eventID: "event1",
                    retryDuration: .milliseconds(2000)
                )
            ]
        )
        #expect(
            try read("sendTwoEvents") == [.patchElements("<div>Merge</div>"), .patchElements("<div>Merge 2</div>")]
        )
        #expect(
            try read("executeScriptWithAllOptions") == [
                try .executeScript(
                    "console.log('hello');",
                    autoRemove: false,
                    attributes: ["type": "text/javascript", "blocking": "false"],
                    eventID: "event1",
                    retryDuration: .milliseconds(2000)
                )
            ]
        )
    }

    @Test("what the SDK encodes reads back as the same event, sugar included")
    func roundTrip() throws {
        let events: [DatastarEvent] = [
            .patchElements("<ul id=\"a\">\n<li>1</li>\n</ul>", namespace: .svg),
            .patchSignals("{\n\"a\": 1\n}", onlyIfMissing: true, eventID: "7"),
            try .patchSignals(json: ["user": ["name": "Ada"]]),
            try .removeSignals(["user.name"]),
            .removeElements(selector: "#toast", useViewTransition: true),
            try .executeScript("alert(1)"),
            .consoleLog("hi"),
            .redirect(to: "/next"),
        ]
        var body: [UInt8] = []
        for event in events { try event.encode(into: &body) }
        #expect(try DatastarTestResponse(eventStream: body).events == events)
    }

    @Test("lines may end in CRLF, LF or a lone CR; a byte-order mark and comments are skipped")
    func lineEndings() throws {
        let expected: [DatastarEvent] = [.patchElements("<a></a>\n<b></b>", selector: "#x"), .patchSignals("{}")]
        let lf =
            "event: datastar-patch-elements\ndata: selector #x\ndata: elements <a></a>\ndata: elements <b></b>\n\n"
            + ":\n\n: note\nevent:datastar-patch-signals\ndata:signals {}\n\n"
        for ending in ["\n", "\r\n", "\r"] {
            let text = "\u{FEFF}" + lf.replacingOccurrences(of: "\n", with: ending)
            let response = try DatastarTestResponse(eventStream: text)
            #expect(response.events == expected, "\(ending.debugDescription)")
            #expect(response.comments == ["", " note"])
        }
    }

    @Test("what the client would drop or reject is an error that names it")
    func errors() {
        let cases: [(String, DatastarTestError)] = [
            ("event: datastar-patch-signals\ndata: signals {}\n", .unterminatedEvent),
            ("event: datastar-patch-signals\ndata: signals {}", .unterminatedEvent),
            ("event: datastar-merge\ndata: signals {}\n\n", .unknownEventType("datastar-merge")),
            ("data: signals {}\n\n", .unknownEventType("")),
            ("event: datastar-patch-signals\ndata\n\n", .lineWithoutColon("data")),
            ("event: datastar-patch-signals\ndata: signals\n\n", .dataLineWithoutKey("signals")),
            ("event: datastar-patch-signals\ndata: onlyIfMissing true\n\n", .missingSignals),
            ("event: datastar-patch-signals\ndata: signals [1]\n\n", .invalidJSON("signals are not an object: [1]")),
            ("event: datastar-patch-elements\ndata: mode upsert\n\n", .invalidValue(key: "mode", value: "upsert")),
            ("event: datastar-patch-elements\ndata: selecter #a\n\n", .unknownKey("selecter")),
            ("event: datastar-patch-elements\nretry: 1.5\ndata: elements <a></a>\n\n", .invalidRetry("1.5")),
        ]
        for (body, error) in cases {
            #expect(throws: error, "\(body.debugDescription)") { try DatastarTestResponse(eventStream: body) }
        }
    }

    @Test("text/html patches elements once, steered by the datastar-* headers")
    func html() throws {
        let response = try DatastarTestResponse(
            headers: [
                (name: "Content-Type", value: "text/html; charset=utf-8"),
                (name: "datastar-selector", value: "#list"),
                (name: "Datastar-Mode", value: "append"),
                (name: "datastar-use-view-transition", value: "true"),
                (name: "datastar-namespace", value: "svg"),
            ],
            body: Array("<li>1</li>".utf8)
        )
        #expect(response.kind == .html)
        #expect(
            response.events == [
                .patchElements("<li>1</li>", selector: "#list", mode: .append, useViewTransition: true, namespace: .svg)
            ]
        )
        #expect(throws: DatastarTestError.invalidValue(key: "datastar-mode", value: "morph")) {
            try DatastarTestResponse(
                headers: [(name: "content-type", value: "text/html"), (name: "datastar-mode", value: "morph")],
                body: [UInt8]()
            )
        }
    }

    @Test("application/json patches signals once; text/javascript runs a script once")
    func jsonAndJavaScript() throws {
        let json = try DatastarTestResponse(
            headers: [
                (name: "content-type", value: "application/json"), (name: "datastar-only-if-missing", value: "true"),
            ],
            body: Array(#"{"count":3}"#.utf8)
        )
        #expect(json.kind == .json)
        #expect(json.events == [.patchSignals(#"{"count":3}"#, onlyIfMissing: true)])
        #expect(json.events.first?.signals == ["count": 3])

        let script = try DatastarTestResponse(
            headers: [
                (name: "content-type", value: "text/javascript"),
                (name: "datastar-script-attributes", value: #"{"type":"module","nonce":"n1"}"#),
            ],
            body: Array("go()".utf8)
        )
        #expect(script.kind == .javascript)
        #expect(
            script.events == [
                try .executeScript("go()", autoRemove: false, attributes: ["type": "module", "nonce": "n1"])
            ]
        )
    }

    @Test("a 204 has no events; other statuses and unknown content types are errors")
    func statusAndContentType() throws {
        #expect(try DatastarTestResponse(status: 204, headers: [], body: [UInt8]()).kind == .noContent)
        #expect(throws: DatastarTestError.unexpectedStatus(500)) {
            try DatastarTestResponse(
                status: 500,
                headers: [(name: "content-type", value: "text/html")],
                body: [UInt8]()
            )
        }
        #expect(throws: DatastarTestError.unsupportedContentType("text/plain")) {
            try DatastarTestResponse(headers: [(name: "content-type", value: "text/plain")], body: [UInt8]())
        }
    }

    @Test("signals patches merge in order (RFC 7386) and decode into a Decodable")
    func signals() throws {
        struct Profile: Decodable, Equatable {
            var name: String
            var count: Int
            var draft: String?
        }
        let response = DatastarTestResponse(
            kind: .eventStream,
            events: [
                .patchSignals(#"{"name":"Ada","count":1,"draft":"x","user":{"a":1,"b":2}}"#),
                .patchSignals(#"{"count":2,"draft":null,"user":{"b":null}}"#),
                .patchSignals(#"{"count":9,"extra":true}"#, onlyIfMissing: true),
                .patchElements("<p id=\"p\"></p>"),
            ]
        )
        #expect(response.signals == ["name": "Ada", "count": 2, "user": ["a": 1], "extra": true])
        #expect(try response.signals(as: Profile.self) == Profile(name: "Ada", count: 2, draft: nil))
        #expect(throws: DatastarTestError.self) { try response.signals(as: [Int].self) }
        #expect(response.events[3].signals == nil)
    }

    @Test("a test request carries the signals where the client puts them")
    func requests() throws {
        struct Search: Codable, Equatable { var query: String }
        let get = try DatastarTestRequest(method: "get", uri: "/search?page=2", signals: Search(query: "a&b c/ü"))
        #expect(get.method == "GET" && get.body == nil)
        let query = String(get.uri.split(separator: "?", maxSplits: 1)[1])
        #expect(query.hasPrefix("page=2&datastar="))
        #expect(
            try DatastarSignals.decode(Search.self, method: "GET", query: query, body: nil) == Search(query: "a&b c/ü")
        )
        #expect(get.headers.contains(.init(name: "Datastar-Request", value: "true")))

        let post = try DatastarTestRequest(method: "POST", uri: "/save", lastEventID: "9")
        #expect(post.uri == "/save" && post.body == Array("{}".utf8))
        #expect(post.headers.contains(.init(name: "Last-Event-ID", value: "9")))
        #expect(post.headers.contains(.init(name: "Content-Type", value: "application/json")))
    }
}
