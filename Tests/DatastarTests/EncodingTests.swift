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

@Suite("patchElements wire format", .timeLimit(.minutes(1)))
struct PatchElementsEncodingTests {
    @Test func minimalEventIsExactBytes() throws {
        let event = DatastarEvent.patchElements(#"<div id="feed"><span>1</span></div>"#)
        #expect(
            try wire(event) == #"""
                event: datastar-patch-elements
                data: elements <div id="feed"><span>1</span></div>


                """#
        )
        #expect(
            try event.encoded()
                == bytes("event: datastar-patch-elements\ndata: elements <div id=\"feed\"><span>1</span></div>\n\n")
        )
    }

    @Test func nilElementsSendNoElementsLine() throws {
        #expect(try wire(.patchElements(nil)) == "event: datastar-patch-elements\n\n")
        #expect(
            try wire(.patchElements(nil, selector: "#feed", mode: .remove))
                == sse("event: datastar-patch-elements", "data: selector #feed", "data: mode remove")
        )
    }

    @Test func emptyElementsSendNoElementsLine() throws {
        #expect(try wire(.patchElements("")) == "event: datastar-patch-elements\n\n")
        #expect(
            try wire(.patchElements("", selector: "#feed, #otherid", mode: .remove))
                == sse("event: datastar-patch-elements", "data: selector #feed, #otherid", "data: mode remove")
        )
    }

    @Test func selector() throws {
        #expect(
            try wire(.patchElements("<div>New content</div>", selector: "#mycontainer"))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector #mycontainer",
                    "data: elements <div>New content</div>"
                )
        )
    }

    @Test func thereAreEightModes() {
        #expect(
            ElementPatchMode.allCases.map(\.rawValue)
                == ["outer", "inner", "replace", "prepend", "append", "before", "after", "remove"]
        )
    }

    @Test func outerModeIsNotSent() throws {
        #expect(
            try wire(.patchElements(#"<p id="a"></p>"#, mode: .outer))
                == sse("event: datastar-patch-elements", #"data: elements <p id="a"></p>"#)
        )
    }

    @Test(arguments: [
        (ElementPatchMode.inner, "inner"),
        (.replace, "replace"),
        (.prepend, "prepend"),
        (.append, "append"),
        (.before, "before"),
        (.after, "after"),
        (.remove, "remove"),
    ])
    func nonDefaultModeIsSent(mode: ElementPatchMode, name: String) throws {
        #expect(
            try wire(.patchElements("<li>x</li>", selector: "#list", mode: mode))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector #list",
                    "data: mode \(name)",
                    "data: elements <li>x</li>"
                )
        )
    }

    @Test func useViewTransition() throws {
        #expect(
            try wire(.patchElements(#"<p id="a"></p>"#, useViewTransition: true))
                == sse(
                    "event: datastar-patch-elements",
                    "data: useViewTransition true",
                    #"data: elements <p id="a"></p>"#
                )
        )
    }

    @Test func viewTransitionSelectorIsSentOnlyWithViewTransition() throws {
        #expect(
            try wire(.patchElements(#"<p id="a"></p>"#, useViewTransition: true, viewTransitionSelector: "#main"))
                == sse(
                    "event: datastar-patch-elements",
                    "data: useViewTransition true",
                    "data: viewTransitionSelector #main",
                    #"data: elements <p id="a"></p>"#
                )
        )
        #expect(
            try wire(.patchElements(#"<p id="a"></p>"#, useViewTransition: false, viewTransitionSelector: "#main"))
                == sse("event: datastar-patch-elements", #"data: elements <p id="a"></p>"#)
        )
    }

    @Test(arguments: [(ElementNamespace.svg, "svg"), (.mathml, "mathml")])
    func nonDefaultNamespaceIsSent(namespace: ElementNamespace, name: String) throws {
        #expect(
            try wire(.patchElements(#"<circle id="c1" r="5"/>"#, selector: "#vis", mode: .append, namespace: namespace))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector #vis",
                    "data: mode append",
                    "data: namespace \(name)",
                    #"data: elements <circle id="c1" r="5"/>"#
                )
        )
    }

    @Test func htmlNamespaceIsNotSent() throws {
        #expect(ElementNamespace.allCases.map(\.rawValue) == ["html", "svg", "mathml"])
        #expect(
            try wire(.patchElements(#"<p id="a"></p>"#, namespace: .html))
                == sse("event: datastar-patch-elements", #"data: elements <p id="a"></p>"#)
        )
    }

    @Test func svgExampleFromTheADR() throws {
        let circles = """
            <circle id="c1" cx="10" r="5" fill="red"/>
            <circle id="c2" cx="20" r="5" fill="green"/>
            <circle id="c3" cx="30" r="5" fill="blue"/>
            """
        #expect(
            try wire(.patchElements(circles, selector: "#vis", mode: .append, namespace: .svg))
                == sse(
                    "event: datastar-patch-elements",
                    "data: selector #vis",
                    "data: mode append",
                    "data: namespace svg",
                    #"data: elements <circle id="c1" cx="10" r="5" fill="red"/>"#,
                    #"data: elements <circle id="c2" cx="20" r="5" fill="green"/>"#,
                    #"data: elements <circle id="c3" cx="30" r="5" fill="blue"/>"#
                )
        )
    }

    @Test func allOptionsInFieldOrder() throws {
        let event = DatastarEvent.patchElements(
            "<div id=\"feed\">\n    <span>1</span>\n</div>",
            selector: "#feed",
            mode: .inner,
            useViewTransition: true,
            viewTransitionSelector: "#main",
            namespace: .mathml,
            eventID: "123",
            retryDuration: .milliseconds(2000)
        )
        #expect(
            try wire(event) == """
                event: datastar-patch-elements
                id: 123
                retry: 2000
                data: selector #feed
                data: mode inner
                data: useViewTransition true
                data: viewTransitionSelector #main
                data: namespace mathml
                data: elements <div id="feed">
                data: elements     <span>1</span>
                data: elements </div>


                """
        )
    }

    @Test func eventBuiltFromPayloadMatchesStaticFunction() throws {
        let payload = PatchElements(elements: "<b id=\"x\"></b>", selector: "#x", mode: .replace)
        let event = DatastarEvent(.patchElements(payload), eventID: "7")
        #expect(event == .patchElements("<b id=\"x\"></b>", selector: "#x", mode: .replace, eventID: "7"))
        #expect(event.eventType == "datastar-patch-elements")
        #expect(
            try wire(event)
                == sse(
                    "event: datastar-patch-elements",
                    "id: 7",
                    "data: selector #x",
                    "data: mode replace",
                    #"data: elements <b id="x"></b>"#
                )
        )
    }

    @Test func payloadDefaults() {
        let payload = PatchElements(elements: nil)
        #expect(payload.selector == nil)
        #expect(payload.mode == .outer)
        #expect(payload.useViewTransition == false)
        #expect(payload.viewTransitionSelector == nil)
        #expect(payload.namespace == .html)
    }
}

@Suite("event id and retry duration", .timeLimit(.minutes(1)))
struct EventIdAndRetryTests {
    @Test func eventIDComesAfterEventType() throws {
        #expect(
            try wire(.patchElements("<p id=\"a\"></p>", eventID: "abc-1"))
                == sse("event: datastar-patch-elements", "id: abc-1", #"data: elements <p id="a"></p>"#)
        )
        #expect(
            try wire(.patchSignals("{}", eventID: "42"))
                == sse("event: datastar-patch-signals", "id: 42", "data: signals {}")
        )
    }

    @Test func eventIDMayHoldUnicodeThatIsNotALineBreak() throws {
        #expect(
            try wire(.patchSignals("{}", eventID: "a\u{2028}b\u{85}c é"))
                == sse("event: datastar-patch-signals", "id: a\u{2028}b\u{85}c é", "data: signals {}")
        )
    }

    @Test func defaultRetryDurationIsOneSecond() {
        #expect(DatastarEvent.defaultRetryDuration == .milliseconds(1000))
    }

    @Test(arguments: [
        Duration?.none,
        .milliseconds(1000),
        .seconds(1),
        .microseconds(1_000_000),
        .nanoseconds(1_000_000_000),
    ])
    func defaultRetryIsNotSent(retry: Duration?) throws {
        #expect(
            try wire(.patchSignals(#"{"a":1}"#, retryDuration: retry))
                == sse("event: datastar-patch-signals", #"data: signals {"a":1}"#)
        )
    }

    @Test(arguments: [
        (Duration.milliseconds(999), "999"),
        (.milliseconds(1001), "1001"),
        (.milliseconds(0), "0"),
        (.zero, "0"),
        (.seconds(2), "2000"),
        (.seconds(3600), "3600000"),
        (.milliseconds(1), "1"),
        (.microseconds(1500), "1"),
        (.microseconds(999), "0"),
        (.nanoseconds(1), "0"),
        (.microseconds(2_999), "2"),
        (.seconds(1) + .microseconds(2_500), "1002"),
    ])
    func retryIsWrittenInWholeMilliseconds(retry: Duration, milliseconds: String) throws {
        #expect(
            try wire(.patchSignals(#"{"a":1}"#, retryDuration: retry))
                == sse("event: datastar-patch-signals", "retry: \(milliseconds)", #"data: signals {"a":1}"#)
        )
    }

    @Test func hugeRetryDurationsSaturate() throws {
        let largestSeconds: Duration = .seconds(Int64.max / 1000)
        let cases: [(Duration, String)] = [
            (largestSeconds, "9223372036854775000"),
            (largestSeconds + Duration.milliseconds(807), "9223372036854775807"),
            // Too long for an Int64 of milliseconds: saturates instead of trapping.
            (largestSeconds + Duration.milliseconds(808), "9223372036854775807"),
            (Duration.seconds(Int64.max / 100), "9223372036854775807"),
            (Duration.seconds(Int64.max), "9223372036854775807"),
        ]
        for (retry, milliseconds) in cases {
            #expect(
                try wire(.patchSignals(#"{"a":1}"#, retryDuration: retry))
                    == sse("event: datastar-patch-signals", "retry: \(milliseconds)", #"data: signals {"a":1}"#)
            )
        }
    }

    @Test func retryJustAboveOneSecondTruncatesToTheDefault() throws {
        // 1000.5 ms is 1000 whole milliseconds, the default, so no `retry:` line.
        #expect(
            try wire(.patchSignals("{}", retryDuration: .microseconds(1_000_500)))
                == sse("event: datastar-patch-signals", "data: signals {}")
        )
    }

    @Test func retryComesAfterId() throws {
        #expect(
            try wire(.patchElements(nil, selector: "#a", mode: .remove, eventID: "9", retryDuration: .seconds(5)))
                == sse(
                    "event: datastar-patch-elements",
                    "id: 9",
                    "retry: 5000",
                    "data: selector #a",
                    "data: mode remove"
                )
        )
    }

    @Test(arguments: [
        Duration.milliseconds(-1),
        .seconds(-2),
        .nanoseconds(-1),
        .microseconds(-500),
        .milliseconds(-1000),
        .seconds(Int64.min / 100),
        .seconds(Int64.min),
    ])
    func negativeRetryThrows(retry: Duration) {
        expectEncodingFails(.patchSignals("{}", retryDuration: retry), with: .negativeRetryDuration)
        expectEncodingFails(.patchElements("<p id=\"a\"></p>", retryDuration: retry), with: .negativeRetryDuration)
    }
}

@Suite("line endings in multi-line content", .timeLimit(.minutes(1)))
struct LineEndingTests {
    static let cases: [(input: String, lines: [String])] = [
        ("a\nb", ["a", "b"]),
        ("a\r\nb", ["a", "b"]),
        ("a\rb", ["a", "b"]),
        ("a\n", ["a", ""]),
        ("a\r\n", ["a", ""]),
        ("a\r", ["a", ""]),
        ("\n", ["", ""]),
        ("\r\n", ["", ""]),
        ("\r", ["", ""]),
        ("\na", ["", "a"]),
        ("\r\n\r\n", ["", "", ""]),
        ("\n\n", ["", "", ""]),
        ("\r\r", ["", "", ""]),
        ("\n\r", ["", "", ""]),
        ("\r\r\n", ["", "", ""]),
        ("a\r\n\nb", ["a", "", "b"]),
        ("a\n\r\nb\rc", ["a", "", "b", "c"]),
        ("one\ntwo\r\nthree\rfour", ["one", "two", "three", "four"]),
        ("  indented\n\ttab", ["  indented", "\ttab"]),
        // Not line breaks for SSE: each stays inside its line.
        ("a\u{2028}b", ["a\u{2028}b"]),
        ("a\u{2029}b", ["a\u{2029}b"]),
        ("a\u{85}b", ["a\u{85}b"]),
        ("a\u{0C}b", ["a\u{0C}b"]),
        ("a\u{0B}b", ["a\u{0B}b"]),
        ("a\u{0}b", ["a\u{0}b"]),
        ("é😀\n👩‍👩‍👧", ["é😀", "👩‍👩‍👧"]),
    ]

    @Test(arguments: cases)
    func elementsAreSplitAtLineBreaksOnly(input: String, lines: [String]) throws {
        let expected = "event: datastar-patch-elements\n" + lines.map { "data: elements \($0)\n" }.joined() + "\n"
        #expect(try wire(.patchElements(input)) == expected)
    }

    @Test(arguments: cases)
    func signalsAreSplitAtLineBreaksOnly(input: String, lines: [String]) throws {
        let expected = "event: datastar-patch-signals\n" + lines.map { "data: signals \($0)\n" }.joined() + "\n"
        #expect(try wire(.patchSignals(input)) == expected)
    }

    @Test(arguments: cases)
    func commentsAreSplitAtLineBreaksOnly(input: String, lines: [String]) {
        #expect(commentText(input) == lines.map { ": \($0)\n" }.joined() + "\n")
    }

    @Test func trailingLineFeedGivesAnEmptyDataLineWithTrailingSpace() throws {
        #expect(
            try wire(.patchElements("<p id=\"a\"></p>\n"))
                == "event: datastar-patch-elements\ndata: elements <p id=\"a\"></p>\ndata: elements \n\n"
        )
    }

    @Test func crlfIsOneLineBreak() throws {
        #expect(
            try wire(.patchElements("<p id=\"a\">\r\n</p>"))
                == "event: datastar-patch-elements\ndata: elements <p id=\"a\">\ndata: elements </p>\n\n"
        )
        #expect(
            try wire(.patchElements("\r\n\r\n"))
                == "event: datastar-patch-elements\ndata: elements \ndata: elements \ndata: elements \n\n"
        )
    }

    @Test func noCarriageReturnReachesTheWire() throws {
        let bytes = try DatastarEvent.patchElements("a\rb\r\nc\n\rd", selector: "#x").encoded()
        #expect(!bytes.contains(0x0D))
    }

    @Test func emptySignalsTextGivesOneEmptyLine() throws {
        #expect(try wire(.patchSignals("")) == "event: datastar-patch-signals\ndata: signals \n\n")
    }

    @Test func selectorOnlyLineBreaksAreRejectedNotOtherSeparators() throws {
        #expect(
            try wire(.patchElements(nil, selector: "#a\u{2028}b\u{85}", mode: .remove))
                == sse("event: datastar-patch-elements", "data: selector #a\u{2028}b\u{85}", "data: mode remove")
        )
    }
}

@Suite("line breaks in single-line fields", .timeLimit(.minutes(1)))
struct InjectionTests {
    @Test(arguments: ["1\n2", "1\r2", "1\r\n", "\n", "id\ndata: elements <p>evil</p>"])
    func eventIDWithLineBreakThrows(eventID: String) {
        let expected = DatastarError.lineBreakInField(field: "event id")
        expectEncodingFails(.patchElements("<p id=\"a\"></p>", eventID: eventID), with: expected)
        expectEncodingFails(.patchSignals("{}", eventID: eventID), with: expected)
        expectEncodingFails(.removeElements(selector: "#a", eventID: eventID), with: expected)
    }

    @Test(arguments: ["#a\nb", "#a\r", "\r\n#a", "#feed\ndata: elements <img src=x>"])
    func selectorWithLineBreakThrows(selector: String) {
        let expected = DatastarError.lineBreakInField(field: "selector")
        expectEncodingFails(.patchElements("<p></p>", selector: selector), with: expected)
        expectEncodingFails(.patchElements(nil, selector: selector, mode: .remove), with: expected)
        expectEncodingFails(.removeElements(selector: selector), with: expected)
    }

    @Test(arguments: ["#main\n", "#m\ra", "\r\n"])
    func viewTransitionSelectorWithLineBreakThrows(viewTransitionSelector: String) {
        expectEncodingFails(
            .patchElements("<p id=\"a\"></p>", useViewTransition: true, viewTransitionSelector: viewTransitionSelector),
            with: .lineBreakInField(field: "view-transition selector")
        )
    }

    @Test func lineBreakErrorsNameTheField() {
        #expect(
            DatastarError.lineBreakInField(field: "selector").description
                == "The selector must be a single line: it contains a carriage return or line feed."
        )
    }
}

@Suite("encoding into a buffer", .timeLimit(.minutes(1)))
struct BufferTests {
    @Test func encodeAppendsToWhatIsAlreadyThere() throws {
        var buffer = bufferPrefix
        try DatastarEvent.patchSignals(#"{"n":1}"#).encode(into: &buffer)
        try DatastarEvent.removeElements(selector: "#t").encode(into: &buffer)
        #expect(
            String(decoding: buffer, as: UTF8.self)
                == String(decoding: bufferPrefix, as: UTF8.self)
                + sse("event: datastar-patch-signals", #"data: signals {"n":1}"#)
                + sse("event: datastar-patch-elements", "data: selector #t", "data: mode remove")
        )
    }

    @Test func encodedEqualsEncodeIntoEmptyBuffer() throws {
        let event = DatastarEvent.patchElements("a\nb", selector: "#s", eventID: "1", retryDuration: .seconds(3))
        var buffer: [UInt8] = []
        try event.encode(into: &buffer)
        #expect(try event.encoded() == buffer)
    }

    @Test func customBufferTypeReceivesTheSameBytes() throws {
        struct Chunks: ServerSentEventBuffer {
            var chunks: [[UInt8]] = []
            mutating func appendSSEBytes(_ bytes: UnsafeRawBufferPointer) {
                chunks.append(Array(bytes))
            }
        }
        let event = DatastarEvent.patchElements("x\ny", selector: "#s", mode: .inner)
        var chunks = Chunks()
        try event.encode(into: &chunks)
        #expect(chunks.chunks.flatMap { $0 } == (try event.encoded()))
    }
}

@Suite("SSE comments", .timeLimit(.minutes(1)))
struct CommentTests {
    @Test func emptyTextIsTheSmallestKeepAlive() {
        #expect(commentText("") == ":\n\n")
    }

    @Test func singleLine() {
        #expect(commentText("keep-alive") == ": keep-alive\n\n")
    }

    @Test func multiLine() {
        #expect(commentText("a\nb\r\nc\rd") == ": a\n: b\n: c\n: d\n\n")
        #expect(commentText("a\n") == ": a\n: \n\n")
    }

    @Test func appendsToTheBuffer() {
        var buffer = bufferPrefix
        ServerSentEventComment.encode("ping", into: &buffer)
        ServerSentEventComment.encode("", into: &buffer)
        #expect(buffer == bufferPrefix + bytes(": ping\n\n:\n\n"))
    }
}
