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
import NIOConcurrencyHelpers
package import NIOCore

/// Where a generator's bytes go: a framework's response body writer.
///
/// The framework adapters provide sinks; an app only meets ``ServerSentEventGenerator``.
package protocol ServerSentEventSink: Sendable {
    /// Writes one chunk of the response body and returns once the transport has taken it.
    /// Throws once the client is gone.
    func write(_ buffer: ByteBuffer) async throws
}

/// Why a send on a Datastar stream failed for reasons other than the event itself.
public enum DatastarSendError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The client has gone, or an earlier write failed: nothing more can be sent.
    case closed

    /// A message that says what went wrong.
    public var description: String {
        switch self {
        case .closed: return "The Datastar stream is closed: the client has gone or a write failed."
        }
    }
}

/// Sends Datastar events on one streaming response.
///
/// A generator is handed to the closure of a Datastar response; each `send` encodes the event
/// and writes it to the client at once (it is not held until the response ends). Sends from
/// one task arrive in order. Once the client is gone, every send throws
/// ``DatastarSendError/closed``, so a loop that sends ends by itself.
///
/// ```swift
/// for count in 1...10 {
///     try await sse.send(.patchSignals(json: ["count": .number(count)]))
///     try await Task.sleep(for: .seconds(1))
/// }
/// ```
public final class ServerSentEventGenerator: Sendable {
    private let sink: any ServerSentEventSink
    private let allocator: ByteBufferAllocator
    private let state = NIOLockedValueBox(State())

    private struct State {
        var closed = false
        var eventsSent = 0
        var lastWrite = ContinuousClock.now
    }

    /// Creates a generator that writes to `sink`. Framework adapters call this; apps receive
    /// a generator from them.
    package init(sink: any ServerSentEventSink, allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.sink = sink
        self.allocator = allocator
    }

    /// Whether the stream is known to be closed: a write failed or ``close()`` was called.
    public var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// How many events have been written so far.
    public var eventsSent: Int { state.withLockedValue { $0.eventsSent } }

    /// When the stream was last written to (or opened).
    public var lastWrite: ContinuousClock.Instant { state.withLockedValue { $0.lastWrite } }

    /// Sends one event.
    ///
    /// - Throws: a ``DatastarError`` for an event that cannot be encoded safely (nothing is
    ///   written then), or ``DatastarSendError/closed`` once the client is gone.
    public func send(_ event: DatastarEvent) async throws {
        try await write(event.encoded(allocator: allocator), events: 1)
    }

    /// Sends several events in one write, in order.
    public func send(_ events: [DatastarEvent]) async throws {
        var buffer = allocator.buffer(capacity: 128 * events.count)
        for event in events {
            try event.encode(into: &buffer)
        }
        try await write(buffer, events: events.count)
    }

    /// Sends an SSE comment (`: text`), which the browser ignores; a keep-alive for proxies.
    public func sendComment(_ text: String = "") async throws {
        var buffer = allocator.buffer(capacity: 8 + text.utf8.count)
        ServerSentEventComment.encode(text, into: &buffer)
        try await write(buffer, events: 0)
    }

    /// Marks the stream closed: later sends throw ``DatastarSendError/closed``.
    public func close() {
        state.withLockedValue { $0.closed = true }
    }

    private func write(_ buffer: ByteBuffer, events: Int) async throws {
        guard !isClosed else { throw DatastarSendError.closed }
        state.withLockedValue { $0.lastWrite = .now }
        do {
            try await sink.write(buffer)
        } catch {
            close()
            throw DatastarSendError.closed
        }
        state.withLockedValue { $0.eventsSent += events }
    }
}
