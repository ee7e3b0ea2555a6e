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

@Suite("patchSignals wire format", .timeLimit(.minutes(1)))
struct PatchSignalsEncodingTests {
    static let adrSignals =
        #"{"output":"Patched Output Test","show":true,"input":"Test","user":{"name":"","email":""}}"#

    @Test func minimalExampleFromTheADR() throws {
        #expect(
            try wire(.patchSignals(Self.adrSignals))
                == "event: datastar-patch-signals\ndata: signals \(Self.adrSignals)\n\n"
        )
    }

    @Test func fullExampleFromTheADR() throws {
        #expect(
            try wire(.patchSignals(Self.adrSignals, onlyIfMissing: true, eventID: "123", retryDuration: .seconds(2)))
                == sse(
                    "event: datastar-patch-signals",
                    "id: 123",
                    "retry: 2000",
                    "data: onlyIfMissing true",
                    "data: signals \(Self.adrSignals)"
                )
        )
    }

    @Test func onlyIfMissingFalseIsNotSent() throws {
        #expect(
            try wire(.patchSignals(#"{"a":1}"#, onlyIfMissing: false))
                == sse("event: datastar-patch-signals", #"data: signals {"a":1}"#)
        )
    }

    @Test func rawTextIsSentAsGivenLineByLine() throws {
        let text = "{\n  \"user\": {\n    \"name\": \"Johnny\",\n    \"email\": null\n  }\n}"
        #expect(
            try wire(.patchSignals(text))
                == sse(
                    "event: datastar-patch-signals",
                    "data: signals {",
                    #"data: signals   "user": {"#,
                    #"data: signals     "name": "Johnny","#,
                    #"data: signals     "email": null"#,
                    "data: signals   }",
                    "data: signals }"
                )
        )
    }

    @Test func payloadInitializer() throws {
        let event = DatastarEvent(.patchSignals(PatchSignals(signals: #"{"x":true}"#, onlyIfMissing: true)))
        #expect(event.eventType == "datastar-patch-signals")
        #expect(event == .patchSignals(#"{"x":true}"#, onlyIfMissing: true))
        #expect(PatchSignals(signals: "{}").onlyIfMissing == false)
        #expect(
            try wire(event)
                == sse("event: datastar-patch-signals", "data: onlyIfMissing true", #"data: signals {"x":true}"#)
        )
    }

    @Test func fromJSONValueKeepsLiteralOrder() throws {
        let event = try DatastarEvent.patchSignals(json: [
            "count": 3, "user": ["name": "Ada", "email": nil], "a": [1, 2.5],
        ])
        #expect(
            try wire(event)
                == sse(
                    "event: datastar-patch-signals",
                    #"data: signals {"count":3,"user":{"name":"Ada","email":null},"a":[1,2.5]}"#
                )
        )
    }

    @Test func fromJSONValueIsAlwaysOneLine() throws {
        let event = try DatastarEvent.patchSignals(
            json: ["text": "line 1\nline 2\r\nline 3"],
            onlyIfMissing: true,
            eventID: "e",
            retryDuration: .milliseconds(10)
        )
        #expect(
            try wire(event)
                == sse(
                    "event: datastar-patch-signals",
                    "id: e",
                    "retry: 10",
                    "data: onlyIfMissing true",
                    #"data: signals {"text":"line 1\nline 2\r\nline 3"}"#
                )
        )
    }

    @Test func fromEmptyObject() throws {
        #expect(try wire(try .patchSignals(json: [:])) == sse("event: datastar-patch-signals", "data: signals {}"))
    }

    @Test(arguments: [JSONValue.null, true, 1, "text", [], [["a": 1]], .number("1.5")])
    func fromJSONValueThatIsNotAnObjectThrows(json: JSONValue) {
        #expect(throws: DatastarError.signalsNotAnObject) {
            try DatastarEvent.patchSignals(json: json)
        }
    }

    struct Profile: Encodable {
        struct Address: Encodable {
            var street: String
            var zip: String
        }
        var zeta: String
        var alpha: Int
        var homepage: String
        var ratio: Double
        var active: Bool
        var tags: [String]
        var address: Address
        var nickname: String?
    }

    @Test func fromEncodableDoesNotEscapeSlashesAndNests() throws {
        struct Page: Encodable {
            struct Link: Encodable { var href: String }
            var link: Link
        }
        #expect(
            try wire(try .patchSignals(encoding: Page(link: .init(href: "https://example.com/a/b?c=\"d\""))))
                == sse(
                    "event: datastar-patch-signals",
                    #"data: signals {"link":{"href":"https://example.com/a/b?c=\"d\""}}"#
                )
        )
    }

    @Test func fromEncodableCarriesEveryValue() throws {
        let profile = Profile(
            zeta: "last \"first\"",
            alpha: 1,
            homepage: "https://example.com/a/b",
            ratio: 0.5,
            active: true,
            tags: ["x", "y/z"],
            address: .init(street: "1 Main St", zip: "12345"),
            nickname: nil
        )
        // Keys in declaration order, `nil` optionals left out, slashes not escaped.
        #expect(
            try signalsLine(of: try .patchSignals(encoding: profile))
                == #"{"zeta":"last \"first\"","alpha":1,"homepage":"https://example.com/a/b","ratio":0.5,"#
                + #""active":true,"tags":["x","y/z"],"address":{"street":"1 Main St","zip":"12345"}}"#
        )
    }

    @Test func fromEncodableWithOptions() throws {
        struct Counter: Encodable { var count: Int }
        #expect(
            try wire(
                try .patchSignals(
                    encoding: Counter(count: 3),
                    onlyIfMissing: true,
                    eventID: "c",
                    retryDuration: .seconds(4)
                )
            )
                == sse(
                    "event: datastar-patch-signals",
                    "id: c",
                    "retry: 4000",
                    "data: onlyIfMissing true",
                    #"data: signals {"count":3}"#
                )
        )
    }

    @Test func fromEncodableDictionary() throws {
        #expect(
            try wire(try .patchSignals(encoding: ["only": 1]))
                == sse("event: datastar-patch-signals", #"data: signals {"only":1}"#)
        )
    }

    @Test func fromEncodableThatIsNotAnObjectThrows() {
        #expect(throws: DatastarError.signalsNotAnObject) {
            try DatastarEvent.patchSignals(encoding: [1, 2, 3])
        }
        #expect(throws: DatastarError.signalsNotAnObject) {
            try DatastarEvent.patchSignals(encoding: ["a", "b"])
        }
        #expect(throws: DatastarError.signalsNotAnObject) {
            try DatastarEvent.patchSignals(encoding: 42)
        }
        #expect(throws: DatastarError.signalsNotAnObject) {
            try DatastarEvent.patchSignals(encoding: "text")
        }
    }

    @Test func fromEncodableThatCannotBeEncodedThrows() throws {
        struct Bad: Encodable { var value: Double }
        let error = try #require(throws: DatastarError.self) {
            try DatastarEvent.patchSignals(encoding: Bad(value: .nan))
        }
        guard case .signalsEncodingFailed(let message) = error else {
            Issue.record("expected signalsEncodingFailed, got \(error)")
            return
        }
        #expect(!message.isEmpty)
        #expect(error.description.hasPrefix("The signals could not be encoded as JSON: "))
    }
}

@Suite("executeScript wire format", .timeLimit(.minutes(1)))
struct ExecuteScriptTests {
    @Test func defaultsAppendAnAutoRemovingScriptToBody() throws {
        #expect(
            try wire(try .executeScript("console.log('Here')"))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">console.log('Here')</script>"#
                )
        )
    }

    @Test func autoRemoveFalse() throws {
        #expect(
            try wire(try .executeScript("console.log('Here')", autoRemove: false))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector body",
                    "data: mode append",
                    "data: elements <script>console.log('Here')</script>"
                )
        )
    }

    @Test func fullExampleFromTheADR() throws {
        let event = try DatastarEvent.executeScript(
            "console.log('Here')",
            attributes: [ScriptAttribute(name: "type", value: "application/javascript")],
            eventID: "123",
            retryDuration: .milliseconds(2000)
        )
        #expect(
            try wire(event)
                == sse(
                    "event: datastar-patch-elements",
                    "id: 123",
                    "retry: 2000",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script type="application/javascript" data-effect="el.remove()">console.log('Here')</script>"#
                )
        )
    }

    @Test func attributesKeepTheirOrder() throws {
        let attributes = [
            ScriptAttribute(name: "type", value: "module"),
            ScriptAttribute(name: "nonce", value: "r4nd0m"),
            ScriptAttribute(name: "defer", value: ""),
            ScriptAttribute(name: "data-x", value: "1"),
        ]
        #expect(
            try elementsLine(of: try .executeScript("go()", attributes: attributes))
                == #"<script type="module" nonce="r4nd0m" defer="" data-x="1" data-effect="el.remove()">go()</script>"#
        )
        #expect(
            try elementsLine(of: try .executeScript("go()", autoRemove: false, attributes: attributes.reversed()))
                == #"<script data-x="1" defer="" nonce="r4nd0m" type="module">go()</script>"#
        )
    }

    @Test func keyValuePairsOverloadKeepsOrder() throws {
        #expect(
            try elementsLine(
                of: try .executeScript("init()", attributes: ["type": "module", "nonce": "n", "async": ""])
            )
                == #"<script type="module" nonce="n" async="" data-effect="el.remove()">init()</script>"#
        )
        #expect(
            try wire(
                try .executeScript(
                    "init()",
                    autoRemove: false,
                    attributes: ["nonce": "b", "type": "module"],
                    eventID: "k",
                    retryDuration: .seconds(9)
                )
            )
                == sse(
                    "event: datastar-patch-elements",
                    "id: k",
                    "retry: 9000",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script nonce="b" type="module">init()</script>"#
                )
        )
    }

    @Test func bothOverloadsGiveTheSameEvent() throws {
        #expect(
            try DatastarEvent.executeScript("x()", attributes: ["a": "1", "b": "2"])
                == DatastarEvent.executeScript(
                    "x()",
                    attributes: [.init(name: "a", value: "1"), .init(name: "b", value: "2")]
                )
        )
    }

    @Test func attributeValuesAreHTMLEscaped() throws {
        #expect(
            try elementsLine(of: try .executeScript("x()", attributes: [.init(name: "data-v", value: #"a&b<c>d"e'f"#)]))
                == #"<script data-v="a&amp;b&lt;c&gt;d&quot;e&#39;f" data-effect="el.remove()">x()</script>"#
        )
        #expect(
            try elementsLine(
                of: try .executeScript("x()", autoRemove: false, attributes: ["title": #""><script>alert(1)</script>"#])
            )
                == #"<script title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x()</script>"#
        )
    }

    @Test(arguments: [
        "", "a b", "a\nb", "a\rb", "a\tb", "a\"b", "a=b", "a>b", "a/b", "a'b", "\u{0}", "a\u{7F}", " ",
        "onload=alert(1) x",
    ])
    func invalidAttributeNamesThrow(name: String) {
        #expect(throws: DatastarError.invalidAttributeName(name)) {
            try DatastarEvent.executeScript(
                "x()",
                attributes: [ScriptAttribute(name: "ok", value: "1"), ScriptAttribute(name: name, value: "v")]
            )
        }
        #expect(throws: DatastarError.invalidAttributeName(name)) {
            try DatastarEvent.executeScript("x()", autoRemove: false, attributes: [name: "v"])
        }
    }

    @Test func invalidAttributeNameErrorDescription() {
        #expect(DatastarError.invalidAttributeName("a b").description == #""a b" is not a valid HTML attribute name."#)
    }

    @Test func multiLineScriptGivesOneDataLinePerLine() throws {
        #expect(
            try wire(try .executeScript("const a = 1;\nconsole.log(a);\r\nalert(a)"))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">const a = 1;"#,
                    "data: elements console.log(a);",
                    "data: elements alert(a)</script>"
                )
        )
    }

    @Test func scriptTextIsSentAsIs() throws {
        // The script is code: it is not escaped.
        #expect(
            try elementsLine(of: try .executeScript(#"if (a < b && c > "d") {}"#, autoRemove: false))
                == #"<script>if (a < b && c > "d") {}</script>"#
        )
    }
}
