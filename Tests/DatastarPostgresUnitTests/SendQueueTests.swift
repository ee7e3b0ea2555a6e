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

import DatastarNIO
import DatastarPostgres
import Testing

@Suite("SendQueue: the sender's ordered, bounded queue", .timeLimit(.minutes(1)))
struct SendQueueTests {
    static func messages(_ count: Int, payload: String = "data") -> [HubMessage] {
        (0..<count).map { message("t", payload, eventID: "\($0)", origin: "o") }
    }

    @Test("a message counts its payload, its strings and 64 bytes")
    func size() {
        let full = message("ab", "xyz", eventID: "1", coalescingKey: "kk", origin: "ooo")
        #expect(SendQueue.size(of: full) == 3 + 2 + 3 + 1 + 2 + 64)
        #expect(SendQueue.size(of: message("", "", origin: "")) == 64)
    }

    @Test("messages keep their order; prefix leaves them queued")
    func order() {
        var queue = SendQueue(maxMessages: 10, maxBytes: 1 << 20)
        let sent = Self.messages(5)
        let accepted = sent.map { queue.enqueue($0) }
        #expect(accepted == Array(repeating: true, count: 5))
        #expect(queue.count == 5)
        #expect(queue.prefix(3) == Array(sent.prefix(3)))
        #expect(queue.prefix(3) == Array(sent.prefix(3)), "prefix removes nothing")
        #expect(queue.prefix(100) == sent)
        #expect(queue.prefix(0).isEmpty)
        #expect(queue.bytes == sent.map(SendQueue.size(of:)).reduce(0, +))
        #expect(queue.droppedCount == 0)
    }

    @Test("the count bound refuses new messages, counts them dropped and keeps the old ones")
    func boundedByCount() {
        var queue = SendQueue(maxMessages: 3, maxBytes: 1 << 20)
        let sent = Self.messages(5)
        let accepted = sent.map { queue.enqueue($0) }
        #expect(accepted == [true, true, true, false, false])
        #expect(queue.count == 3)
        #expect(queue.droppedCount == 2)
        #expect(queue.prefix(10) == Array(sent.prefix(3)))

        queue.removeSent(1)
        let roomForOne = queue.enqueue(sent[4])
        #expect(roomForOne, "sending one makes room for one")
        #expect(queue.prefix(10) == [sent[1], sent[2], sent[4]])
        let overfull = queue.enqueue(sent[3])
        #expect(!overfull)
        #expect(queue.droppedCount == 3)
    }

    @Test("the byte bound is inclusive, and a small message fits where a large one did not")
    func boundedByBytes() {
        let large = message("t", String(repeating: "x", count: 1_000), eventID: "large", origin: "o")
        let small = message("t", "x", eventID: "small", origin: "o")
        let largeSize = SendQueue.size(of: large)
        var queue = SendQueue(maxMessages: 100, maxBytes: 2 * largeSize + SendQueue.size(of: small))
        let accepted = [large, large, large].map { queue.enqueue($0) }
        #expect(accepted == [true, true, false])
        #expect(queue.droppedCount == 1)
        let atTheBound = queue.enqueue(small)
        #expect(atTheBound, "a message that reaches the bound exactly fits")
        #expect(queue.bytes == queue.maxBytes)
        let beyond = queue.enqueue(small)
        #expect(!beyond)
        #expect(queue.droppedCount == 2)
        #expect(queue.prefix(10).map(\.eventID) == ["large", "large", "small"])
    }

    @Test("zero bounds refuse everything")
    func zeroBounds() {
        var byCount = SendQueue(maxMessages: 0, maxBytes: 1 << 20)
        var byBytes = SendQueue(maxMessages: 10, maxBytes: 0)
        let accepted = [
            byCount.enqueue(message("t", "x", origin: "o")), byBytes.enqueue(message("t", "x", origin: "o")),
        ]
        #expect(accepted == [false, false])
        #expect(byCount.isEmpty && byBytes.isEmpty)
        #expect(byCount.droppedCount == 1 && byBytes.droppedCount == 1)
    }

    @Test("after a failed send nothing is removed: the same messages go again, in order, before newer ones")
    func resendAfterFailure() {
        var queue = SendQueue(maxMessages: 10, maxBytes: 1 << 20)
        let sent = Self.messages(4)
        for message in sent.prefix(3) { _ = queue.enqueue(message) }

        let attempt = queue.prefix(2)
        #expect(attempt == [sent[0], sent[1]])
        // The connection fails: the sender removes nothing, and a new message arrives meanwhile.
        _ = queue.enqueue(sent[3])
        let retry = queue.prefix(2)
        #expect(retry == attempt, "the retry sends the same messages")

        let first = queue.removeSent(retry.count)
        #expect(first == sent[0], "removeSent returns the first it removes")
        #expect(queue.prefix(10) == [sent[2], sent[3]])
        #expect(queue.bytes == SendQueue.size(of: sent[2]) + SendQueue.size(of: sent[3]))
        #expect(queue.droppedCount == 0, "nothing was dropped")
    }

    @Test("removeSent stops at the end of the queue; bytes return to zero")
    func removeSentBeyondEnd() {
        var queue = SendQueue(maxMessages: 10, maxBytes: 1 << 20)
        let sent = Self.messages(2)
        for message in sent { _ = queue.enqueue(message) }
        let first = queue.removeSent(5)
        #expect(first == sent[0])
        #expect(queue.isEmpty)
        #expect(queue.bytes == 0)
        let none = queue.removeSent(1)
        #expect(none == nil)
        #expect(queue.droppedCount == 0)
    }

    @Test("a message the database refused is removed and counted dropped; the next one is at the head")
    func refused() {
        var queue = SendQueue(maxMessages: 10, maxBytes: 1 << 20)
        let sent = Self.messages(2)
        for message in sent { _ = queue.enqueue(message) }
        let refused = queue.removeRefused()
        #expect(refused == sent[0])
        #expect(queue.droppedCount == 1)
        #expect(queue.prefix(10) == [sent[1]])
        #expect(queue.bytes == SendQueue.size(of: sent[1]))
        let last = queue.removeRefused()
        #expect(last == sent[1])
        #expect(queue.isEmpty && queue.bytes == 0)
        #expect(queue.droppedCount == 2)
    }

    @Test("the summary names the first five messages and counts the rest")
    func summary() {
        var queue = SendQueue(maxMessages: 10, maxBytes: 1 << 20)
        #expect(queue.summary == "")
        _ = queue.enqueue(message("a", "x", origin: "o"))
        #expect(queue.summary == "a#-")
        for message in Self.messages(6) { _ = queue.enqueue(message) }
        #expect(queue.summary == "a#-, t#0, t#1, t#2, t#3, and 2 more")
    }
}
