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

@Suite("Deprecated names", .timeLimit(.minutes(1)))
struct DeprecatedNamesTests {
    /// Every name that shipped before the rename to `eventID` and `coalescingKey` still builds
    /// the same event as its replacement.
    @available(*, deprecated, message: "Calls the deprecated names on purpose.")
    @Test func deprecatedNamesForwardToTheirReplacements() throws {
        let duration = Duration.seconds(2)

        var event = DatastarEvent.patchSignals("{}")
        #expect(event.eventId == nil)
        event.eventId = "set"
        #expect(event.eventID == "set")
        #expect(event.eventId == "set")

        let keyed = DatastarEvent.patchElements(#"<div id="a">1</div>"#)
        #expect(keyed.replacementKey != nil)
        #expect(keyed.replacementKey == keyed.coalescingKey)

        #expect(
            DatastarEvent(.patchSignals(PatchSignals(signals: "{}")), eventId: "1", retryDuration: duration)
                == DatastarEvent(.patchSignals(PatchSignals(signals: "{}")), eventID: "1", retryDuration: duration)
        )
        #expect(
            DatastarEvent.patchElements("<p id=p></p>", selector: "#p", mode: .inner, eventId: "1")
                == .patchElements("<p id=p></p>", selector: "#p", mode: .inner, eventID: "1")
        )
        #expect(
            DatastarEvent.removeElements(selector: "#p", eventId: "1", retryDuration: duration)
                == .removeElements(selector: "#p", eventID: "1", retryDuration: duration)
        )
        #expect(
            DatastarEvent.removeElements("<p id=p></p>", eventId: "1") == .removeElements("<p id=p></p>", eventID: "1")
        )
        #expect(
            DatastarEvent.patchSignals(#"{"a":1}"#, onlyIfMissing: true, eventId: "1")
                == .patchSignals(#"{"a":1}"#, onlyIfMissing: true, eventID: "1")
        )
        #expect(
            try DatastarEvent.patchSignals(json: ["a": 1], eventId: "1") == .patchSignals(json: ["a": 1], eventID: "1")
        )
        struct Counter: Encodable { var count: Int }
        #expect(
            try DatastarEvent.patchSignals(encoding: Counter(count: 3), eventId: "1")
                == .patchSignals(encoding: Counter(count: 3), eventID: "1")
        )
        #expect(try DatastarEvent.removeSignals(["a.b"], eventId: "1") == .removeSignals(["a.b"], eventID: "1"))
        #expect(
            try DatastarEvent.executeScript(
                "f()",
                attributes: [ScriptAttribute(name: "type", value: "module")],
                eventId: "1"
            )
                == .executeScript("f()", attributes: [ScriptAttribute(name: "type", value: "module")], eventID: "1")
        )
        #expect(
            try DatastarEvent.executeScript("f()", attributes: ["type": "module"], eventId: "1")
                == .executeScript("f()", attributes: ["type": "module"], eventID: "1")
        )
        #expect(try DatastarEvent.executeScript("f()", eventId: "1") == .executeScript("f()", eventID: "1"))
        #expect(DatastarEvent.consoleLog("hi", eventId: "1") == .consoleLog("hi", eventID: "1"))
        #expect(DatastarEvent.consoleError("hi", eventId: "1") == .consoleError("hi", eventID: "1"))
        #expect(DatastarEvent.redirect(to: "/x", eventId: "1") == .redirect(to: "/x", eventID: "1"))
        #expect(DatastarEvent.replaceURL("/x", eventId: "1") == .replaceURL("/x", eventID: "1"))
        #expect(
            try DatastarEvent.dispatchEvent("ping", selector: "#p", eventId: "1")
                == .dispatchEvent("ping", selector: "#p", eventID: "1")
        )

        // The wire format is the new one's, `id:` included.
        #expect(
            try wire(.consoleLog("hi", eventId: "7"))
                == sse(
                    "event: datastar-patch-elements",
                    "id: 7",
                    "data: selector body",
                    "data: mode append",
                    #"data: elements <script data-effect="el.remove()">console.log("hi")</script>"#
                )
        )
    }
}
