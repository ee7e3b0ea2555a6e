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

@Suite("plain (non-SSE) patches", .timeLimit(.minutes(1)))
struct PlainPatchTests {
    private func headers(_ patch: DatastarPlainPatch) -> [String] {
        patch.headers.map { "\($0.name): \($0.value)" }
    }

    @Test func elementsWithDefaultsSendNoHeaders() throws {
        let patch = try DatastarPlainPatch.patchElements(#"<p id="a">1</p>"#)
        #expect(patch.kind == .elements)
        #expect(patch.contentType == "text/html; charset=utf-8")
        #expect(patch.headers.isEmpty)
        #expect(patch.body == #"<p id="a">1</p>"#)
    }

    @Test func elementsWithEveryOption() throws {
        let patch = try DatastarPlainPatch.patchElements(
            "<li>1</li>\n<li>2</li>",
            selector: "#list > li[data-x='a b']",
            mode: .append,
            useViewTransition: true,
            namespace: .svg
        )
        #expect(
            headers(patch) == [
                "datastar-selector: #list > li[data-x='a b']",
                "datastar-mode: append",
                "datastar-namespace: svg",
                "datastar-use-view-transition: true",
            ]
        )
        // The body is sent as is, line breaks and all.
        #expect(patch.body == "<li>1</li>\n<li>2</li>")
    }

    @Test func everyModeButOuterIsSent() throws {
        for mode in ElementPatchMode.allCases {
            let patch = try DatastarPlainPatch.patchElements("<p></p>", selector: "#x", mode: mode)
            let sent = patch.headers.first { $0.name == "datastar-mode" }?.value
            #expect(sent == (mode == .outer ? nil : mode.rawValue))
        }
    }

    @Test func removeElementsHasAnEmptyBody() throws {
        let patch = try DatastarPlainPatch.removeElements(selector: "#toast")
        #expect(patch.body.isEmpty)
        #expect(headers(patch) == ["datastar-selector: #toast", "datastar-mode: remove"])
    }

    @Test(arguments: ["#a\nb", "#a\rb", "#a\r\nb", "\n"])
    func lineBreakInSelectorIsATypedError(selector: String) {
        #expect(throws: DatastarError.lineBreakInField(field: "selector")) {
            try DatastarPlainPatch.patchElements("<p></p>", selector: selector)
        }
        #expect(throws: DatastarError.lineBreakInField(field: "selector")) {
            try DatastarPlainPatch.removeElements(selector: selector)
        }
    }

    @Test func selectorBeyondASCIIIsWrittenAsCSSEscapes() throws {
        let patch = try DatastarPlainPatch.patchElements("<p></p>", selector: "#café > [title=\"😀 x\"]\t.b\u{7F}")
        #expect(headers(patch) == [#"datastar-selector: #caf\E9  > [title="\1F600  x"]"# + "\t.b\\7F "])
        for header in patch.headers {
            #expect(header.value.utf8.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) })
        }
    }

    @Test func signals() throws {
        #expect(DatastarPlainPatch.patchSignals(#"{"n":1}"#).body == #"{"n":1}"#)
        #expect(DatastarPlainPatch.patchSignals(#"{"n":1}"#).headers.isEmpty)
        #expect(DatastarPlainPatch.patchSignals("{}").contentType == "application/json")
        #expect(DatastarPlainPatch.patchSignals("{}").kind == .signals)
        let ifMissing = try DatastarPlainPatch.patchSignals(json: ["a": "é", "b": [1, 2]], onlyIfMissing: true)
        #expect(headers(ifMissing) == ["datastar-only-if-missing: true"])
        #expect(ifMissing.body == #"{"a":"é","b":[1,2]}"#)
        struct Counter: Encodable { var count: Int }
        #expect(try DatastarPlainPatch.patchSignals(encoding: Counter(count: 3)).body == #"{"count":3}"#)
        #expect(throws: DatastarError.signalsNotAnObject) { try DatastarPlainPatch.patchSignals(json: [1, 2]) }
        #expect(throws: DatastarError.signalsNotAnObject) { try DatastarPlainPatch.patchSignals(encoding: [1]) }
    }

    @Test func script() throws {
        let plain = try DatastarPlainPatch.executeScript("console.log('hi')\n")
        #expect(plain.kind == .script)
        #expect(plain.contentType == "text/javascript; charset=utf-8")
        #expect(plain.headers.isEmpty)
        #expect(plain.body == "console.log('hi')\n")
        let module = try DatastarPlainPatch.executeScript(
            "import('/x.js')",
            attributes: ["type": "module", "data-note": "a \"quoted\"\r\nvalue\\ é 😀"]
        )
        #expect(
            headers(module) == [
                #"datastar-script-attributes: {"type":"module","data-note":"a \"quoted\"\u000d\u000avalue\\ \u00e9 \ud83d\ude00"}"#
            ]
        )
    }

    @Test(arguments: ["", "a b", "a\nb", "a\rb", "x=y", "a>", "a/b", "a\"", "a'"])
    func invalidScriptAttributeNameIsATypedError(name: String) {
        #expect(throws: DatastarError.invalidAttributeName(name)) {
            try DatastarPlainPatch.executeScript("1", attributes: [ScriptAttribute(name: name, value: "v")])
        }
    }

    @Test func scriptAttributeNamesBeyondASCIIAreJSONEscaped() throws {
        let patch = try DatastarPlainPatch.executeScript("1", attributes: ["data-é": "1"])
        #expect(headers(patch) == [#"datastar-script-attributes: {"data-\u00e9":"1"}"#])
    }

    @Test func fromEvents() throws {
        let elements = try DatastarPlainPatch(
            .patchElements(
                "<p>x</p>",
                selector: "#x",
                mode: .inner,
                useViewTransition: true,
                viewTransitionSelector: "#y",
                eventID: "7",
                retryDuration: .seconds(3)
            )
        )
        #expect(
            elements
                == (try DatastarPlainPatch.patchElements(
                    "<p>x</p>",
                    selector: "#x",
                    mode: .inner,
                    useViewTransition: true
                ))
        )
        let signals = try DatastarPlainPatch(.patchSignals(#"{"a":1}"#, onlyIfMissing: true))
        #expect(signals == DatastarPlainPatch.patchSignals(#"{"a":1}"#, onlyIfMissing: true))
        // The script sugar of the events becomes an HTML patch that appends the script to body.
        let log = try DatastarPlainPatch(.consoleLog("hi"))
        #expect(log.kind == .elements)
        #expect(headers(log) == ["datastar-selector: body", "datastar-mode: append"])
        #expect(log.body.hasPrefix("<script"))
        #expect(throws: DatastarError.lineBreakInField(field: "selector")) {
            try DatastarPlainPatch(.removeElements(selector: "a\nb"))
        }
    }
}
