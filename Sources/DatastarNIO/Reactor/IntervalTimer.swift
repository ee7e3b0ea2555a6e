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
///
/// A firing visits its slot in runs of the reactor's ``LoopTaskBudget``: when the budget is
/// spent it yields the loop to I/O and goes on where it stopped, and the next slot starts only
/// once this one is done. Every connection of the slot is visited once per round (a
/// connection added meanwhile waits for the next round; one closed meanwhile is not visited),
/// so under overload every stream's rate drops by the same amount.
final class IntervalTimer {
    let interval: TimeAmount
    let slotCount: Int
    unowned let reactor: LoopReactor
    var slots: [[DatastarConnection]]
    var nextSlot = 0
    var task: Scheduled<Void>?
    var step = TimeAmount.milliseconds(1)
    var count = 0
    /// The round in progress: its slot, the next index to visit (going down), and the deadline
    /// of the firing that began it; `nil` between rounds.
    private var round: (slot: Int, next: Int, deadline: NIODeadline)?
    /// Numbers the rounds, so that a connection is visited at most once in each.
    private var roundNumber: UInt64 = 0
    /// Rounds that needed more than one task (for tests and diagnostics).
    private(set) var yields = 0

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
        // Not visited in a round already under way: it has just written its first output.
        connection.visitedRound = roundNumber
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
    /// make up every missed step, and lets the loop poll its sockets first.
    private func schedule(at deadline: NIODeadline) {
        let timer = NIOLoopBound(self, eventLoop: reactor.eventLoop)
        task = reactor.eventLoop.scheduleTask(deadline: deadline) {
            timer.value.fire(deadline: deadline)
        }
    }

    /// Goes on with the round in progress at `deadline`, the end of the loop's pause.
    private func scheduleContinuation(at deadline: NIODeadline) {
        let timer = NIOLoopBound(self, eventLoop: reactor.eventLoop)
        task = reactor.eventLoop.scheduleTask(deadline: deadline) {
            timer.value.continueRound()
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
            round = nil
            // An emptied timer keeps no capacity for the connections it had.
            slots = Array(repeating: [], count: slotCount)
        } else {
            // Indices stay as they are: the elements keep their order.
            slots[slot].releaseSparseCapacity()
        }
    }

    /// A firing: begins the round of the next slot.
    func fire(deadline: NIODeadline) {
        task = nil
        // The loop's engine work is paused (a run spent its budget): fire after the pause.
        if let resume = reactor.loopYield.pending() {
            schedule(at: resume)
            return
        }
        let slot = nextSlot
        nextSlot = (nextSlot + 1) % slotCount
        roundNumber &+= 1
        round = (slot, slots[slot].count - 1, deadline)
        continueRound()
    }

    /// Visits the round's connections until the budget is spent, then either yields or, when
    /// the round is done, schedules the next firing.
    func continueRound() {
        task = nil
        guard var current = round else { return }
        if let resume = reactor.loopYield.pending() {
            scheduleContinuation(at: resume)
            return
        }
        let now = reactor.eventLoop.now
        var allowance = LoopTaskAllowance(reactor.owner.taskBudget)
        // Backwards, so that a connection closed during its visit (swapped out with the last
        // one, already visited) neither skips nor repeats another; the round number keeps a
        // connection moved by a close between two runs from being visited twice.
        var index = min(current.next, slots[current.slot].count - 1)
        var yielding = false
        var spent = false
        while index >= 0 {
            if index < slots[current.slot].count {
                let connection = slots[current.slot][index]
                if connection.visitedRound != roundNumber {
                    connection.visitedRound = roundNumber
                    reactor.visit(connection, now: now)
                    if !allowance.spend() {
                        spent = true
                        yielding = index > 0
                        index -= 1
                        break
                    }
                }
            }
            index -= 1
        }
        reactor.reportMetrics()
        // A spent budget pauses every run of the engine on this loop, so that the loop polls
        // its sockets before the next one.
        let resume = spent ? reactor.loopYield.pause() : nil
        // The last connection closed (remove() stopped the timer), or one added since then
        // started it again.
        guard count > 0, task == nil else { return }
        if yielding {
            current.next = index
            round = current
            yields += 1
            scheduleContinuation(at: resume ?? reactor.eventLoop.now)
            return
        }
        round = nil
        var next = current.deadline + step
        let later = reactor.eventLoop.now
        if next + step < later { next = later + LoopTaskBudget.yieldDelay }
        schedule(at: max(next, resume ?? next))
    }
}
