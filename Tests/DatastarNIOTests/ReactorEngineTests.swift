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
import DatastarNIO
import Logging
import Metrics
import MetricsTestKit
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

/// A transport that records what the reactor writes; the test decides when writes complete.
final class RecordingTransport: ReactorTransport {
    struct State {
        var written: [String] = []
        /// The written buffers, kept so that their storage stays alive (and its address
        /// unique) for the test.
        var buffers: [ByteBuffer] = []
        var pending: [EventLoopPromise<Void>] = []
        var holdWrites = false
        var finished = 0
        var aborted = 0
        /// When set, the transport plays a socket whose client does not read: every write
        /// completes at once (the kernel takes it) and stays unsent.
        var keepsUnsent = false
        var unsent = 0
        var socketChecks = 0
    }

    let loop: NIOAsyncTestingEventLoop
    let state = NIOLockedValueBox(State())
    /// Whether it takes HTTP/1.1 chunks, as the Hummingbird transport does on HTTP/1.
    let writesHTTP1Chunks: Bool

    init(loop: NIOAsyncTestingEventLoop, chunked: Bool = false) {
        self.loop = loop
        self.writesHTTP1Chunks = chunked
    }

    var eventLoop: any EventLoop { loop }
    var written: [String] { state.withLockedValue { $0.written } }
    var finished: Int { state.withLockedValue { $0.finished } }
    var aborted: Int { state.withLockedValue { $0.aborted } }

    func hold() { state.withLockedValue { $0.holdWrites = true } }

    /// Plays a socket whose client stopped reading: writes complete, and their bytes stay unsent.
    func stopReading() { state.withLockedValue { $0.keepsUnsent = true } }

    var socketChecks: Int { state.withLockedValue { $0.socketChecks } }

    func socketBacklog() -> Int? {
        state.withLockedValue { state in
            state.socketChecks += 1
            return state.unsent
        }
    }

    /// The written buffers, in order.
    var buffers: [ByteBuffer] { state.withLockedValue { $0.buffers } }

    /// Where each written buffer's bytes live: equal for buffers that share storage.
    var storage: [UInt] {
        state.withLockedValue { $0.buffers }.map { buffer in
            buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        }
    }

    /// Lets the held writes complete, and the next ones complete at once.
    func release() {
        let pending = state.withLockedValue { state in
            defer {
                state.pending.removeAll()
                state.holdWrites = false
            }
            return state.pending
        }
        for promise in pending { promise.succeed() }
    }

    func failPending(_ error: any Error) {
        let pending = state.withLockedValue { state in
            defer { state.pending.removeAll() }
            return state.pending
        }
        for promise in pending { promise.fail(error) }
    }

    func makeBodySink() -> BodySink {
        BodySink(framing: writesHTTP1Chunks ? .http1Chunked : .asIs) { buffer, promise in
            self.write(buffer, promise: promise)
        }
    }

    func write(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard buffer.readableBytes > 0 else {
            promise?.succeed()
            return
        }
        let held = state.withLockedValue { state in
            if state.keepsUnsent { state.unsent += buffer.readableBytes }
            state.written.append(String(buffer: buffer))
            state.buffers.append(buffer)
            if state.holdWrites, let promise { state.pending.append(promise) }
            return state.holdWrites
        }
        if !held { promise?.succeed() }
    }

    func finish() { state.withLockedValue { $0.finished += 1 } }
    func abort() { state.withLockedValue { $0.aborted += 1 } }

    var closeFuture: EventLoopFuture<Void>? { nil }
}

/// Captures log records.
final class CapturedLogs: Sendable {
    let records = NIOLockedValueBox<[(message: String, metadata: Logger.Metadata)]>([])

    var handler: @Sendable (String) -> any LogHandler {
        { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.records.withLockedValue { $0.append((event.message.description, event.metadata ?? [:])) }
        }
    }
}

/// Metrics are process-wide: bootstrap once, and give every test its own reactor name.
let testMetrics: TestMetrics = {
    let metrics = TestMetrics()
    MetricsSystem.bootstrap(metrics)
    return metrics
}()

@Suite("Reactor engine, on a testing event loop with virtual time", .timeLimit(.minutes(1)))
struct ReactorEngineTests {
    let loop = NIOAsyncTestingEventLoop()

    func stream(
        every interval: Duration? = .milliseconds(100),
        keepAlive: Duration = .seconds(1),
        unwritable: Duration = .seconds(1),
        reactor: DatastarReactor,
        disconnects: NIOLockedValueBox<[StreamCloseReason]>,
        update: @escaping DatastarStream.Updater = { try $0.send(.patchSignals(#"{"n":\#($0.updates)}"#)) }
    ) -> DatastarStream {
        let onDisconnect: DatastarStream.DisconnectHandler = { _, reason in
            disconnects.withLockedValue { $0.append(reason) }
        }
        if let interval {
            return DatastarStream(
                every: interval,
                keepAlive: keepAlive,
                unwritableTimeout: unwritable,
                reactor: reactor,
                onDisconnect: onDisconnect,
                update: update
            )
        }
        return DatastarStream(
            keepAlive: keepAlive,
            unwritableTimeout: unwritable,
            reactor: reactor,
            onDisconnect: onDisconnect
        )
    }

    @Test("the updater runs once per interval, on one timer for all connections")
    func oneTimer() async throws {
        let reactor = DatastarReactor(name: "oneTimer")
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let transports = (0..<20).map { _ in RecordingTransport(loop: loop) }
        for transport in transports {
            reactor.register(stream(reactor: reactor, disconnects: disconnects), transport: transport)
        }
        await loop.run()
        #expect(await reactor.activeTimers() == 1)
        await loop.advanceTime(by: .milliseconds(1000))
        for transport in transports {
            #expect(transport.written.count == 10, "\(transport.written)")
            #expect(transport.written.last == "event: datastar-patch-signals\ndata: signals {\"n\":10}\n\n")
        }
        await reactor.shutdown()
        #expect(disconnects.withLockedValue { $0 } == Array(repeating: .serverShutdown, count: 20))
        // Ended as a network error, so that the client reconnects to the next process.
        #expect(transports.allSatisfy { $0.aborted == 1 && $0.finished == 0 })
        #expect(await reactor.activeTimers() == 0)
    }

    @Test("on shutdown a stream ends as a network error unless it chose to end; an app's close ends normally")
    func shutdownBehaviour() async throws {
        let reactor = DatastarReactor(name: "shutdownBehaviour")
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let record: DatastarStream.DisconnectHandler = { _, reason in disconnects.withLockedValue { $0.append(reason) }
        }
        let reconnecting = RecordingTransport(loop: loop)
        let ending = RecordingTransport(loop: loop)
        let closing = RecordingTransport(loop: loop)
        reactor.register(DatastarStream(reactor: reactor, onDisconnect: record), transport: reconnecting)
        reactor.register(DatastarStream(reactor: reactor, onShutdown: .end, onDisconnect: record), transport: ending)
        reactor.register(
            DatastarStream(every: .milliseconds(100), reactor: reactor, onDisconnect: record) { sse in sse.close() },
            transport: closing
        )
        await loop.advanceTime(by: .milliseconds(100))
        #expect(disconnects.withLockedValue { $0 } == [.closedByApp])
        #expect(closing.finished == 1 && closing.aborted == 0)
        await reactor.shutdown()
        #expect(disconnects.withLockedValue { $0 } == [.closedByApp, .serverShutdown, .serverShutdown])
        #expect(reconnecting.aborted == 1 && reconnecting.finished == 0)
        #expect(ending.finished == 1 && ending.aborted == 0)
    }

    @Test("connections are spread over slots: a slot's writes come at its own instant")
    func slots() async throws {
        let reactor = DatastarReactor(name: "slots", maxSlots: 4)
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let transports = (0..<8).map { _ in RecordingTransport(loop: loop) }
        for transport in transports {
            reactor.register(stream(reactor: reactor, disconnects: disconnects), transport: transport)
        }
        // 100 ms over 4 slots: one slot every 25 ms, two connections each.
        await loop.advanceTime(by: .milliseconds(25))
        #expect(transports.filter { $0.written.count == 1 }.count == 2)
        await loop.advanceTime(by: .milliseconds(25))
        #expect(transports.filter { $0.written.count == 1 }.count == 4)
        await loop.advanceTime(by: .milliseconds(50))
        #expect(transports.allSatisfy { $0.written.count == 1 })
        await reactor.shutdown()
    }

    @Test("a quiet stream gets keep-alive comments after the keep-alive interval")
    func keepAlive() async throws {
        let reactor = DatastarReactor(name: "keepAlive")
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let transport = RecordingTransport(loop: loop)
        reactor.register(
            stream(every: nil, keepAlive: .milliseconds(400), reactor: reactor, disconnects: disconnects),
            transport: transport
        )
        await loop.advanceTime(by: .milliseconds(399))
        #expect(transport.written.isEmpty)
        await loop.advanceTime(by: .milliseconds(101))
        #expect(transport.written == [":\n\n"])
        await loop.advanceTime(by: .milliseconds(400))
        #expect(transport.written == [":\n\n", ":\n\n"])
        await reactor.shutdown()
    }

    @Test("a stalled connection skips updates, then is closed; the others go on")
    func stalled() async throws {
        let reactor = DatastarReactor(name: "stalled")
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let stuck = RecordingTransport(loop: loop)
        let healthy = RecordingTransport(loop: loop)
        reactor.register(
            stream(unwritable: .milliseconds(500), reactor: reactor, disconnects: disconnects),
            transport: stuck
        )
        reactor.register(
            stream(unwritable: .milliseconds(500), reactor: reactor, disconnects: disconnects),
            transport: healthy
        )
        stuck.hold()
        await loop.advanceTime(by: .milliseconds(300))
        // One write went out and never completed: later updates were skipped, not queued.
        #expect(stuck.written.count == 1)
        #expect(healthy.written.count == 3)
        await loop.advanceTime(by: .milliseconds(400))
        #expect(disconnects.withLockedValue { $0 } == [.unwritableTooLong])
        #expect(stuck.aborted == 1 && stuck.finished == 0)
        #expect(healthy.written.count == 7)
        await reactor.shutdown()
    }

    @Test("a failed write closes the connection once, and is logged with its reason")
    func failedWrite() async throws {
        let logs = CapturedLogs()
        var logger = Logger(label: "test", factory: logs.handler)
        logger.logLevel = .debug
        let reactor = DatastarReactor(name: "failedWrite", logger: logger)
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let transport = RecordingTransport(loop: loop)
        reactor.register(stream(reactor: reactor, disconnects: disconnects), transport: transport)
        transport.hold()
        await loop.advanceTime(by: .milliseconds(100))
        struct Reset: Error {}
        transport.failPending(Reset())
        await loop.advanceTime(by: .milliseconds(500))
        #expect(disconnects.withLockedValue { $0 }.map(\.label) == ["writeFailed"])
        #expect(transport.finished == 1)
        let records = logs.records.withLockedValue { $0 }
        #expect(records.count == 1)
        #expect(records.first?.message == "Datastar stream closed")
        #expect(records.first?.metadata["datastar.reason"]?.description.hasPrefix("writeFailed") == true)
        await reactor.shutdown()
        #expect(disconnects.withLockedValue { $0 }.count == 1)
    }

    @Test("metrics: open streams, events, bytes, closes by cause")
    func metrics() async throws {
        let metrics = testMetrics
        let reactor = DatastarReactor(name: "metricsTest")
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let first = RecordingTransport(loop: loop)
        let second = RecordingTransport(loop: loop)
        reactor.register(stream(reactor: reactor, disconnects: disconnects), transport: first)
        reactor.register(
            stream(reactor: reactor, disconnects: disconnects) { sse in
                try sse.send(.patchSignals("{}"))
                if sse.updates == 2 { sse.close() }
            },
            transport: second
        )
        let dimensions = [("reactor", "metricsTest")]
        await loop.run()
        #expect(try metrics.expectMeter("datastar_streams_open", dimensions).lastValue == 2)
        await loop.advanceTime(by: .milliseconds(500))
        #expect(try metrics.expectMeter("datastar_streams_open", dimensions).lastValue == 1)
        #expect(metrics.counterTotal(label: "datastar_events_sent", dimensions: dimensions) == 5 + 2)
        let bytes = (first.written + second.written).map(\.utf8.count).reduce(0, +)
        #expect(metrics.counterTotal(label: "datastar_bytes_sent", dimensions: dimensions) == Int64(bytes))
        #expect(
            metrics.counterTotal(
                label: "datastar_streams_closed",
                dimensions: [("reactor", "metricsTest"), ("reason", "closedByApp")]
            ) == 1
        )
        await reactor.shutdown()
        #expect(
            metrics.counterTotal(
                label: "datastar_streams_closed",
                dimensions: [("reactor", "metricsTest"), ("reason", "serverShutdown")]
            )
                == 1
        )
        #expect(try metrics.expectMeter("datastar_streams_open", dimensions).lastValue == 0)
    }

    @Test("onConnect sends the initial render; an onConnect that throws closes at once")
    func onConnect() async throws {
        let reactor = DatastarReactor(name: "onConnect")
        let disconnects = NIOLockedValueBox<[StreamCloseReason]>([])
        let transport = RecordingTransport(loop: loop)
        struct Broken: Error {}
        reactor.register(
            DatastarStream(
                every: .milliseconds(100),
                reactor: reactor,
                onConnect: { sse in
                    try sse.send(.patchElements(#"<p id="a">initial</p>"#))
                    throw Broken()
                },
                onDisconnect: { _, reason in disconnects.withLockedValue { $0.append(reason) } },
                update: { _ in Issue.record("the updater must not run") }
            ),
            transport: transport
        )
        await loop.advanceTime(by: .milliseconds(300))
        #expect(transport.written == ["event: datastar-patch-elements\ndata: elements <p id=\"a\">initial</p>\n\n"])
        #expect(disconnects.withLockedValue { $0 }.map(\.label) == ["updaterThrew"])
        #expect(await reactor.activeTimers() == 0)
    }
}
