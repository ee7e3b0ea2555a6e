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
import NIOConcurrencyHelpers
import Testing

@Suite("Reactor streams on a virtual clock", .timeLimit(.minutes(1)))
struct StreamProbeTests {
    @Test("onConnect runs first; each advance returns the ticks that fell due")
    func ticks() async throws {
        let stream = DatastarStream(
            every: .milliseconds(100),
            onConnect: { sse in try sse.send(.patchElements(#"<p id="from">\#(sse.lastEventID ?? "-")</p>"#)) }
        ) { sse in
            try sse.send(.patchSignals(#"{"n":\#(sse.updates)}"#, eventID: "\(sse.updates)"))
        }
        try await withDatastarStreamProbe(stream, lastEventID: "41") { probe in
            #expect(try await probe.advance(by: .zero).events == [.patchElements(#"<p id="from">41</p>"#)])
            #expect(try await probe.advance(by: .milliseconds(99)).events.isEmpty)
            #expect(try await probe.advance(by: .milliseconds(1)).events == [.patchSignals(#"{"n":1}"#, eventID: "1")])
            let second = try await probe.advance(by: .milliseconds(250))
            #expect(second.events.compactMap(\.eventID) == ["2", "3"])
            #expect(probe.closeReason == nil && probe.ending == nil)
        }
    }

    @Test("a quiet stream sends keep-alive comments")
    func keepAlive() async throws {
        try await withDatastarStreamProbe(DatastarStream(keepAlive: .seconds(4))) { probe in
            #expect(try await probe.advance(by: .seconds(3)).comments.isEmpty)
            let quiet = try await probe.advance(by: .seconds(2))
            #expect(quiet.events.isEmpty && quiet.comments == [""])
        }
    }

    @Test("an app's close ends the response normally; onDisconnect runs once")
    func closedByApp() async throws {
        let closes = NIOLockedValueBox<[StreamCloseReason]>([])
        let stream = DatastarStream(
            every: .seconds(1),
            onDisconnect: { _, reason in closes.withLockedValue { $0.append(reason) } }
        ) { sse in
            if sse.updates == 2 { sse.close() } else { try sse.send(.patchSignals("{}")) }
        }
        try await withDatastarStreamProbe(stream) { probe in
            let fiveSeconds = try await probe.advance(by: .seconds(5))
            #expect(fiveSeconds.events == [.patchSignals("{}")])
            #expect(probe.closeReason == .closedByApp)
            #expect(probe.ending == .finished)
        }
        #expect(closes.withLockedValue { $0 } == [.closedByApp])
    }

    @Test("on shutdown a stream aborts (the client reconnects) unless it chose to end")
    func shutdown() async throws {
        for (behavior, ending) in [(ShutdownBehavior.reconnect, DatastarStreamProbe.Ending.aborted), (.end, .finished)]
        {
            try await withDatastarStreamProbe(DatastarStream(onShutdown: behavior)) { probe in
                try await probe.shutdown()
                #expect(probe.closeReason == .serverShutdown)
                #expect(probe.ending == ending)
                // Nothing runs after shutdown.
                #expect(try await probe.advance(by: .seconds(60)).events.isEmpty)
            }
        }
    }

    @Test("a client that goes away closes the stream")
    func disconnect() async throws {
        try await withDatastarStreamProbe(
            DatastarStream(every: .seconds(1)) { sse in try sse.send(.patchSignals("{}")) }
        ) {
            probe in
            _ = try await probe.advance(by: .seconds(1))
            _ = try await probe.disconnect()
            #expect(probe.closeReason == .clientGone)
            #expect(try await probe.advance(by: .seconds(3)).events.isEmpty)
        }
    }

    @Test("a hub subscriber receives what is published, and what it missed when it resumes")
    func hub() async throws {
        let hub = DatastarHub(name: "probe-test")
        let board = DatastarStream(subscribingTo: ["board"], on: hub) { sse in
            if case .replayed = sse.resume { return }
            try sse.send(.patchElements(#"<div id="board">full</div>"#))
        }
        try await withDatastarStreamProbe(board) { probe in
            #expect(try await probe.advance(by: .zero).events == [.patchElements(#"<div id="board">full</div>"#)])
            try hub.publish(.patchElements(#"<div id="cell">1</div>"#, eventID: "1"), to: "board")
            try hub.publish(.patchElements(#"<div id="cell">2</div>"#, eventID: "2"), to: "board")
            let published = try await probe.advance(by: .zero)
            #expect(published.events.compactMap(\.eventID) == ["1", "2"])
        }
        // A client that saw event 1 comes back: it gets event 2 only, not the full board.
        try await withDatastarStreamProbe(board, lastEventID: "1") { probe in
            let resumed = try await probe.advance(by: .zero)
            #expect(resumed.events == [.patchElements(#"<div id="cell">2</div>"#, eventID: "2")])
        }
    }
}
