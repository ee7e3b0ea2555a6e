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

@Suite("DatastarHTTP", .timeLimit(.minutes(1)))
struct HTTPTests {
    @Test func constants() {
        #expect(DatastarHTTP.requestHeaderName == "Datastar-Request")
        #expect(DatastarHTTP.eventStreamContentType == "text/event-stream")
    }

    @Test(arguments: [
        (String?.some("true"), true),
        ("TRUE", true),
        ("True", true),
        (" true ", true),
        ("\ttrue\t", true),
        ("  tRuE", true),
        (nil, false),
        ("", false),
        ("   ", false),
        ("false", false),
        ("1", false),
        ("yes", false),
        ("t rue", false),
        ("true,true", false),
        ("truee", false),
    ])
    func isDatastarRequest(value: String?, expected: Bool) {
        #expect(DatastarHTTP.isDatastarRequest(headerValue: value) == expected)
    }

    func headerLines(_ headers: [(name: String, value: String)]) -> [String] {
        headers.map { "\($0.name): \($0.value)" }
    }

    @Test func http11IncludesConnectionKeepAlive() {
        #expect(
            headerLines(DatastarHTTP.responseHeaders(httpMajor: 1, httpMinor: 1))
                == [
                    "Content-Type: text/event-stream",
                    "Cache-Control: no-cache",
                    "Connection: keep-alive",
                    "X-Accel-Buffering: no",
                ]
        )
    }

    @Test(arguments: [(1, 0), (2, 0), (3, 0), (0, 9)])
    func otherVersionsHaveNoConnectionHeader(major: Int, minor: Int) {
        #expect(
            headerLines(DatastarHTTP.responseHeaders(httpMajor: major, httpMinor: minor))
                == ["Content-Type: text/event-stream", "Cache-Control: no-cache", "X-Accel-Buffering: no"]
        )
    }

    @Test func http11WithoutConnection() {
        #expect(
            headerLines(DatastarHTTP.responseHeaders(httpMajor: 1, httpMinor: 1, includeConnection: false))
                == ["Content-Type: text/event-stream", "Cache-Control: no-cache", "X-Accel-Buffering: no"]
        )
        #expect(
            headerLines(DatastarHTTP.responseHeaders(httpMajor: 2, httpMinor: 0, includeConnection: true))
                == ["Content-Type: text/event-stream", "Cache-Control: no-cache", "X-Accel-Buffering: no"]
        )
    }

    @Test func compressedResponsesVaryAndNameTheirCoding() {
        let base = ["Content-Type: text/event-stream", "Cache-Control: no-cache", "X-Accel-Buffering: no"]
        #expect(
            headerLines(DatastarHTTP.responseHeaders(httpMajor: 2, httpMinor: 0, contentCoding: .brotli))
                == base + ["Content-Encoding: br", "Vary: Accept-Encoding"]
        )
        #expect(
            headerLines(DatastarHTTP.responseHeaders(httpMajor: 2, httpMinor: 0, contentCoding: .identity))
                == base + ["Vary: Accept-Encoding"]
        )
    }
}

@Suite("HTML", .timeLimit(.minutes(1)))
struct HTMLTests {
    @Test(arguments: [
        ("", ""),
        ("plain text é 😀", "plain text é 😀"),
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("\"", "&quot;"),
        ("'", "&#39;"),
        (#"<a href="x?a=1&b=2">'y'</a>"#, "&lt;a href=&quot;x?a=1&amp;b=2&quot;&gt;&#39;y&#39;&lt;/a&gt;"),
        ("&amp;", "&amp;amp;"),
        ("a\nb\u{2028}`=/", "a\nb\u{2028}`=/"),
        ("é<😀>", "é&lt;😀&gt;"),
    ])
    func escape(text: String, escaped: String) {
        #expect(HTML.escape(text) == escaped)
    }

    @Test(arguments: [
        "type", "src", "data-on:click", "data-on:click__debounce.500ms", "data-signals-foo.bar", "@click",
        ":href", "_x", "aria-label", "ünïcödé", "a<b", "x\u{A0}y", "日本",
    ])
    func validAttributeNames(name: String) {
        #expect(HTML.isValidAttributeName(name))
    }

    @Test(arguments: [
        "", " ", "a b", "a\tb", "a\nb", "a\rb", "a\u{0C}b", "a\"b", "a'b", "a>b", "a/b", "a=b",
        "\u{0}", "a\u{1}", "a\u{1F}", "a\u{7F}", "a\u{80}", "a\u{9F}",
    ])
    func invalidAttributeNames(name: String) {
        #expect(!HTML.isValidAttributeName(name))
    }

    @Test(arguments: [0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF] as [UInt32])
    func noncharactersAreInvalidInAttributeNames(code: UInt32) throws {
        // Swift string literals cannot spell noncharacters, so build the name from the scalar.
        var name = "data-x"
        name.unicodeScalars.append(try #require(Unicode.Scalar(code)))
        #expect(!HTML.isValidAttributeName(name))
    }
}

@Suite("DatastarClientScript", .timeLimit(.minutes(1)))
struct ClientScriptTests {
    @Test func cdnUsesThePinnedVersion() {
        let version = DatastarClientScript.pinnedVersion
        #expect(version == "1.0.4")
        let script = DatastarClientScript.cdn()
        #expect(script.url == "https://cdn.jsdelivr.net/gh/starfederation/datastar@\(version)/bundles/datastar.js")
        #expect(
            script.tag
                == #"<script type="module" src="https://cdn.jsdelivr.net/gh/starfederation/datastar@\#(version)/bundles/datastar.js"></script>"#
        )
    }

    @Test func cdnAtAnotherVersion() {
        #expect(
            DatastarClientScript.cdn(version: "1.0.0-RC.6").tag
                == #"<script type="module" src="https://cdn.jsdelivr.net/gh/starfederation/datastar@1.0.0-RC.6/bundles/datastar.js"></script>"#
        )
    }

    @Test func selfHosted() {
        let script = DatastarClientScript.selfHosted(path: "/static/datastar.js")
        #expect(script.url == "/static/datastar.js")
        #expect(script.tag == #"<script type="module" src="/static/datastar.js"></script>"#)
        #expect(script == DatastarClientScript(url: "/static/datastar.js"))
    }

    @Test func urlIsEscapedInTheTag() {
        #expect(
            DatastarClientScript.selfHosted(path: #"/js?v=1&x="><script>alert('x')</script>"#).tag
                == #"<script type="module" src="/js?v=1&amp;x=&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"></script>"#
        )
        #expect(
            DatastarClientScript.cdn(version: #"1"&<"#).tag
                == #"<script type="module" src="https://cdn.jsdelivr.net/gh/starfederation/datastar@1&quot;&amp;&lt;/bundles/datastar.js"></script>"#
        )
    }
}
