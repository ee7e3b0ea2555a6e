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

/// The counters of one client event loop. Only that loop touches it: the handlers on the loop
/// hold it directly, and the main thread reaches it through `LoopSlot` with one `submit` per
/// reset or snapshot, so the hot path takes no lock.
final class LoopStats {
    /// Events carrying `"t":` received in the current window.
    var events = 0
    /// Other (non-comment) events received in the current window.
    var otherEvents = 0
    /// Body bytes received in the current window.
    var bytes = 0
    /// Lags below 0 (clock steps), recorded as 0.
    var negativeLags = 0
    /// Lags of the window's events.
    var lags = LagHistogram()

    /// Streams whose response head said 200 (not reset).
    var opened = 0
    /// Responses with another status or a malformed head (not reset).
    var rejected = 0
    /// Streams that ended after opening (not reset).
    var ended = 0
    /// Of those, the streams whose body ended normally; the others were cut (not reset).
    var endedCleanly = 0
    /// When the last stream ended (monotonic seconds; not reset).
    var lastEnd = 0.0
    /// Body framing errors (not reset).
    var protocolErrors = 0
    /// Every channel made on this loop, so that all can be closed at the end.
    var channels: [any Channel] = []

    @inline(__always)
    func record(lag: Int64) {
        events &+= 1
        if lag < 0 {
            negativeLags &+= 1
            lags.record(0)
        } else {
            lags.record(lag)
        }
    }

    func resetWindow() {
        events = 0
        otherEvents = 0
        bytes = 0
        negativeLags = 0
        lags.reset()
    }

    func snapshot() -> StatsSnapshot {
        StatsSnapshot(
            events: events,
            otherEvents: otherEvents,
            bytes: bytes,
            negativeLags: negativeLags,
            lags: lags,
            opened: opened,
            rejected: rejected,
            ended: ended,
            endedCleanly: endedCleanly,
            lastEnd: lastEnd,
            protocolErrors: protocolErrors
        )
    }
}

/// A copy of `LoopStats`' counters, summed over loops with `merge`.
struct StatsSnapshot: Sendable {
    var events = 0
    var otherEvents = 0
    var bytes = 0
    var negativeLags = 0
    var lags = LagHistogram()
    var opened = 0
    var rejected = 0
    var ended = 0
    var endedCleanly = 0
    var lastEnd = 0.0
    var protocolErrors = 0

    mutating func merge(_ other: StatsSnapshot) {
        events += other.events
        otherEvents += other.otherEvents
        bytes += other.bytes
        negativeLags += other.negativeLags
        lags.merge(other.lags)
        opened += other.opened
        rejected += other.rejected
        ended += other.ended
        endedCleanly += other.endedCleanly
        lastEnd = max(lastEnd, other.lastEnd)
        protocolErrors += other.protocolErrors
    }
}

/// One client event loop and its `LoopStats`.
struct LoopSlot: Sendable {
    let loop: any EventLoop
    let stats: NIOLoopBound<LoopStats>

    /// Makes fresh stats on every loop of `group` (on the loop that will own them).
    static func make(for group: any EventLoopGroup) throws -> [LoopSlot] {
        try group.makeIterator().map { loop in
            try loop.submit { LoopSlot(loop: loop, stats: NIOLoopBound(LoopStats(), eventLoop: loop)) }.wait()
        }
    }

    /// Runs `body` on each slot's loop with its stats and waits for all (bounded by `timeout`).
    static func onEach<T: Sendable>(
        _ slots: [LoopSlot],
        timeout: Double,
        _ body: @escaping @Sendable (LoopStats) -> T
    ) throws -> [T] {
        let futures = slots.map { slot in slot.loop.submit { body(slot.stats.value) } }
        let all = EventLoopFuture.whenAllSucceed(futures, on: slots[0].loop)
        return try Waiter.wait(for: all, timeout: timeout, what: "the client event loops")
    }

    /// The sum of every loop's counters.
    static func snapshot(_ slots: [LoopSlot], timeout: Double = 30) throws -> StatsSnapshot {
        var total = StatsSnapshot()
        for snapshot in try onEach(slots, timeout: timeout, { $0.snapshot() }) { total.merge(snapshot) }
        return total
    }
}
