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

import CompressNIO
import Datastar
import DatastarNIO
import Logging
import MetricsTestKit
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

/// A backplane that records what the hub hands it and lets the test deliver messages "from
/// another process".
final class RecordingBackplane: DatastarBackplane {
    let published = NIOLockedValueBox<[HubMessage]>([])
    let deliver = NIOLockedValueBox<(@Sendable (HubMessage) -> Void)?>(nil)
    let origin = NIOLockedValueBox<String?>(nil)

    func attach(origin: String, deliver: @escaping @Sendable (HubMessage) -> Void) {
        self.origin.withLockedValue { $0 = origin }
        self.deliver.withLockedValue { $0 = deliver }
    }

    func publish(_ message: HubMessage) {
        published.withLockedValue { $0.append(message) }
    }

    func receive(_ message: HubMessage) {
        deliver.withLockedValue { $0 }?(message)
    }
}

@Suite("Hub engine, on testing event loops with virtual time", .timeLimit(.minutes(1)))
struct HubEngineTests {
    let loopA = NIOAsyncTestingEventLoop()
    let loopB = NIOAsyncTestingEventLoop()

    init() {
        // Metrics must be bootstrapped before a hub makes its counters.
        _ = testMetrics
    }

    static func signal(_ n: Int, id: String? = nil) -> DatastarEvent {
        .patchSignals(#"{"n":\#(n)}"#, eventID: id)
    }

    static func encoded(_ events: [DatastarEvent]) -> String {
        var buffer = ByteBuffer()
        for event in events { try! event.encode(into: &buffer) }
        return String(buffer: buffer)
    }

    /// Subscribes one recording transport per loop entry; returns them once they are added.
    func subscribe(
        _ hub: DatastarHub,
        reactor: DatastarReactor,
        topics: [String] = ["t"],
        loops: [NIOAsyncTestingEventLoop],
        chunked: Bool = false,
        backlogLimit: Int = HubSubscription.defaultBacklogLimit,
        lastEventID: String? = nil,
        disconnects: NIOLockedValueBox<[StreamCloseReason]>? = nil,
        contentCoding: ContentCoding? = nil,
        onConnect: DatastarStream.Updater? = nil
    ) async -> [RecordingTransport] {
        let transports = loops.map { RecordingTransport(loop: $0, chunked: chunked) }
        for transport in transports {
            reactor.register(
                DatastarStream(
                    subscribingTo: topics,
                    on: hub,
                    backlogLimit: backlogLimit,
                    reactor: reactor,
                    onConnect: onConnect,
                    onDisconnect: { _, reason in disconnects?.withLockedValue { $0.append(reason) } }
                ),
                transport: transport,
                lastEventID: lastEventID,
                contentCoding: contentCoding
            )
        }
        await runLoops()
        return transports
    }

    func runLoops() async {
        await loopA.run()
        await loopB.run()
    }

    @Test("a publish is encoded once and reaches every subscriber with one task per event loop")
    func encodeOnceOneHopPerLoop() async throws {
        let hub = DatastarHub(name: "encodeOnce")
        let reactor = DatastarReactor(name: "encodeOnce")
        let transports = await subscribe(hub, reactor: reactor, loops: [loopA, loopA, loopA, loopB, loopB, loopB])
        #expect(hub.subscriberCount(of: "t") == 6)
        try hub.publish(Self.signal(1), to: "t")
        await runLoops()
        let expected = Self.encoded([Self.signal(1)])
        #expect(transports.allSatisfy { $0.written == [expected] })
        // Every subscriber was written the same buffer: one encoding, shared storage.
        #expect(Set(transports.flatMap(\.storage)).count == 1)
        let tasks = { testMetrics.counterTotal(label: "datastar_hub_loop_tasks", dimensions: [("hub", "encodeOnce")]) }
        #expect(tasks() == 2)

        // Five publishes: at most one task per loop each (fewer when a loop's task carries
        // several), never one per subscriber; messages in order.
        for n in 2...6 { try hub.publish(Self.signal(n), to: "t") }
        await runLoops()
        #expect((4...12).contains(tasks()))
        let all = [expected] + (2...6).map { Self.encoded([Self.signal($0)]) }
        #expect(transports.allSatisfy { $0.written == all })
        #expect(
            testMetrics.counterTotal(label: "datastar_hub_messages", dimensions: [("hub", "encodeOnce")]) == 6
        )
        await reactor.shutdown()
        #expect(hub.subscriberCount(of: "t") == 0)
    }

    @Test("compressed subscribers compress on their own stream, flushed; identity ones still share one buffer")
    func compressedAndIdentitySubscribers() async throws {
        let hub = DatastarHub(name: "compressed")
        let reactor = DatastarReactor(name: "compressed")
        let plain = await subscribe(hub, reactor: reactor, loops: [loopA, loopA, loopB])
        let ends = NIOLockedValueBox<[StreamCloseReason]>([])
        let gzip = await subscribe(
            hub,
            reactor: reactor,
            loops: [loopA, loopB],
            disconnects: ends,
            contentCoding: .gzip
        )
        #expect(ends.withLockedValue { $0 } == [])
        let rows = (0..<100).map { "<li>row \($0)</li>" }.joined()
        let events = (1...3).map { n in DatastarEvent.patchElements(#"<ul id="l" data-n="\#(n)">"# + rows + "</ul>") }
        for event in events {
            try hub.publish(event, to: "t")
            await runLoops()
        }
        let expected = events.map { Self.encoded([$0]) }
        #expect(plain.allSatisfy { $0.written == expected })
        for index in 0..<3 {
            #expect(Set(plain.map { $0.storage[index] }).count == 1, "message \(index + 1) shared by identity")
        }
        for transport in gzip {
            // Each write decodes, on its own, to the event it carries: nothing is held back.
            let decompressor = try ZlibDecompressor(algorithm: .gzip)
            var decoded: [String] = []
            for buffer in transport.buffers {
                var input = buffer
                var output = ByteBufferAllocator().buffer(capacity: 64 << 10)
                try decompressor.inflate(from: &input, to: &output)
                decoded.append(String(buffer: output))
            }
            #expect(decoded == expected)
            // The first event carries 100 similar rows; later ones reuse the stream's window.
            #expect(transport.buffers[0].readableBytes * 2 < expected[0].utf8.count)
            #expect(transport.buffers[2].readableBytes * 2 < transport.buffers[0].readableBytes)
        }
        #expect(gzip[0].storage[0] != gzip[1].storage[0])
        // Shutting down ends each gzip stream with its trailer.
        await reactor.shutdown()
        await runLoops()
        for transport in gzip {
            var whole = ByteBufferAllocator().buffer(capacity: 0)
            for buffer in transport.buffers { whole.writeImmutableBuffer(buffer) }
            let gunzipped = try whole.decompress(with: .gzip())
            #expect(String(buffer: gunzipped) == expected.joined())
        }
    }

    @Test("transports that take HTTP/1 chunks get one chunk per message and loop, framed once, shared")
    func chunkedTransports() async throws {
        let hub = DatastarHub(name: "chunked")
        let reactor = DatastarReactor(name: "chunked")
        let chunked = await subscribe(hub, reactor: reactor, loops: [loopA, loopA, loopB], chunked: true) { sse in
            try sse.send(Self.signal(0))
        }
        let plain = await subscribe(hub, reactor: reactor, loops: [loopA])
        let big = DatastarEvent.patchSignals(#"{"pad":"\#(String(repeating: "x", count: 300))"}"#)
        try hub.publish(big, to: "t")
        await runLoops()
        let body = Self.encoded([big])
        let chunk = String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n"
        let first = Self.encoded([Self.signal(0)])
        let firstChunk = String(first.utf8.count, radix: 16) + "\r\n" + first + "\r\n"
        #expect(chunked.allSatisfy { $0.written == [firstChunk, chunk] })
        #expect(plain[0].written == [body])
        // The two subscribers on loop A share one framed buffer; loop B framed its own.
        #expect(chunked[0].storage[1] == chunked[1].storage[1])
        #expect(chunked[0].storage[1] != chunked[2].storage[1])
        await reactor.shutdown()
    }

    @Test("a topic without subscribers on a loop costs that loop nothing; other topics are not delivered")
    func topicsAreSeparate() async throws {
        let hub = DatastarHub(name: "topics")
        let reactor = DatastarReactor(name: "topics")
        let onA = await subscribe(hub, reactor: reactor, topics: ["a"], loops: [loopA])
        let onB = await subscribe(hub, reactor: reactor, topics: ["b", "b"], loops: [loopB])
        let both = await subscribe(hub, reactor: reactor, topics: ["a", "b"], loops: [loopA])
        let tasks = { testMetrics.counterTotal(label: "datastar_hub_loop_tasks", dimensions: [("hub", "topics")]) }
        try hub.publish(Self.signal(1), to: "a")
        await runLoops()
        #expect(tasks() == 1)
        try hub.publish(Self.signal(2), to: "b")
        await runLoops()
        #expect(tasks() == 3)
        try hub.publish(Self.signal(3), to: "c")
        await runLoops()
        #expect(tasks() == 3)
        #expect(onA[0].written == [Self.encoded([Self.signal(1)])])
        // Subscribed twice to "b": still delivered once.
        #expect(onB[0].written == [Self.encoded([Self.signal(2)])])
        #expect(both[0].written == [Self.signal(1), Self.signal(2)].map { Self.encoded([$0]) })
        await reactor.shutdown()
    }

    @Test("a subscription that also takes an updater gets the hub's messages and its own updates on one stream")
    func subscriptionWithUpdater() async throws {
        let hub = DatastarHub(name: "withUpdater")
        let reactor = DatastarReactor(name: "withUpdater")
        let transport = RecordingTransport(loop: loopA)
        reactor.register(
            DatastarStream(subscribingTo: ["t"], on: hub, every: .milliseconds(100), reactor: reactor) { sse in
                try sse.send(Self.signal(100 + sse.updates))
            } onConnect: { sse in
                try sse.send(Self.signal(0))
            },
            transport: transport
        )
        await loopA.run()
        try hub.publish(Self.signal(1), to: "t")
        await loopA.run()
        await loopA.advanceTime(by: .milliseconds(100))
        #expect(transport.written == [0, 1, 101].map { Self.encoded([Self.signal($0)]) })
        await reactor.shutdown()
        #expect(hub.subscriberCount(of: "t") == 0)
    }

    @Test("resume: a client that comes back with Last-Event-ID gets exactly what it missed, in order")
    func resumeReplays() async throws {
        let hub = DatastarHub(name: "resume")
        let reactor = DatastarReactor(name: "resume")
        for n in 1...10 { try hub.publish(Self.signal(n, id: "e\(n)"), to: "t") }
        try hub.publish(Self.signal(99), to: "other")
        let seen = NIOLockedValueBox<HubResume?>(nil)
        let transports = await subscribe(
            hub,
            reactor: reactor,
            topics: ["t", "other"],
            loops: [loopA],
            lastEventID: "e5"
        ) { connection in
            seen.withLockedValue { $0 = connection.resume }
        }
        #expect(seen.withLockedValue { $0 } == .replayed(6))
        let replay = (6...10).map { Self.signal($0, id: "e\($0)") } + [Self.signal(99)]
        #expect(transports[0].written == [Self.encoded(replay)])
        // Live messages follow, without duplicates.
        try hub.publish(Self.signal(11, id: "e11"), to: "t")
        await runLoops()
        #expect(transports[0].written.last == Self.encoded([Self.signal(11, id: "e11")]))
        #expect(transports[0].written.count == 2)
        await reactor.shutdown()
    }

    @Test("resume: a gap older than the history, or an unknown id, is told to onConnect")
    func resumeGap() async throws {
        let hub = DatastarHub(name: "gap")
        hub.configure("t", HubTopicOptions(historyCount: 3))
        let reactor = DatastarReactor(name: "gap")
        for n in 1...10 { try hub.publish(Self.signal(n, id: "e\(n)"), to: "t") }
        #expect(hub.historyCount(of: "t") == 3)
        let seen = NIOLockedValueBox<[HubResume?]>([])
        let full = DatastarEvent.patchElements(#"<div id="board">full</div>"#)
        let onConnect: DatastarStream.Updater = { connection in
            seen.withLockedValue { $0.append(connection.resume) }
            if case .replayed = connection.resume { return }
            try connection.send(full)
        }
        let gap = await subscribe(hub, reactor: reactor, loops: [loopA], lastEventID: "e5", onConnect: onConnect)
        let unknown = await subscribe(hub, reactor: reactor, loops: [loopA], lastEventID: "nope", onConnect: onConnect)
        let fresh = await subscribe(hub, reactor: reactor, loops: [loopA], onConnect: onConnect)
        let inHistory = await subscribe(hub, reactor: reactor, loops: [loopA], lastEventID: "e8", onConnect: onConnect)
        #expect(seen.withLockedValue { $0 } == [.gap, .gap, .fresh, .replayed(2)])
        #expect(gap[0].written == [Self.encoded([full])])
        #expect(unknown[0].written == [Self.encoded([full])])
        #expect(fresh[0].written == [Self.encoded([full])])
        #expect(
            inHistory[0].written == [Self.encoded([Self.signal(9, id: "e9"), Self.signal(10, id: "e10")])]
        )
        await reactor.shutdown()
    }

    @Test("history is bounded by bytes as well as by count")
    func historyBytes() async throws {
        let hub = DatastarHub(name: "historyBytes")
        let size = Self.encoded([Self.signal(1)]).utf8.count
        hub.configure("t", HubTopicOptions(historyCount: 100, historyBytes: size * 4))
        for n in 1...9 { try hub.publish(Self.signal(n), to: "t") }
        #expect(hub.historyCount(of: "t") == 4)
    }

    @Test("a subscriber whose backlog passes its limit is disconnected; the others receive everything")
    func backlogDisconnect() async throws {
        let hub = DatastarHub(name: "backlog")
        let reactor = DatastarReactor(name: "backlog")
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let slow = await subscribe(hub, reactor: reactor, loops: [loopA], backlogLimit: 1000, disconnects: disconnects)
        let healthy = await subscribe(hub, reactor: reactor, loops: [loopA, loopB], backlogLimit: 1000)
        slow[0].hold()
        let event = DatastarEvent.patchSignals(#"{"pad":"\#(String(repeating: "x", count: 160))"}"#)
        let size = Self.encoded([event]).utf8.count
        var published = 0
        while published * size <= 1000 + size {
            try hub.publish(event, to: "t")
            published += 1
            await runLoops()
        }
        #expect(disconnects.withLockedValue { $0 } == [.backlogExceeded])
        #expect(slow[0].written.count == 1)
        // Ended as a network error: the client reconnects and resumes from the history.
        #expect(slow[0].aborted == 1 && slow[0].finished == 0)
        #expect(healthy.allSatisfy { $0.written.count == published })
        #expect(hub.subscriberCount(of: "t") == 2)
        await reactor.shutdown()
    }

    @Test(
        "small events: a subscriber whose socket holds its bytes unsent is cut at its limit, logged and counted"
    )
    func backlogOfSmallEventsInTheSocket() async throws {
        let logs = CapturedLogs()
        var logger = Logger(label: "test", factory: logs.handler)
        logger.logLevel = .notice
        let hub = DatastarHub(name: "smallBacklog")
        let reactor = DatastarReactor(name: "smallBacklog", logger: logger)
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let limit = 4096
        let slow = await subscribe(hub, reactor: reactor, loops: [loopA], backlogLimit: limit, disconnects: disconnects)
        let healthy = await subscribe(hub, reactor: reactor, loops: [loopA], backlogLimit: limit)
        // Every write completes at once, as when the kernel takes it: only the socket knows.
        slow[0].stopReading()
        let event = Self.signal(1)
        let size = Self.encoded([event]).utf8.count
        var published = 0
        while disconnects.withLockedValue({ $0.isEmpty }), published < 10 * limit / size {
            try hub.publish(event, to: "t")
            published += 1
            await runLoops()
        }
        #expect(disconnects.withLockedValue { $0 } == [.backlogExceeded])
        // Cut within a quarter limit (how often the socket is asked) past the limit.
        let written = slow[0].written.map(\.utf8.count).reduce(0, +)
        #expect(written > limit * 3 / 4 && written <= limit + limit / 4, "\(written) bytes written")
        // Asked once per quarter limit written, not once per event.
        #expect((4...6).contains(slow[0].socketChecks), "\(slow[0].socketChecks) checks")
        #expect(slow[0].aborted == 1)
        #expect(healthy[0].written.count == published)
        let record = try #require(logs.records.withLockedValue { $0 }.first { $0.message.contains("read too slowly") })
        #expect(record.metadata["datastar.backlog_limit"] == "\(limit)")
        #expect(
            testMetrics.counterTotal(
                label: "datastar_streams_closed",
                dimensions: [("reactor", "smallBacklog"), ("reason", "backlogExceeded")]
            ) == 1
        )
        await reactor.shutdown()
    }

    @Test("a slow subscriber catches up with everything held back, in one write, once it reads again")
    func heldBackThenWritten() async throws {
        let hub = DatastarHub(name: "heldBack")
        let reactor = DatastarReactor(name: "heldBack")
        let slow = await subscribe(hub, reactor: reactor, loops: [loopA])
        slow[0].hold()
        for n in 1...4 { try hub.publish(Self.signal(n), to: "t") }
        await runLoops()
        #expect(slow[0].written == [Self.encoded([Self.signal(1)])])
        slow[0].release()
        await runLoops()
        #expect(slow[0].written == [Self.encoded([Self.signal(1)]), Self.encoded((2...4).map { Self.signal($0) })])
        await reactor.shutdown()
    }

    @Test("coalesce: a newer patch of the same signals or selector replaces one held back")
    func coalesce() async throws {
        let hub = DatastarHub(name: "coalesce")
        hub.configure("t", HubTopicOptions(policy: .coalesce))
        let reactor = DatastarReactor(name: "coalesce")
        let slow = await subscribe(hub, reactor: reactor, loops: [loopA])
        slow[0].hold()
        let x: (Int) -> DatastarEvent = { .patchSignals(#"{"x":\#($0)}"#) }
        let board: (String) -> DatastarEvent = { .patchElements(#"<div id="board">\#($0)</div>"#) }
        let events: [DatastarEvent] = [
            x(1), x(2), board("a"), .patchSignals(#"{"y":1}"#), x(3), board("b"),
            .patchElements("<li>1</li>", selector: "#list", mode: .append),
            .patchElements("<li>2</li>", selector: "#list", mode: .append),
        ]
        for event in events { try hub.publish(event, to: "t") }
        await runLoops()
        slow[0].release()
        await runLoops()
        let expected: [DatastarEvent] = [
            .patchSignals(#"{"y":1}"#), x(3), board("b"),
            .patchElements("<li>1</li>", selector: "#list", mode: .append),
            .patchElements("<li>2</li>", selector: "#list", mode: .append),
        ]
        #expect(slow[0].written == [Self.encoded([x(1)]), Self.encoded(expected)])
        await reactor.shutdown()
    }

    @Test("the backplane gets every local publish with the hub's origin; its messages reach local subscribers")
    func backplane() async throws {
        let backplane = RecordingBackplane()
        let hub = DatastarHub(name: "backplane", backplane: backplane)
        #expect(backplane.origin.withLockedValue { $0 } == hub.origin)
        let reactor = DatastarReactor(name: "backplane")
        let transports = await subscribe(hub, reactor: reactor, loops: [loopA, loopB])
        try hub.publish(Self.signal(1, id: "local"), to: "t")
        let published = backplane.published.withLockedValue { $0 }
        #expect(published.count == 1)
        #expect(published.first?.origin == hub.origin)
        #expect(published.first?.eventID == "local")
        #expect(published.first.map { String(buffer: $0.payload) } == Self.encoded([Self.signal(1, id: "local")]))
        var remote = ByteBuffer()
        try Self.signal(2, id: "remote").encode(into: &remote)
        backplane.receive(
            HubMessage(topic: "t", payload: remote, eventID: "remote", coalescingKey: nil, origin: "other")
        )
        await runLoops()
        let expected = [Self.signal(1, id: "local"), Self.signal(2, id: "remote")].map { Self.encoded([$0]) }
        #expect(transports.allSatisfy { $0.written == expected })
        // Remote messages are in the history too: a client can resume from them.
        let resumed = await subscribe(hub, reactor: reactor, loops: [loopA], lastEventID: "local")
        #expect(resumed[0].written == [Self.encoded([Self.signal(2, id: "remote")])])
        await reactor.shutdown()
    }

    @Test("an event that cannot be encoded is refused with a typed error, and nothing is published")
    func badEvent() async throws {
        let backplane = RecordingBackplane()
        let hub = DatastarHub(name: "badEvent", backplane: backplane)
        #expect(throws: DatastarError.self) {
            try hub.publish(.patchSignals("{}", eventID: "bad\nid"), to: "t")
        }
        #expect(backplane.published.withLockedValue { $0 }.isEmpty)
        #expect(hub.historyCount(of: "t") == 0)
    }
}

@Suite("Coalescing keys", .timeLimit(.minutes(1)))
struct CoalescingKeyTests {
    @Test("elements in replacing modes share a key by selector or first element id")
    func elements() {
        let a = DatastarEvent.patchElements(#"<div id="x">1</div>"#)
        let b = DatastarEvent.patchElements(#"<div class='c' id='x'>2</div>"#)
        #expect(a.coalescingKey != nil)
        #expect(a.coalescingKey == b.coalescingKey)
        #expect(a.coalescingKey != DatastarEvent.patchElements(#"<div id="y">1</div>"#).coalescingKey)
        #expect(DatastarEvent.patchElements("<div>no id</div>").coalescingKey == nil)
        let inner1 = DatastarEvent.patchElements("1", selector: "#s", mode: .inner)
        let inner2 = DatastarEvent.patchElements("2", selector: "#s", mode: .inner)
        #expect(inner1.coalescingKey == inner2.coalescingKey)
        #expect(inner1.coalescingKey != DatastarEvent.patchElements("1", selector: "#s").coalescingKey)
        #expect(DatastarEvent.patchElements("1", selector: "#s", mode: .append).coalescingKey == nil)
        #expect(DatastarEvent.removeElements("#s").coalescingKey == nil)
    }

    @Test("signal patches share a key when they set the same top-level signals")
    func signals() {
        let a = DatastarEvent.patchSignals(#"{"a":1,"b":{"c":2}}"#)
        let b = DatastarEvent.patchSignals(#"{"b":3,"a":4}"#)
        #expect(a.coalescingKey != nil)
        #expect(a.coalescingKey == b.coalescingKey)
        #expect(a.coalescingKey != DatastarEvent.patchSignals(#"{"a":1}"#).coalescingKey)
        #expect(a.coalescingKey != DatastarEvent.patchSignals(#"{"a":1,"b":2}"#, onlyIfMissing: true).coalescingKey)
        #expect(DatastarEvent.patchSignals("[1]").coalescingKey == nil)
        #expect(DatastarEvent.patchSignals("{}").coalescingKey == nil)
        // A key cannot run into the next one.
        #expect(
            DatastarEvent.patchSignals(#"{"a,b":1}"#).coalescingKey
                != DatastarEvent.patchSignals(#"{"a":1,"b":2}"#).coalescingKey
        )
    }
}
