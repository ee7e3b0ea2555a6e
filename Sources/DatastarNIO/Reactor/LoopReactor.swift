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
import Logging
import NIOCore

/// The reactor's state on one event loop: its connections and its timers. Touched only on
/// that loop.
final class LoopReactor {
    let eventLoop: any EventLoop
    unowned let owner: DatastarReactor
    /// The loop's one pause, shared with the other reactors and the hubs on it.
    let loopYield: LoopYield
    var connections: [UInt64: DatastarConnection] = [:]
    var timers: [Int64: IntervalTimer] = [:]
    var unreportedEvents = 0
    var unreportedBytes = 0

    init(eventLoop: any EventLoop, owner: DatastarReactor) {
        self.eventLoop = eventLoop
        self.owner = owner
        self.loopYield = LoopYield.of(eventLoop)
    }

    var activeTimerCount: Int { timers.values.filter(\.isRunning).count }

    func add(_ connection: DatastarConnection) {
        eventLoop.assertInEventLoop()
        guard let stream = connection.stream, let transport = connection.transport else { return }
        connections[connection.id] = connection
        connection.loopReactor = self
        owner.metrics.open.increment()
        do {
            connection.writer = try ConnectionWriter(
                connection: connection,
                transport: transport,
                reactor: self,
                compression: stream.compression,
                contentCoding: connection.contentCoding
            )
        } catch {
            close(connection, .writeFailed("\(error)"))
            return
        }
        // By id rather than by a weak reference to the connection, which would give it a side
        // table and send every retain of it down the slow path.
        let id = connection.id
        transport.closeFuture?.hop(to: eventLoop).assumeIsolated().whenComplete { [weak self] _ in
            guard let self, let connection = self.connections[id] else { return }
            self.close(connection, .clientGone)
        }
        // A client already gone (its channel closed before it was added) has been closed just now.
        guard connection.state != .closed else { return }
        if let subscription = stream.subscription {
            // Replays what the client missed into its output, before onConnect adds to it.
            subscription.hub.subscribe(connection, to: subscription.topics)
            connection.subscribed = true
        }
        if let onConnect = stream.onConnect {
            do {
                try onConnect(connection)
            } catch {
                flush(connection)
                close(connection, .updaterThrew("\(error)"))
                return
            }
        }
        guard connection.state != .closed else { return }
        connection.state = .active
        flush(connection)
        if connection.closeRequested {
            close(connection, .closedByApp)
            return
        }
        guard connection.state == .active else { return }
        let interval = stream.tickInterval
        let timer =
            timers[interval.nanoseconds]
            ?? {
                let timer = IntervalTimer(interval: interval, maxSlots: owner.maxSlots, reactor: self)
                timers[interval.nanoseconds] = timer
                return timer
            }()
        timer.add(connection)
    }

    /// One visit of the timer: skip a stalled connection, run the updater, write, keep alive.
    func visit(_ connection: DatastarConnection, now: NIODeadline) {
        guard connection.state == .active, let writer = connection.writer else { return }
        if writer.writesInFlight > 0 {
            let since = writer.stalledSince ?? now
            writer.stalledSince = since
            if now - since >= connection.unwritableTimeout {
                close(connection, .unwritableTooLong)
            } else {
                connection.skippedUpdates += 1
            }
            return
        }
        writer.stalledSince = nil
        if let update = connection.update {
            connection.updates += 1
            do {
                try update(connection)
            } catch {
                flush(connection)
                close(connection, .updaterThrew("\(error)"))
                return
            }
        }
        if connection.output.readableBytes == 0, now - writer.lastWrite >= connection.keepAlive {
            ServerSentEventComment.encode("", into: &connection.appendableOutput)
        }
        flush(connection)
        if connection.closeRequested { close(connection, .closedByApp) }
    }

    /// Writes and flushes what the connection has collected.
    func flush(_ connection: DatastarConnection) {
        guard connection.output.readableBytes > 0, let writer = connection.writer else { return }
        let events = connection.outputEvents
        writer.write(connection.takeOutput(), events: events)
    }

    /// Reports the events and bytes written since the last report to swift-metrics: once per
    /// timer firing rather than once per write.
    func reportMetrics() {
        guard unreportedBytes > 0 else { return }
        owner.metrics.events.increment(by: Int64(unreportedEvents))
        owner.metrics.bytes.increment(by: Int64(unreportedBytes))
        unreportedEvents = 0
        unreportedBytes = 0
    }

    /// Closes a connection exactly once: removes it from its timer, ends the response (normally,
    /// or as a network error — see ``endsAsNetworkError(_:onShutdown:)``), and calls
    /// `onDisconnect`.
    func close(_ connection: DatastarConnection, _ reason: StreamCloseReason) {
        eventLoop.assertInEventLoop()
        guard connection.state != .closed else { return }
        let wasAdded = connections.removeValue(forKey: connection.id) != nil
        connection.state = .closed
        // The loop reactor holds its open connections and each holds its loop reactor: the
        // cycle ends here.
        connection.loopReactor = nil
        if let stream = connection.stream {
            timers[stream.tickInterval.nanoseconds]?.remove(connection)
        }
        if connection.subscribed, let subscription = connection.stream?.subscription {
            subscription.hub.unsubscribe(connection, from: subscription.topics)
            connection.subscribed = false
        }
        (connection.logger ?? owner.logger).debug(
            "Datastar stream closed",
            metadata: ["datastar.connection": "\(connection.id)", "datastar.reason": "\(reason)"]
        )
        if wasAdded {
            owner.metrics.open.decrement()
            owner.metrics.closed(reason)
        }
        let asNetworkError = Self.endsAsNetworkError(reason, onShutdown: connection.stream?.onShutdown ?? .reconnect)
        if let writer = connection.writer {
            writer.end(asNetworkError: asNetworkError, reason: reason)
        } else if asNetworkError {
            connection.transport?.abort()
        } else {
            connection.transport?.finish()
        }
        connection.stream?.onDisconnect?(connection, reason)
    }

    /// Whether a stream closed for `reason` ends as a network error, so that the Datastar
    /// client reconnects (it never reopens a stream that ended normally): on shutdown unless
    /// the stream chose ``ShutdownBehavior/end``, and when the client read too slowly (it
    /// comes back and resumes from the hub's history). An app's close, a thrown updater and a
    /// client that has gone end normally.
    static func endsAsNetworkError(_ reason: StreamCloseReason, onShutdown: ShutdownBehavior) -> Bool {
        switch reason {
        case .serverShutdown: return onShutdown == .reconnect
        case .backlogExceeded, .unwritableTooLong: return true
        case .clientGone, .writeFailed, .updaterThrew, .closedByApp: return false
        }
    }

    func shutdown() {
        for connection in Array(connections.values) {
            close(connection, .serverShutdown)
        }
    }
}
