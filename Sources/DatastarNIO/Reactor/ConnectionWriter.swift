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

/// Writes one connection's body, on its event loop: the one path every byte of a reactor
/// stream or hub subscription takes to the transport.
///
/// It owns what writing needs: the transport and the sink it made (``BodySink``: where the
/// bytes go and how they are framed), the stream's compressor, the writes in flight (a failed
/// one closes the connection; while any is in flight the client counts as not reading), and
/// the hub messages held back meanwhile. The loop reactor owns the writers of its connections;
/// a hub hands a writer its message (``deliver(_:coalescingKey:limit:)``) and never sees
/// compression or framing.
final class ConnectionWriter {
    let transport: any ReactorTransport
    private let sink: BodySink
    /// The stream's compressor, for a coding other than identity: everything written goes
    /// through it, flushed per write.
    private(set) var compressor: DatastarCompressor?
    // Unowned: the connection owns its writer, and the loop reactor outlives both; once
    // ended, the writer no longer touches them.
    private unowned let connection: DatastarConnection
    private unowned let reactor: LoopReactor
    /// Writes handed to the sink whose completion has not come yet, and their bytes.
    private(set) var writesInFlight = 0
    private(set) var bytesInFlight = 0
    /// When the connection was last written to (or added).
    private(set) var lastWrite: NIODeadline
    /// Since when the visits of the connection have found writes in flight.
    var stalledSince: NIODeadline?
    /// Hub messages held back while earlier writes are in flight: payloads, uncompressed and
    /// unframed (so that coalescing works and held-back messages are encoded together), with
    /// their coalescing keys.
    private var heldBack: [(payload: ByteBuffer, coalescingKey: String?)] = []
    private var heldBackBytes = 0
    /// What the socket held unsent when last asked (``ReactorTransport/socketBacklog()``), and
    /// the hub bytes written since.
    private var socketBacklog = 0
    private var writtenSinceSocketCheck = 0
    /// Whether ``end(asNetworkError:reason:)`` has run: the connection is closed, and may be
    /// deallocated before the last writes complete.
    private var ended = false

    /// Makes the writer of `connection`, on its event loop: asks the transport for its sink.
    /// - Throws: when the compressor for `contentCoding` cannot start.
    init(
        connection: DatastarConnection,
        transport: any ReactorTransport,
        reactor: LoopReactor,
        compression: DatastarCompression,
        contentCoding: ContentCoding?
    ) throws {
        self.connection = connection
        self.transport = transport
        self.reactor = reactor
        self.lastWrite = reactor.eventLoop.now
        self.sink = transport.makeBodySink()
        self.compressor = try contentCoding.flatMap { try compression.makeCompressor(for: $0) }
    }

    /// Writes what a hook sent (`events` events): compressed when the stream is, framed as
    /// the sink needs, flushed. A compressor that fails closes the connection.
    func write(_ payload: ByteBuffer, events: Int) {
        var bytes = payload
        if let compressor {
            do {
                bytes = try compressor.compress(payload)
            } catch {
                reactor.close(connection, .writeFailed("\(error)"))
                return
            }
        }
        send(sink.framing.frame(bytes), events: events)
    }

    /// Hands the sink bytes ready for the wire, and follows the write: a failed write closes
    /// the connection; once every write has completed, what was held back is written.
    private func send(_ bytes: ByteBuffer, events: Int) {
        // Never an empty body part: on HTTP/2 it would be an empty DATA frame (see
        // ``ReactorTransport/makeBodySink()``).
        guard connection.state != .closed, bytes.readableBytes > 0 else { return }
        let size = bytes.readableBytes
        connection.eventsSent += events
        lastWrite = reactor.eventLoop.now
        writesInFlight += 1
        bytesInFlight += size
        reactor.unreportedEvents += events
        reactor.unreportedBytes += size
        let promise = reactor.eventLoop.makePromise(of: Void.self)
        // Held strongly until the write completes (NIO completes every write's promise, at
        // the latest when the channel closes): a weak reference would give the writer a side
        // table, and every retain of it would take the slow path.
        promise.futureResult.assumeIsolated().whenComplete { result in
            self.completed(size: size, result)
        }
        sink.write(bytes, promise)
    }

    private func completed(size: Int, _ result: Result<Void, any Error>) {
        writesInFlight -= 1
        bytesInFlight -= size
        // Once ended, the connection may be gone: nothing is left to do for it.
        guard !ended else { return }
        if case .failure(let error) = result {
            reactor.close(connection, .writeFailed("\(error)"))
        } else if writesInFlight == 0, !heldBack.isEmpty {
            writeHeldBack()
        }
    }

    /// Hands a hub message to the subscriber: written at once when nothing is in flight (the
    /// loop's one framed buffer, or compressed for this stream), held back otherwise —
    /// replacing a held-back message with the same coalescing key — and the subscriber is
    /// disconnected when its backlog passes `limit`.
    func deliver(_ message: inout FramedMessage, coalescingKey: String?, limit: Int) {
        let size = message.payload.readableBytes
        if writesInFlight == 0, heldBack.isEmpty {
            // Writes complete as soon as the kernel takes the bytes, and a socket's buffer
            // grows to megabytes: ask the socket what it still holds, every quarter limit.
            writtenSinceSocketCheck += size
            if writtenSinceSocketCheck >= max(1, limit / 4) {
                writtenSinceSocketCheck = 0
                socketBacklog = transport.socketBacklog() ?? 0
                guard withinBacklogLimit(limit, adding: size) else { return }
            }
            if compressor != nil {
                write(message.payload, events: 1)
            } else {
                send(message.bytes(for: sink.framing), events: 1)
            }
            return
        }
        if let coalescingKey, let index = heldBack.firstIndex(where: { $0.coalescingKey == coalescingKey }) {
            heldBackBytes -= heldBack.remove(at: index).payload.readableBytes
        }
        heldBack.append((message.payload, coalescingKey))
        heldBackBytes += size
        _ = withinBacklogLimit(limit)
    }

    /// Whether the subscriber's backlog — what its socket held unsent when last asked, writes
    /// not completed, messages held back, and `adding` — is within `limit`; if not, logs why
    /// and closes it (``StreamCloseReason/backlogExceeded``, counted in
    /// `datastar_streams_closed`).
    private func withinBacklogLimit(_ limit: Int, adding: Int = 0) -> Bool {
        let backlog = socketBacklog + bytesInFlight + heldBackBytes + adding
        guard backlog > limit else { return true }
        (connection.logger ?? reactor.owner.logger).notice(
            "Datastar subscriber read too slowly; closing it",
            metadata: [
                "datastar.connection": "\(connection.id)",
                "datastar.backlog": "\(backlog)",
                "datastar.backlog_limit": "\(limit)",
                "datastar.socket_unsent": "\(socketBacklog)",
                "datastar.writes_pending": "\(bytesInFlight)",
                "datastar.held_back": "\(heldBackBytes)",
            ]
        )
        reactor.close(connection, .backlogExceeded)
        return false
    }

    /// Writes what was held back, as one write.
    private func writeHeldBack() {
        let events = heldBack.count
        var combined: ByteBuffer
        if events == 1 {
            combined = heldBack[0].payload
        } else {
            combined = ByteBufferAllocator().buffer(capacity: heldBackBytes)
            for held in heldBack { combined.writeImmutableBuffer(held.payload) }
        }
        heldBack = []
        heldBackBytes = 0
        write(combined, events: events)
    }

    /// Ends the response: as a network error (``ReactorTransport/abort()``), or normally —
    /// after ending a compressed stream properly (gzip's trailer, brotli's and zstd's last
    /// block) when the client may still read it. Frees the compressor and what was held back.
    func end(asNetworkError: Bool, reason: StreamCloseReason) {
        ended = true
        heldBack = []
        heldBackBytes = 0
        let compressor = self.compressor
        self.compressor = nil
        if asNetworkError {
            transport.abort()
            return
        }
        switch reason {
        case .clientGone, .writeFailed:
            break
        default:
            if let end = try? compressor?.finish() {
                sink.write(sink.framing.frame(end), nil)
            }
        }
        transport.finish()
    }
}
