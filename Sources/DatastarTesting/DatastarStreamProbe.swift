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

public import DatastarNIO
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded

/// Runs one reactor stream in a test, on a virtual clock: no socket, no server, no waiting.
///
/// The probe registers the stream with a reactor of its own on a testing event loop whose
/// time moves only when the test says so; `onConnect` has run when the test starts. Each
/// ``advance(by:)`` runs every tick that falls due and returns what the stream wrote since
/// the last call (the first call also returns what `onConnect` sent), read as the browser
/// would. The first tick comes one `interval` after the connection, the next one `interval`
/// later, and so on:
///
/// ```swift
/// try await withDatastarStreamProbe(DatastarStream(every: .seconds(1)) { sse in
///     try sse.send(.patchSignals(#"{"tick":\#(sse.updates)}"#))
/// }) { probe in
///     let first = try await probe.advance(by: .seconds(1))
///     #expect(first.events == [.patchSignals(#"{"tick":1}"#)])
/// }
/// ```
///
/// A stream subscribed to a hub works the same way: publish on the hub, then
/// `advance(by: .zero)` returns what the subscriber received; with a `lastEventID` it
/// resumes from the hub's history.
///
/// The stream's own ``DatastarStream/reactor`` and ``DatastarStream/compression`` are not
/// used: the probe drives it on its reactor, uncompressed.
public final class DatastarStreamProbe: Sendable {
    /// How the probed response ended.
    public enum Ending: Sendable, Hashable {
        /// Normally: the body's end was written, and the client does not reconnect.
        case finished
        /// As a network error would: the client reconnects (with `Last-Event-ID`).
        case aborted
    }

    private let loop: NIOAsyncTestingEventLoop
    private let reactor: DatastarReactor
    private let transport: ProbeTransport
    private let connectionID: UInt64
    private let reason = NIOLockedValueBox<StreamCloseReason?>(nil)
    private let isShutDown = NIOLockedValueBox(false)

    /// Registers `stream` as if a client had just opened it; ``connect()`` runs the
    /// registration. Internal: a testing loop freed with timers pending traps, so the only way
    /// in is ``withDatastarStreamProbe(_:lastEventID:_:)``, which always shuts the probe down.
    init(_ stream: DatastarStream, lastEventID: String? = nil) {
        let loop = NIOAsyncTestingEventLoop()
        self.loop = loop
        // One slot: every tick of the stream comes a whole interval after the one before,
        // the first a whole interval after the connection, whatever else the reactor runs.
        self.reactor = DatastarReactor(name: "probe", maxSlots: 1)
        self.transport = ProbeTransport(loop: loop)
        var stream = stream
        let reason = self.reason
        let onDisconnect = stream.onDisconnect
        stream.onDisconnect = { connection, closeReason in
            reason.withLockedValue { $0 = closeReason }
            onDisconnect?(connection, closeReason)
        }
        stream.reactor = reactor
        connectionID = reactor.makeConnectionID()
        reactor.register(stream, id: connectionID, transport: transport, lastEventID: lastEventID)
    }

    /// Runs what the registration enqueued on the loop: `onConnect`, and the stream joins
    /// its timer. The time does not move.
    func connect() async {
        await loop.run()
    }

    /// Moves the virtual clock forward by `duration` (zero runs only what is due now) and
    /// returns what the stream wrote since the last call.
    ///
    /// - Throws: ``DatastarTestError`` if what it wrote is not a valid Datastar event stream.
    public func advance(by duration: Duration) async throws(DatastarTestError) -> DatastarTestResponse {
        guard !isShutDown.withLockedValue({ $0 }) else { return DatastarTestResponse(kind: .eventStream, events: []) }
        if duration > .zero {
            await loop.advanceTime(by: TimeAmount(duration))
        } else {
            await loop.run()
        }
        return try DatastarTestResponse(eventStream: transport.take())
    }

    /// Why the stream closed; `nil` while it is open.
    public var closeReason: StreamCloseReason? { reason.withLockedValue { $0 } }

    /// How the response ended; `nil` while it is open.
    public var ending: Ending? { transport.ending }

    /// Closes the stream as a client that goes away would, and returns what it wrote before.
    public func disconnect() async throws(DatastarTestError) -> DatastarTestResponse {
        guard !isShutDown.withLockedValue({ $0 }) else { return DatastarTestResponse(kind: .eventStream, events: []) }
        reactor.close(id: connectionID, on: loop, reason: .clientGone)
        return try await advance(by: .zero)
    }

    /// Shuts the probe's reactor down, as a server that stops does, and returns what the
    /// stream wrote before it closed; afterwards ``closeReason`` is
    /// ``StreamCloseReason/serverShutdown`` (unless it had closed before) and ``ending`` tells
    /// whether the client would reconnect. The probe's virtual clock stops for good.
    @discardableResult
    public func shutdown() async throws(DatastarTestError) -> DatastarTestResponse {
        let first = isShutDown.withLockedValue { done in
            defer { done = true }
            return !done
        }
        guard first else { return DatastarTestResponse(kind: .eventStream, events: []) }
        let closed = reactor.beginShutdown()
        await loop.run()
        for future in closed { try? await future.get() }
        await loop.shutdownGracefully()
        return try DatastarTestResponse(eventStream: transport.take())
    }
}

/// Runs `body` with a probe of `stream` on a virtual clock (see ``DatastarStreamProbe``), and
/// shuts the probe down when `body` returns or throws.
///
/// - Parameters:
///   - stream: the stream a route returns.
///   - lastEventID: the `Last-Event-ID` the client sends, as when it reconnects.
///   - body: the test; it moves the clock with ``DatastarStreamProbe/advance(by:)``.
public func withDatastarStreamProbe<Result>(
    _ stream: DatastarStream,
    lastEventID: String? = nil,
    _ body: (DatastarStreamProbe) async throws -> Result
) async throws -> Result {
    let probe = DatastarStreamProbe(stream, lastEventID: lastEventID)
    await probe.connect()
    do {
        let result = try await body(probe)
        try await probe.shutdown()
        return result
    } catch {
        _ = try? await probe.shutdown()
        throw error
    }
}

/// Takes what the reactor writes, as a socket that reads everything at once would.
final class ProbeTransport: ReactorTransport {
    struct State {
        var unread: [UInt8] = []
        var ending: DatastarStreamProbe.Ending?
    }

    let loop: NIOAsyncTestingEventLoop
    let state = NIOLockedValueBox(State())

    init(loop: NIOAsyncTestingEventLoop) {
        self.loop = loop
    }

    var eventLoop: any EventLoop { loop }
    var closeFuture: EventLoopFuture<Void>? { nil }
    var ending: DatastarStreamProbe.Ending? { state.withLockedValue { $0.ending } }

    func take() -> [UInt8] {
        state.withLockedValue { state in
            defer { state.unread.removeAll() }
            return state.unread
        }
    }

    func makeBodySink() -> BodySink {
        BodySink(framing: .asIs) { buffer, promise in
            self.state.withLockedValue { $0.unread.append(contentsOf: buffer.readableBytesView) }
            promise?.succeed()
        }
    }

    func finish() { state.withLockedValue { $0.ending = .finished } }
    func abort() { state.withLockedValue { $0.ending = .aborted } }
}
