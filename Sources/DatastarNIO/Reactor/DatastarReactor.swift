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

package import Datastar
public import Logging
import NIOConcurrencyHelpers
package import NIOCore

/// Drives long-lived Datastar streams from one repeating timer per event loop and interval.
///
/// A handler registers its connection and returns; the reactor then runs every connection's
/// updater on its event loop, writes and flushes each connection once per tick, sends
/// keep-alive comments on quiet streams, and closes connections whose writes fail, whose
/// client stopped reading for too long, or whose updater threw — calling `onDisconnect`
/// exactly once. There is no timer per connection: a timer's connections are spread over a few
/// slots, and each firing runs one slot, so their writes do not all land at the same instant.
///
/// The framework adapters register connections; apps only choose a reactor when they want
/// more than one (``shared`` is the default).
public final class DatastarReactor: Sendable {
    /// The reactor the adapters use by default.
    public static let shared = DatastarReactor()

    /// The most slots a timer spreads its connections over.
    public let maxSlots: Int

    /// The reactor's name: the `reactor` dimension of its metrics.
    public let name: String

    /// How much one task of a timer does before it gives the event loop back to I/O.
    public let taskBudget: LoopTaskBudget

    let logger: Logger
    let metrics: StreamMetrics
    private let loops = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<LoopReactor>]>([:])
    private let nextID = NIOLockedValueBox<UInt64>(1)

    /// Creates a reactor.
    ///
    /// - Parameters:
    ///   - name: the `reactor` dimension of the reactor's metrics.
    ///   - maxSlots: the most slots a timer spreads its connections over; each slot gets at
    ///     least 10 ms of the interval.
    ///   - taskBudget: how many connections (and how long) one task of a timer visits
    ///     before it yields the event loop to I/O and goes on.
    ///   - logger: where closes are logged, at debug level, for connections registered
    ///     without a logger of their own.
    public init(
        name: String = "default",
        maxSlots: Int = 8,
        taskBudget: LoopTaskBudget = .default,
        logger: Logger = Logger(label: "datastar.reactor")
    ) {
        self.name = name
        self.maxSlots = max(1, maxSlots)
        self.taskBudget = taskBudget
        self.logger = logger
        self.metrics = StreamMetrics(reactorName: name)
    }

    /// A fresh connection id; adapters reserve one before registering, so they can close the
    /// connection by id later (for example on graceful shutdown).
    package func makeConnectionID() -> UInt64 {
        nextID.withLockedValue { id in
            defer { id += 1 }
            return id
        }
    }

    /// Registers a connection: on its event loop, runs `onConnect`, writes what it sent, and
    /// adds the connection to the timer of its interval. Callable from any thread; one hop
    /// to the event loop when called elsewhere.
    ///
    /// - Parameter contentCoding: the coding the adapter negotiated with
    ///   ``DatastarCompression/negotiate(acceptEncoding:)`` and announced in the response
    ///   head; everything written to the connection is compressed with it, flushed per write.
    ///   `nil` or identity writes bytes as they are.
    package func register(
        _ stream: DatastarStream,
        id: UInt64? = nil,
        transport: any ReactorTransport,
        lastEventID: String? = nil,
        contentCoding: ContentCoding? = nil,
        logger: Logger? = nil
    ) {
        let connectionID = id ?? makeConnectionID()
        let eventLoop = transport.eventLoop
        let logger = logger ?? self.logger
        let add: @Sendable () -> Void = {
            self.loopReactor(on: eventLoop).add(
                DatastarConnection(
                    id: connectionID,
                    stream: stream,
                    transport: transport,
                    lastEventID: lastEventID,
                    contentCoding: contentCoding,
                    logger: logger
                )
            )
        }
        if eventLoop.inEventLoop {
            add()
        } else {
            eventLoop.execute(add)
        }
    }

    /// Closes the connection `id` on `eventLoop`, if it is still open, with `reason`.
    package func close(id: UInt64, on eventLoop: any EventLoop, reason: StreamCloseReason) {
        eventLoop.execute {
            let reactor = self.loopReactor(on: eventLoop)
            if let connection = reactor.connections[id] {
                reactor.close(connection, reason)
            }
        }
    }

    /// Closes every open stream with ``StreamCloseReason/serverShutdown`` (each `onDisconnect`
    /// runs) and stops the timers; one hop per event loop. Returns when every reactor stream
    /// has closed.
    public func shutdown() async {
        for closed in beginShutdown() {
            try? await closed.get()
        }
    }

    /// Starts what ``shutdown()`` does without waiting for it: enqueues the close of every
    /// reactor stream on its event loop, ahead of
    /// whatever is enqueued there later. Returns a future per event loop that completes once
    /// that loop's streams are closed. Never blocks, so a synchronous shutdown path can call
    /// it from any thread.
    package func beginShutdown() -> [EventLoopFuture<Void>] {
        let reactors = loops.withLockedValue { Array($0.values) }
        return reactors.map { reactor in reactor.eventLoop.submit { reactor.value.shutdown() } }
    }

    /// The number of open streams, over all event loops; one hop per loop.
    public func openStreams() async -> Int {
        await sumOverLoops { $0.connections.count }
    }

    /// The number of repeating timers running, over all event loops; one hop per loop.
    public func activeTimers() async -> Int {
        await sumOverLoops { $0.activeTimerCount }
    }

    private func sumOverLoops(_ count: @escaping @Sendable (LoopReactor) -> Int) async -> Int {
        let reactors = loops.withLockedValue { Array($0.values) }
        var total = 0
        for reactor in reactors {
            total += (try? await reactor.eventLoop.submit { count(reactor.value) }.get()) ?? 0
        }
        return total
    }

    /// The loop-bound part of the reactor for `eventLoop`; call on that loop.
    func loopReactor(on eventLoop: any EventLoop) -> LoopReactor {
        eventLoop.assertInEventLoop()
        let key = ObjectIdentifier(eventLoop)
        let bound = loops.withLockedValue { loops in
            if let existing = loops[key] { return existing }
            let created = NIOLoopBound(LoopReactor(eventLoop: eventLoop, owner: self), eventLoop: eventLoop)
            loops[key] = created
            return created
        }
        return bound.value
    }
}
