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

import NIOCore

/// The hub's subscribers on one event loop, by topic. Touched only on that loop.
///
/// Messages are written in runs of the hub's ``LoopTaskBudget``: when a run has spent it, the
/// loop polls its sockets (accepts, reads, short requests) before the next run goes on where
/// this one stopped. Messages keep their order, and each subscriber gets each message once.
final class LoopHub {
    let eventLoop: any EventLoop
    let budget: LoopTaskBudget
    /// The loop's one pause, shared with the reactors on it.
    let loopYield: LoopYield
    private var subscribers: [String: [DatastarConnection]] = [:]
    /// Messages waiting to be written, oldest first, from `queueStart` on.
    private var queue: [HubDelivery] = []
    private var queueStart = 0
    /// The message being written: the topic's subscribers when it began (later subscribers
    /// joined after it was published) and the next index to write to, going down.
    private var current: (delivery: HubDelivery, list: [DatastarConnection], next: Int, message: FramedMessage)?
    /// Whether a run is scheduled to go on after the loop has polled its sockets.
    private var continuation: Scheduled<Void>?
    /// Runs that stopped to yield (for tests and diagnostics).
    private(set) var yields = 0

    init(eventLoop: any EventLoop, budget: LoopTaskBudget = .default) {
        self.eventLoop = eventLoop
        self.budget = budget
        self.loopYield = LoopYield.of(eventLoop)
    }

    func add(_ connection: DatastarConnection, to topics: [String]) {
        eventLoop.assertInEventLoop()
        for topic in Set(topics) {
            connection.hubPositions[topic] = subscribers[topic, default: []].count
            subscribers[topic, default: []].append(connection)
        }
    }

    func remove(_ connection: DatastarConnection) {
        eventLoop.assertInEventLoop()
        for (topic, index) in connection.hubPositions {
            guard var list = subscribers[topic], list.indices.contains(index), list[index] === connection else {
                continue
            }
            subscribers[topic] = nil  // so that `list` is the only reference, and changes in place
            let last = list.removeLast()
            if last !== connection {
                list[index] = last
                last.hubPositions[topic] = index
            }
            list.releaseSparseCapacity()
            subscribers[topic] = list.isEmpty ? nil : list
        }
        connection.hubPositions = [:]
    }

    /// Writes each message to every subscriber of its topic on this loop, in order, through
    /// each subscriber's ``ConnectionWriter``: subscribers whose bodies are framed alike and
    /// not compressed get one buffer, framed once on this loop (``FramedMessage``). Goes on in
    /// later tasks when the budget runs out.
    func deliver(_ batch: [HubDelivery]) {
        eventLoop.assertInEventLoop()
        if queueStart == queue.count {
            queue = batch
            queueStart = 0
        } else {
            queue.append(contentsOf: batch)
        }
        guard continuation == nil else { return }  // a run is due; it takes these too
        run()
    }

    /// Runs again at `deadline`.
    private func schedule(at deadline: NIODeadline) {
        let hub = NIOLoopBound(self, eventLoop: eventLoop)
        continuation = eventLoop.scheduleTask(deadline: deadline) { hub.value.run() }
    }

    /// One run: writes until the budget is spent or nothing is left.
    private func run() {
        continuation = nil
        // The loop's engine work is paused (a run spent its budget): go on after the pause.
        if let resume = loopYield.pending() {
            schedule(at: resume)
            return
        }
        var allowance = LoopTaskAllowance(budget)
        var reactors: [ObjectIdentifier: LoopReactor] = [:]
        var spent = false
        while !spent {
            if current == nil {
                guard queueStart < queue.count else { break }
                let delivery = queue[queueStart]
                queueStart += 1
                guard let list = subscribers[delivery.message.topic] else { continue }
                current = (delivery, list, list.count - 1, FramedMessage(payload: delivery.message.payload))
            }
            // Backwards over the snapshot: a subscriber closed during its write is swapped
            // out of the live list, and the snapshot still holds each of the others once.
            var work = current!
            current = nil
            let delivery = work.delivery
            while work.next >= 0 {
                let connection = work.list[work.next]
                work.next -= 1
                guard delivery.sequence > connection.hubSequence, let reactor = connection.loopReactor else {
                    continue
                }
                connection.hubSequence = delivery.sequence
                if connection.state == .active, let writer = connection.writer, let limit = connection.backlogLimit {
                    writer.deliver(&work.message, coalescingKey: delivery.message.coalescingKey, limit: limit)
                }
                reactors[ObjectIdentifier(reactor)] = reactor
                if !allowance.spend() {
                    spent = true
                    break
                }
            }
            if work.next >= 0 { current = work }
        }
        for reactor in reactors.values { reactor.reportMetrics() }
        // A spent budget pauses every run of the engine on this loop, so that the loop polls
        // its sockets before the next one.
        let resume = spent ? loopYield.pause() : nil
        if current != nil || queueStart < queue.count {
            yields += 1
            schedule(at: resume ?? eventLoop.now)
        } else {
            // Nothing left: keep no capacity for a burst that has passed.
            queue = []
            queueStart = 0
        }
    }
}
