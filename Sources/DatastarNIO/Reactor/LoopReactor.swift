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
        connection.writesHTTP1Chunks = transport.writesHTTP1Chunks
        owner.metrics.open.increment()
        if let coding = connection.contentCoding {
            do {
                connection.compressor = try stream.compression.makeCompressor(for: coding)
            } catch {
                close(connection, .writeFailed("\(error)"))
                return
            }
        }
        transport.closeFuture?.hop(to: eventLoop).assumeIsolated().whenComplete { [weak self, weak connection] _ in
            guard let self, let connection else { return }
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
        if connection.output.readableBytes == 0 {
            // Some servers (Vapor) hold the response head until the body is first flushed; an
            // empty write flushes it now, so the client sees the stream open at once. (The
            // transport sends no empty body part: see `ReactorTransport.writeAndFlush`.)
            transport.writeAndFlush(ByteBuffer(), promise: nil)
        }
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
        guard connection.state == .active, let stream = connection.stream else { return }
        if connection.writesInFlight > 0 {
            let since = connection.stalledSince ?? now
            connection.stalledSince = since
            if now - since >= TimeAmount(stream.unwritableTimeout) {
                close(connection, .unwritableTooLong)
            } else {
                connection.skippedUpdates += 1
            }
            return
        }
        connection.stalledSince = nil
        if let update = stream.update {
            connection.updates += 1
            do {
                try update(connection)
            } catch {
                flush(connection)
                close(connection, .updaterThrew("\(error)"))
                return
            }
        }
        if connection.output.readableBytes == 0, now - connection.lastWrite >= TimeAmount(stream.keepAlive) {
            ServerSentEventComment.encode("", into: &connection.output)
        }
        flush(connection)
        if connection.closeRequested { close(connection, .closedByApp) }
    }

    /// Writes and flushes what the connection has collected.
    func flush(_ connection: DatastarConnection) {
        guard connection.output.readableBytes > 0 else { return }
        let events = connection.outputEvents
        let output = connection.takeOutput()
        writeEncoded(output, events: events, to: connection)
    }

    /// Writes body bytes as the connection's wire needs them: compressed (and flushed) for a
    /// compressed stream, then framed as one HTTP/1 chunk where the transport takes chunks. A
    /// compressor that fails closes the connection.
    private func writeEncoded(_ body: ByteBuffer, events: Int, to connection: DatastarConnection) {
        var bytes = body
        if let compressor = connection.compressor {
            do {
                bytes = try compressor.compress(body)
            } catch {
                close(connection, .writeFailed("\(error)"))
                return
            }
        }
        write(framed(bytes, for: connection), events: events, to: connection)
    }

    /// `bytes` as one HTTP/1 chunk where the connection's transport takes chunks, else as
    /// they are.
    private func framed(_ bytes: ByteBuffer, for connection: DatastarConnection) -> ByteBuffer {
        connection.writesHTTP1Chunks ? HTTP1Chunk.frame(bytes) : bytes
    }

    /// Writes hub bytes in the form ``deliver(_:coalescingKey:to:)`` takes them: ready for the
    /// wire, or, for a compressed subscriber, the payload to compress first.
    private func writeDelivered(_ bytes: ByteBuffer, events: Int, to connection: DatastarConnection) {
        if connection.compressor != nil {
            writeEncoded(bytes, events: events, to: connection)
        } else {
            write(bytes, events: events, to: connection)
        }
    }

    /// Writes and flushes one buffer, and follows its write: a failed write closes the
    /// connection; once every write has completed, what the hub held back is written.
    func write(_ buffer: ByteBuffer, events: Int, to connection: DatastarConnection) {
        guard let transport = connection.transport, connection.state != .closed else { return }
        let size = buffer.readableBytes
        connection.eventsSent += events
        connection.lastWrite = eventLoop.now
        connection.writesInFlight += 1
        connection.bytesInFlight += size
        unreportedEvents += events
        unreportedBytes += size
        let promise = eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { [weak self, weak connection] result in
            guard let self, let connection else { return }
            connection.writesInFlight -= 1
            connection.bytesInFlight -= size
            if case .failure(let error) = result {
                self.close(connection, .writeFailed("\(error)"))
            } else if connection.writesInFlight == 0, !connection.heldBack.isEmpty {
                self.writeHeldBack(connection)
            }
        }
        transport.writeAndFlush(buffer, promise: promise)
    }

    /// Hands a hub message to a subscriber: `bytes` is written at once when nothing is in
    /// flight, held back otherwise — replacing a held-back message with the same coalescing
    /// key — and the subscriber is disconnected when its backlog passes its limit.
    ///
    /// For a subscriber without compression, `bytes` is ready for the wire: the message's
    /// payload, or its one HTTP/1 chunk, shared by every such subscriber of the loop. For a
    /// compressed subscriber it is the payload, compressed for this stream when written (held
    /// back uncompressed, so coalescing still works and held-back messages compress together).
    func deliver(_ bytes: ByteBuffer, coalescingKey: String?, to connection: DatastarConnection) {
        guard connection.state == .active, let limit = connection.stream?.subscription?.backlogLimit else { return }
        if connection.writesInFlight == 0, connection.heldBack.isEmpty {
            // Writes complete as soon as the kernel takes the bytes, and a socket's buffer
            // grows to megabytes: ask the socket what it still holds, every quarter limit.
            connection.writtenSinceSocketCheck += bytes.readableBytes
            if connection.writtenSinceSocketCheck >= max(1, limit / 4), let transport = connection.transport {
                connection.writtenSinceSocketCheck = 0
                connection.socketBacklog = transport.socketBacklog() ?? 0
                guard withinBacklogLimit(connection, limit: limit, adding: bytes.readableBytes) else { return }
            }
            writeDelivered(bytes, events: 1, to: connection)
            return
        }
        if let coalescingKey,
            let index = connection.heldBack.firstIndex(where: { $0.coalescingKey == coalescingKey })
        {
            connection.heldBackBytes -= connection.heldBack.remove(at: index).bytes.readableBytes
        }
        connection.heldBack.append((bytes, coalescingKey))
        connection.heldBackBytes += bytes.readableBytes
        _ = withinBacklogLimit(connection, limit: limit)
    }

    /// Whether a subscriber's backlog — what its socket held unsent when last asked, writes not
    /// completed, messages held back, and `adding` — is within `limit`; if not, logs why and
    /// closes it (``StreamCloseReason/backlogExceeded``, counted in `datastar_streams_closed`).
    private func withinBacklogLimit(_ connection: DatastarConnection, limit: Int, adding: Int = 0) -> Bool {
        let backlog = connection.socketBacklog + connection.bytesInFlight + connection.heldBackBytes + adding
        guard backlog > limit else { return true }
        (connection.logger ?? owner.logger).notice(
            "Datastar subscriber read too slowly; closing it",
            metadata: [
                "datastar.connection": "\(connection.id)",
                "datastar.backlog": "\(backlog)",
                "datastar.backlog_limit": "\(limit)",
                "datastar.socket_unsent": "\(connection.socketBacklog)",
                "datastar.writes_pending": "\(connection.bytesInFlight)",
                "datastar.held_back": "\(connection.heldBackBytes)",
            ]
        )
        close(connection, .backlogExceeded)
        return false
    }

    /// Writes what the hub held back for a connection, as one buffer.
    private func writeHeldBack(_ connection: DatastarConnection) {
        var combined = ByteBufferAllocator().buffer(capacity: connection.heldBackBytes)
        for held in connection.heldBack {
            combined.writeImmutableBuffer(held.bytes)
        }
        let events = connection.heldBack.count
        connection.heldBack = []
        connection.heldBackBytes = 0
        writeDelivered(combined, events: events, to: connection)
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
        if let stream = connection.stream {
            timers[stream.tickInterval.nanoseconds]?.remove(connection)
        }
        if connection.subscribed, let subscription = connection.stream?.subscription {
            subscription.hub.unsubscribe(connection, from: subscription.topics)
            connection.subscribed = false
        }
        connection.heldBack = []
        connection.heldBackBytes = 0
        (connection.logger ?? owner.logger).debug(
            "Datastar stream closed",
            metadata: ["datastar.connection": "\(connection.id)", "datastar.reason": "\(reason)"]
        )
        if wasAdded {
            owner.metrics.open.decrement()
            owner.metrics.closed(reason)
        }
        if Self.endsAsNetworkError(reason, onShutdown: connection.stream?.onShutdown ?? .reconnect) {
            connection.compressor = nil
            connection.transport?.abort()
        } else {
            endCompression(of: connection, reason)
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

    /// Ends a compressed stream properly (gzip's trailer, brotli's and zstd's last block) when
    /// the client may still read it, and frees the compressor's memory.
    private func endCompression(of connection: DatastarConnection, _ reason: StreamCloseReason) {
        guard let compressor = connection.compressor else { return }
        connection.compressor = nil
        switch reason {
        case .clientGone, .writeFailed: return
        default: break
        }
        guard let transport = connection.transport, let end = try? compressor.finish() else { return }
        transport.writeAndFlush(framed(end, for: connection), promise: nil)
    }

    func shutdown() {
        for connection in Array(connections.values) {
            close(connection, .serverShutdown)
        }
    }
}
