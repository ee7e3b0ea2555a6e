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

package import DatastarNIO
internal import NIOCore

/// The messages a ``PostgresBackplane`` has still to send, oldest first, bounded by count and
/// by bytes.
///
/// A plain value, without I/O or locks: the backplane keeps one inside its lock, and the sender
/// reads it in this order:
///
/// 1. ``prefix(_:)`` gives the messages at the head, which the sender turns into a statement;
///    they stay queued while the statement runs.
/// 2. When the database has run it, ``removeSent(_:)`` removes them. When the database refused
///    one message, ``removeRefused()`` removes it and counts it as dropped.
/// 3. When the connection failed instead, nothing is removed: the same messages are at the head
///    again for the next connection, so they are sent after it reconnects.
package struct SendQueue: Sendable {
    /// How many messages may wait; ``enqueue(_:)`` refuses more.
    package let maxMessages: Int
    /// How many bytes (as ``size(of:)`` counts them) may wait; ``enqueue(_:)`` refuses more.
    package let maxBytes: Int
    /// The bytes of the waiting messages, as ``size(of:)`` counts them.
    package private(set) var bytes = 0
    /// How many messages were dropped: refused by ``enqueue(_:)`` because the queue was full, or
    /// removed by ``removeRefused()``.
    package private(set) var droppedCount = 0
    private var messages = CircularBuffer<HubMessage>()

    /// An empty queue with these bounds.
    package init(maxMessages: Int, maxBytes: Int) {
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
    }

    /// How many messages wait.
    package var count: Int { self.messages.count }

    /// Whether no message waits.
    package var isEmpty: Bool { self.messages.isEmpty }

    /// Appends `message` when it fits within both bounds, and returns `true`; otherwise leaves
    /// the queue as it is, counts the message as dropped and returns `false`.
    package mutating func enqueue(_ message: HubMessage) -> Bool {
        let size = Self.size(of: message)
        guard self.messages.count < self.maxMessages, self.bytes + size <= self.maxBytes else {
            self.droppedCount += 1
            return false
        }
        self.messages.append(message)
        self.bytes += size
        return true
    }

    /// The first `maxLength` messages (all of them when fewer wait), oldest first, left in the
    /// queue.
    package func prefix(_ maxLength: Int) -> [HubMessage] {
        Array(self.messages.prefix(maxLength))
    }

    /// Removes the first `count` messages (all of them when fewer wait), which have been sent,
    /// and returns the first of them.
    @discardableResult
    package mutating func removeSent(_ count: Int) -> HubMessage? {
        var first: HubMessage?
        for _ in 0..<min(count, self.messages.count) {
            let message = self.messages.removeFirst()
            if first == nil { first = message }
            self.bytes -= Self.size(of: message)
        }
        return first
    }

    /// Removes the first message, which the database refused, counts it as dropped and returns
    /// it. Counts a drop even when the queue is empty.
    package mutating func removeRefused() -> HubMessage? {
        self.droppedCount += 1
        return self.removeSent(1)
    }

    /// The first five messages as `topic#eventID`, and how many more there are: for logs.
    package var summary: String {
        let shown = self.messages.prefix(5).map { "\($0.topic)#\($0.eventID ?? "-")" }
        let more = self.messages.count > shown.count ? ", and \(self.messages.count - shown.count) more" : ""
        return shown.joined(separator: ", ") + more
    }

    /// What a queued message counts against ``maxBytes``: its payload, its strings and 64 bytes
    /// of overhead.
    package static func size(of message: HubMessage) -> Int {
        message.payload.readableBytes + message.topic.utf8.count + message.origin.utf8.count
            + (message.eventID?.utf8.count ?? 0) + (message.coalescingKey?.utf8.count ?? 0) + 64
    }
}
