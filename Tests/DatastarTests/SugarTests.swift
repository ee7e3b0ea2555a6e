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
import Testing

@Suite("removeElements", .timeLimit(.minutes(1)))
struct RemoveElementsTests {
    @Test func bySelector() throws {
        #expect(
            try wire(.removeElements(selector: "#feed, #otherid"))
                == sse("event: datastar-patch-elements", "data: selector #feed, #otherid", "data: mode remove")
        )
    }

    @Test func bySelectorWithOptions() throws {
        #expect(
            try wire(
                .removeElements(selector: "#toast", useViewTransition: true, eventID: "r", retryDuration: .seconds(2))
            )
                == sse(
                    "event: datastar-patch-elements",
                    "id: r",
                    "retry: 2000",
                    "data: selector #toast",
                    "data: mode remove",
                    "data: useViewTransition true"
                )
        )
    }

    @Test func byElements() throws {
        #expect(
            try wire(.removeElements(#"<div id="a"></div><div id="b"></div>"#))
                == sse(
                    "event: datastar-patch-elements",
                    "data: mode remove",
                    #"data: elements <div id="a"></div><div id="b"></div>"#
                )
        )
    }

    @Test func byElementsWithOptions() throws {
        #expect(
            try wire(
                .removeElements(
                    "<p id=\"a\"></p>\n<p id=\"b\"></p>",
                    useViewTransition: true,
                    eventID: "7",
                    retryDuration: .milliseconds(1)
                )
            )
                == sse(
                    "event: datastar-patch-elements",
                    "id: 7",
                    "retry: 1",
                    "data: mode remove",
                    "data: useViewTransition true",
                    #"data: elements <p id="a"></p>"#,
                    #"data: elements <p id="b"></p>"#
                )
        )
    }
}

@Suite("removeSignals", .timeLimit(.minutes(1)))
struct RemoveSignalsTests {
    func removalPatch(_ paths: [String]) throws -> String {
        try signalsLine(of: try .removeSignals(paths))
    }

    @Test func fullEvent() throws {
        #expect(
            try wire(try .removeSignals(["user.name", "draft"], eventID: "x", retryDuration: .seconds(3)))
                == sse(
                    "event: datastar-patch-signals",
                    "id: x",
                    "retry: 3000",
                    #"data: signals {"user":{"name":null},"draft":null}"#
                )
        )
    }

    @Test func dottedPathsMergeIntoNestedNulls() throws {
        #expect(
            try removalPatch(["a.b.c", "a.b.d", "a.e", "f"]) == #"{"a":{"b":{"c":null,"d":null},"e":null},"f":null}"#
        )
        #expect(try removalPatch(["user.name", "user.email"]) == #"{"user":{"name":null,"email":null}}"#)
    }

    @Test func noPathsGiveAnEmptyPatch() throws {
        #expect(try removalPatch([]) == "{}")
    }

    @Test func repeatedPathIsWrittenOnce() throws {
        #expect(try removalPatch(["a", "a"]) == #"{"a":null}"#)
        #expect(try removalPatch(["a.b", "a.b"]) == #"{"a":{"b":null}}"#)
    }

    @Test(arguments: [
        (["a", "a.b"], #"{"a":null}"#),
        (["a.b", "a"], #"{"a":null}"#),
        (["a.b.c", "a.b"], #"{"a":{"b":null}}"#),
        (["a.b", "a.b.c"], #"{"a":{"b":null}}"#),
        (["a.b.c", "a.x", "a"], #"{"a":null}"#),
        (["x", "a.b", "a", "a.c"], #"{"x":null,"a":null}"#),
        (["a.b.c", "a.b.d", "a.b"], #"{"a":{"b":null}}"#),
    ])
    func shorterPrefixPathWinsInAnyOrder(paths: [String], expected: String) throws {
        #expect(try removalPatch(paths) == expected)
    }

    @Test func keysAreJSONEscaped() throws {
        #expect(try removalPatch([#"we"ird\key"#]) == #"{"we\"ird\\key":null}"#)
    }

    @Test(arguments: ["", ".", "a..b", ".a", "a.", "a.b.", "..", "a...b"])
    func invalidPathThrows(path: String) {
        #expect(throws: DatastarError.invalidSignalPath(path)) {
            try DatastarEvent.removeSignals(["ok", path, "other"])
        }
    }

    @Test func invalidPathErrorDescription() {
        #expect(
            DatastarError.invalidSignalPath("a..b").description
                == #""a..b" is not a valid signal path: use dot-separated, non-empty names."#
        )
    }
}

@Suite("console sugar", .timeLimit(.minutes(1)))
struct ConsoleTests {
    @Test func consoleLog() throws {
        #expect(
            try wire(.consoleLog("Here"))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">console.log("Here")</script>"#
                )
        )
    }

    @Test func consoleError() throws {
        #expect(
            try wire(.consoleError("Oops", eventID: "e1", retryDuration: .seconds(2)))
                == sse(
                    "event: datastar-patch-elements",
                    "id: e1",
                    "retry: 2000",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">console.error("Oops")</script>"#
                )
        )
    }

    /// The script body of a one-line `<script data-effect="el.remove()">…</script>` element.
    func scriptBody(_ event: DatastarEvent) throws -> String {
        let line = try elementsLine(of: event)
        let open = #"<script data-effect="el.remove()">"#
        let close = "</script>"
        try #require(line.hasPrefix(open) && line.hasSuffix(close))
        return String(line.dropFirst(open.count).dropLast(close.count))
    }

    @Test func hostileMessageIsEscapedOnOneLine() throws {
        let message = "say \"hi\"\nthen </script><img src=x onerror=alert(1)> & \r\n\u{2028}\u{2029}\\ 'q'"
        for (event, function) in [(DatastarEvent.consoleLog(message), "log"), (.consoleError(message), "error")] {
            let body = try scriptBody(event)
            #expect(
                body
                    == #"console.\#(function)("say \"hi\"\nthen \u003c/script\u003e\u003cimg src=x onerror=alert(1)\u003e \u0026 \r\n\u2028\u2029\\ 'q'")"#
            )
            #expect(!body.contains("</script>"))
            #expect(!body.contains("<"))
            let text = try wire(event)
            #expect(text.components(separatedBy: "</script>").count == 2, "only the closing tag")
            #expect(text.split(separator: "\n").count == 4)
        }
    }

    @Test func unicodeIsKept() throws {
        #expect(try scriptBody(.consoleLog("é 😀 \u{1}")) == #"console.log("é 😀 \u0001")"#)
    }
}

@Suite("navigation sugar", .timeLimit(.minutes(1)))
struct NavigationTests {
    @Test func redirect() throws {
        #expect(
            try wire(.redirect(to: "/next"))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">setTimeout(() => window.location.href = "/next")</script>"#
                )
        )
    }

    @Test func redirectEscapesTheURL() throws {
        #expect(
            try elementsLine(of: .redirect(to: "/a?x=1&y=\"</script>\"\n", eventID: "1"))
                == #"<script data-effect="el.remove()">setTimeout(() => window.location.href = "/a?x=1\u0026y=\"\u003c/script\u003e\"\n")</script>"#
        )
    }

    @Test func redirectOptions() throws {
        #expect(
            try wire(.redirect(to: "https://example.com/", eventID: "go", retryDuration: .milliseconds(500)))
                == sse(
                    "event: datastar-patch-elements",
                    "id: go",
                    "retry: 500",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">setTimeout(() => window.location.href = "https://example.com/")</script>"#
                )
        )
    }

    @Test func replaceURL() throws {
        #expect(
            try wire(.replaceURL("/items/2?tab=a&b"))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">window.history.replaceState({}, '', "/items/2?tab=a\u0026b")</script>"#
                )
        )
        #expect(
            try wire(.replaceURL("/x", eventID: "u", retryDuration: .seconds(1)))
                == sse(
                    "event: datastar-patch-elements",
                    "id: u",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">window.history.replaceState({}, '', "/x")</script>"#
                )
        )
    }

    @Test func replaceURLEscapesQuotesAndTags() throws {
        #expect(
            try elementsLine(of: .replaceURL("/'\"<>"))
                == #"<script data-effect="el.remove()">window.history.replaceState({}, '', "/'\"\u003c\u003e")</script>"#
        )
    }
}

@Suite("dispatchEvent", .timeLimit(.minutes(1)))
struct DispatchEventTests {
    @Test func onDocument() throws {
        #expect(
            try wire(try .dispatchEvent("cart-updated"))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">document.dispatchEvent(new CustomEvent("cart-updated", {"detail":null,"bubbles":true,"cancelable":true,"composed":true}))</script>"#
                )
        )
    }

    @Test func withDetailAndFlags() throws {
        #expect(
            try elementsLine(
                of: try .dispatchEvent(
                    "cart-updated",
                    detail: ["items": 3, "ids": [1, 2], "note": "a<b"],
                    bubbles: false,
                    cancelable: true,
                    composed: false
                )
            )
                == #"<script data-effect="el.remove()">document.dispatchEvent(new CustomEvent("cart-updated", {"detail":{"items":3,"ids":[1,2],"note":"a\u003cb"},"bubbles":false,"cancelable":true,"composed":false}))</script>"#
        )
    }

    @Test func withSelector() throws {
        #expect(
            try elementsLine(
                of: try .dispatchEvent("refresh", detail: "now", selector: "#cart .badge", cancelable: false)
            )
                == ##"<script data-effect="el.remove()">document.querySelectorAll("#cart .badge").forEach((el) => el.dispatchEvent(new CustomEvent("refresh", {"detail":"now","bubbles":true,"cancelable":false,"composed":true})))</script>"##
        )
    }

    @Test func selectorAndDetailAreScriptSafe() throws {
        let line = try elementsLine(
            of: try .dispatchEvent("x", detail: ["html": "</script>"], selector: "a[title=\"</script>\"]\n")
        )
        #expect(
            line
                == #"<script data-effect="el.remove()">document.querySelectorAll("a[title=\"\u003c/script\u003e\"]\n").forEach((el) => el.dispatchEvent(new CustomEvent("x", {"detail":{"html":"\u003c/script\u003e"},"bubbles":true,"cancelable":true,"composed":true})))</script>"#
        )
        #expect(line.components(separatedBy: "</script>").count == 2)
    }

    @Test func eventNameWithPunctuationIsQuoted() throws {
        #expect(
            try elementsLine(of: try .dispatchEvent("my:event\"</x>", eventID: "d", retryDuration: .seconds(2)))
                == #"<script data-effect="el.remove()">document.dispatchEvent(new CustomEvent("my:event\"\u003c/x\u003e", {"detail":null,"bubbles":true,"cancelable":true,"composed":true}))</script>"#
        )
    }

    @Test func optionsArePassedThrough() throws {
        let text = try wire(try .dispatchEvent("e", eventID: "d", retryDuration: .seconds(2)))
        #expect(text.hasPrefix("event: datastar-patch-elements\nid: d\nretry: 2000\ndata: selector body\n"))
    }

    @Test(arguments: ["", " ", "a b", "a\nb", "a\rb", "\tx", "x\u{A0}", "a\u{2028}b", "end "])
    func invalidNamesThrow(name: String) {
        #expect(throws: DatastarError.invalidEventName(name)) {
            try DatastarEvent.dispatchEvent(name)
        }
        #expect(throws: DatastarError.invalidEventName(name)) {
            try DatastarEvent.dispatchEvent(name, detail: [1], selector: "#a")
        }
    }

    @Test func invalidNameErrorDescription() {
        #expect(
            DatastarError.invalidEventName("a b").description
                == #""a b" is not a valid DOM event name: it must be non-empty, without whitespace."#
        )
    }
}

@Suite("DatastarError", .timeLimit(.minutes(1)))
struct DatastarErrorTests {
    @Test func descriptions() {
        #expect(DatastarError.negativeRetryDuration.description == "The retry duration must not be negative.")
        #expect(DatastarError.signalsNotAnObject.description == "Signals must encode to a JSON object.")
        #expect(
            DatastarError.signalsEncodingFailed("boom").description
                == "The signals could not be encoded as JSON: boom"
        )
        #expect(
            DatastarError.lineBreakInField(field: "event id").description
                == "The event id must be a single line: it contains a carriage return or line feed."
        )
    }
}
