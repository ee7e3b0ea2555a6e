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

public import Datastar
import Logging
public import NIOCore

/// One Datastar stream's connection, as its updater and hooks see it.
///
/// A connection lives on its channel's event loop and is used only there: the reactor calls
/// `onConnect`, the updater and `onDisconnect` on that loop, and they send with
/// ``send(_:)-(DatastarEvent)``, the same call as everywhere else in the SDK. What one call of a hook
/// sends is written and flushed together when it returns.
public final class DatastarConnection {
    /// A number that identifies the connection within its reactor.
    public let id: UInt64
    /// The event loop the connection lives on.
    public let eventLoop: any EventLoop
    /// The `Last-Event-ID` the client sent when it connected, if any.
    public let lastEventID: String?
    /// How many times the updater has run.
    public internal(set) var updates = 0
    /// How many updates were skipped because the client was not reading.
    public internal(set) var skippedUpdates = 0
    /// How many events have been sent.
    public internal(set) var eventsSent = 0
    /// For a stream subscribed to a hub: what the hub replayed when the client connected, so
    /// that `onConnect` can tell a first visit or a gap (send the full state) from a resumed
    /// stream. `nil` for streams without hub subscription.
    public internal(set) var resume: HubResume?

    enum State { case connecting, active, closed }
    var state = State.connecting
    var closeRequested = false
    var output: ByteBuffer
    var outputEvents = 0
    let stream: DatastarStream?
    /// The adapter's transport, which the connection's writer writes through.
    let transport: (any ReactorTransport)?
    /// Writes the connection's body; made on the loop when the reactor adds the connection.
    var writer: ConnectionWriter?
    /// Where the connection's close is logged; `nil` for the reactor's logger.
    let logger: Logger?
    /// Where the connection sits in its interval timer.
    var slot = 0
    var indexInSlot = 0
    /// The timer round in which the connection was last visited.
    var visitedRound: UInt64 = 0
    /// The loop's reactor, once the connection is added to it.
    /// Strong, not weak (a weak reference would give the connection a side table, and every
    /// retain of it would take the slow path); ``LoopReactor/close(_:_:)`` clears it.
    var loopReactor: LoopReactor?
    /// Whether the connection is counted among its hub topics' subscribers.
    var subscribed = false
    /// The sequence number of the last hub message the connection has been given (or that
    /// was published before it subscribed).
    var hubSequence: UInt64 = 0
    /// Where the connection sits in each topic's subscriber list of its loop.
    var hubPositions: [String: Int] = [:]
    /// The coding negotiated for the stream; `nil` when the stream is never compressed.
    public internal(set) var contentCoding: ContentCoding?
    /// What the timer's visits and the hub's deliveries need of the stream, taken from it once:
    /// reading the stream itself would retain and release each of its closures every time.
    let update: DatastarStream.Updater?
    let keepAlive: TimeAmount
    let unwritableTimeout: TimeAmount
    /// For a hub subscription, its backlog limit; `nil` otherwise.
    let backlogLimit: Int?

    init(
        id: UInt64,
        stream: DatastarStream,
        transport: any ReactorTransport,
        lastEventID: String?,
        contentCoding: ContentCoding?,
        logger: Logger
    ) {
        self.id = id
        self.contentCoding = contentCoding
        self.logger = logger
        self.eventLoop = transport.eventLoop
        self.lastEventID = lastEventID
        self.stream = stream
        self.transport = transport
        self.output = Self.noOutput
        self.update = stream.update
        self.keepAlive = TimeAmount(stream.keepAlive)
        self.unwritableTimeout = TimeAmount(stream.unwritableTimeout)
        self.backlogLimit = stream.subscription?.backlogLimit
    }

    /// A connection that only collects what is sent, for one-shot responses.
    init(detachedOn eventLoop: any EventLoop, lastEventID: String?) {
        self.id = 0
        self.logger = nil
        self.eventLoop = eventLoop
        self.lastEventID = lastEventID
        self.stream = nil
        self.transport = nil
        self.output = ByteBufferAllocator().buffer(capacity: 256)
        self.update = nil
        self.keepAlive = .zero
        self.unwritableTimeout = .zero
        self.backlogLimit = nil
        self.state = .active
    }

    /// Whether the stream has closed.
    public var isClosed: Bool { state == .closed }

    /// Sends one event; it is written when the current hook returns.
    ///
    /// - Throws: a ``Datastar/DatastarError`` for an event that cannot be encoded safely, or
    ///   ``DatastarSendError/closed`` once the stream has closed.
    public func send(_ event: DatastarEvent) throws {
        eventLoop.preconditionInEventLoop()
        guard state != .closed else { throw DatastarSendError.closed }
        try event.encode(into: &appendableOutput)
        outputEvents += 1
    }

    /// Sends several events, in order.
    public func send(_ events: [DatastarEvent]) throws {
        for event in events { try send(event) }
    }

    /// Sends an SSE comment.
    public func sendComment(_ text: String = "") throws {
        eventLoop.preconditionInEventLoop()
        guard state != .closed else { throw DatastarSendError.closed }
        ServerSentEventComment.encode(text, into: &appendableOutput)
    }

    /// Ends the stream once the current hook returns (after what it sent is written);
    /// `onDisconnect` then receives ``StreamCloseReason/closedByApp``.
    public func close() {
        closeRequested = true
    }

    /// Takes what has been sent since the last call. The connection keeps no buffer until it
    /// sends again (a quiet stream holds no memory for its output).
    func takeOutput() -> ByteBuffer {
        defer {
            output = Self.noOutput
            outputEvents = 0
        }
        return output
    }

    /// The output buffer of a connection that has sent nothing since its last write: shared,
    /// without storage of its own.
    private static let noOutput = ByteBuffer()

    /// The output buffer, to append to. A fresh one keeps ``BodyFraming/headroom`` bytes free
    /// in front of what is sent, so that the chunk framing of HTTP/1.1 writes its size line
    /// there instead of copying the output into a new buffer.
    var appendableOutput: ByteBuffer {
        get { output }
        _modify {
            if output.readableBytes == 0, output.readerIndex < BodyFraming.headroom {
                output = ByteBufferAllocator().buffer(capacity: 128)
                output.moveWriterIndex(forwardBy: BodyFraming.headroom)
                output.moveReaderIndex(forwardBy: BodyFraming.headroom)
            }
            yield &output
        }
    }
}
