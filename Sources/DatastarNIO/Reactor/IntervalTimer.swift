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

/// One repeating timer of one event loop and interval. Its connections are spread over up to
/// `maxSlots` slots; it fires `slots` times per interval and visits one slot each time. The
/// timer stops when it has no connections and starts again with the next one.
final class IntervalTimer {
    let interval: TimeAmount
    let slotCount: Int
    unowned let reactor: LoopReactor
    var slots: [[DatastarConnection]]
    var nextSlot = 0
    var task: Scheduled<Void>?
    var step = TimeAmount.milliseconds(1)
    var count = 0

    init(interval: TimeAmount, maxSlots: Int, reactor: LoopReactor) {
        self.interval = interval
        self.slotCount = max(1, min(maxSlots, Int(interval.nanoseconds / 10_000_000)))
        self.reactor = reactor
        self.slots = Array(repeating: [], count: slotCount)
    }

    var isRunning: Bool { task != nil }

    func add(_ connection: DatastarConnection) {
        var emptiest = 0
        for index in slots.indices where slots[index].count < slots[emptiest].count {
            emptiest = index
        }
        connection.slot = emptiest
        connection.indexInSlot = slots[emptiest].count
        slots[emptiest].append(connection)
        count += 1
        if task == nil {
            step = TimeAmount.nanoseconds(max(1, interval.nanoseconds / Int64(slotCount)))
            schedule(at: reactor.eventLoop.now + step)
        }
    }

    /// Schedules the next firing at a fixed rate: each deadline is the previous one plus a
    /// step, so the time a firing takes does not stretch the interval. A timer that has fallen
    /// more than one step behind (an overloaded loop) goes on from now rather than trying to
    /// make up every missed step.
    private func schedule(at deadline: NIODeadline) {
        let timer = NIOLoopBound(self, eventLoop: reactor.eventLoop)
        task = reactor.eventLoop.scheduleTask(deadline: deadline) {
            let timer = timer.value
            timer.fire()
            guard timer.task != nil else { return }
            var next = deadline + timer.step
            let now = timer.reactor.eventLoop.now
            if next + timer.step < now { next = now }
            timer.schedule(at: next)
        }
    }

    func remove(_ connection: DatastarConnection) {
        let slot = connection.slot
        let index = connection.indexInSlot
        guard slots.indices.contains(slot), slots[slot].indices.contains(index), slots[slot][index] === connection
        else { return }
        let last = slots[slot].removeLast()
        if last !== connection {
            slots[slot][index] = last
            last.indexInSlot = index
        }
        count -= 1
        if count == 0 {
            task?.cancel()
            task = nil
        }
    }

    func fire() {
        let slot = nextSlot
        nextSlot = (nextSlot + 1) % slotCount
        let now = reactor.eventLoop.now
        // Backwards, so that a connection closed during its visit (swapped out with the last
        // one, already visited) neither skips nor repeats another.
        var index = slots[slot].count - 1
        while index >= 0 {
            if index < slots[slot].count {
                reactor.visit(slots[slot][index], now: now)
            }
            index -= 1
        }
        reactor.reportMetrics()
    }
}
