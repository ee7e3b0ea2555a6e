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

import DatastarPostgres
import NIOConcurrencyHelpers
import Testing

@Suite("StatusWaiters: the status and who waits for it", .timeLimit(.minutes(1)))
struct StatusWaitersTests {
    typealias Status = PostgresBackplane.Status

    @Test("ids are distinct and increasing")
    func ids() {
        var waiters = StatusWaiters<String>()
        let ids = (0..<5).map { _ in waiters.makeID() }
        #expect(ids == [1, 2, 3, 4, 5])
    }

    @Test("a condition that holds already is not registered")
    func holdsAlready() {
        var waiters = StatusWaiters<String>(status: Status(isListening: true))
        let id = waiters.makeID()
        let holds = waiters.wait(id: id, until: { $0.isListening }, waiter: "w")
        #expect(holds)
        #expect(waiters.count == 0)
        let ready = waiters.updateStatus { $0.listenCount += 1 }
        #expect(ready.isEmpty)
    }

    @Test("an update hands back the waiters whose condition now holds, in the order of their ids, and keeps the others")
    func handsBackReady() {
        var waiters = StatusWaiters<String>()
        let listening = waiters.makeID()
        let sender = waiters.makeID()
        let relistened = waiters.makeID()
        // Registered out of id order.
        let held = [
            waiters.wait(id: relistened, until: { $0.isListening && $0.listenCount >= 2 }, waiter: "relistened"),
            waiters.wait(id: sender, until: { $0.isSenderConnected }, waiter: "sender"),
            waiters.wait(id: listening, until: { $0.isListening }, waiter: "listening"),
        ]
        #expect(held == [false, false, false])
        #expect(waiters.count == 3)

        let first = waiters.updateStatus { $0.listenCount = 5 }
        #expect(first == [], "no condition holds yet")
        #expect(waiters.status.listenCount == 5)
        let second = waiters.updateStatus { $0.isListening = true }
        #expect(second == ["listening", "relistened"], "in id order, not registration order")
        #expect(waiters.count == 1)
        let third = waiters.updateStatus { $0.isSenderConnected = true }
        #expect(third == ["sender"])
        #expect(waiters.count == 0)
        #expect(waiters.status == Status(isListening: true, isSenderConnected: true, listenCount: 5))
    }

    @Test("each waiter is handed back exactly once: by the first update that satisfies it, or by cancel")
    func exactlyOnce() {
        var waiters = StatusWaiters<String>()
        let resumed = waiters.makeID()
        let cancelled = waiters.makeID()
        _ = waiters.wait(id: resumed, until: { $0.isListening }, waiter: "resumed")
        _ = waiters.wait(id: cancelled, until: { $0.isListening }, waiter: "cancelled")

        let cancels = [waiters.cancel(id: cancelled), waiters.cancel(id: cancelled)]
        #expect(cancels == ["cancelled", nil], "a second cancel finds nothing")

        var handedBack: [String] = []
        for _ in 0..<3 {
            handedBack += waiters.updateStatus {
                $0.isListening = true
                $0.listenCount += 1
            }
        }
        #expect(handedBack == ["resumed"], "the cancelled waiter is not resumed; the other only once")
        let late = waiters.cancel(id: resumed)
        #expect(late == nil, "cancel after resume finds nothing")
        #expect(waiters.count == 0)
    }

    @Test("cancel of an id not registered (yet) finds nothing and keeps the others")
    func cancelUnknown() {
        var waiters = StatusWaiters<String>()
        let registered = waiters.makeID()
        let notYet = waiters.makeID()
        _ = waiters.wait(id: registered, until: { $0.isSenderConnected }, waiter: "registered")
        let none = waiters.cancel(id: notYet)
        #expect(none == nil)
        #expect(waiters.count == 1)
        let ready = waiters.updateStatus { $0.isSenderConnected = true }
        #expect(ready == ["registered"])
    }

    @Test("a condition sees the status after the whole change")
    func wholeChange() {
        var waiters = StatusWaiters<String>()
        let id = waiters.makeID()
        _ = waiters.wait(id: id, until: { $0.isListening && $0.listenCount == 1 }, waiter: "w")
        let ready = waiters.updateStatus {
            $0.isListening = true
            $0.listenCount += 1
        }
        #expect(ready == ["w"])
    }

    @Test("with real continuations, every waiting task is resumed once")
    func continuations() async {
        let box = WaiterBox()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        box.register(continuation)
                    }
                }
            }
            await box.waitUntilRegistered(10)
            let resumed = [box.update(), box.update()]
            #expect(resumed == [10, 0])
            // Returns only when every task was resumed; a second resume would trap.
            await group.waitForAll()
        }
    }
}

/// A ``StatusWaiters`` of continuations behind a lock, kept the way the backplane keeps its own.
private final class WaiterBox: Sendable {
    private let state = NIOLockedValueBox(StatusWaiters<CheckedContinuation<Void, Never>>())
    private let registrations: AsyncStream<Void>
    private let registered: AsyncStream<Void>.Continuation

    init() {
        (self.registrations, self.registered) = AsyncStream.makeStream(of: Void.self)
    }

    /// Registers a continuation that waits for `isListening`.
    func register(_ continuation: CheckedContinuation<Void, Never>) {
        let holds = self.state.withLockedValue { waiters in
            let id = waiters.makeID()
            return waiters.wait(id: id, until: { $0.isListening }, waiter: continuation)
        }
        if holds { continuation.resume() }
        self.registered.yield()
    }

    /// Returns once `count` continuations were registered.
    func waitUntilRegistered(_ count: Int) async {
        var registrations = self.registrations.makeAsyncIterator()
        for _ in 0..<count { _ = await registrations.next() }
    }

    /// Sets `isListening`, resumes the continuations handed back and returns how many there were.
    func update() -> Int {
        let ready = self.state.withLockedValue { $0.updateStatus { $0.isListening = true } }
        for continuation in ready { continuation.resume() }
        return ready.count
    }
}
