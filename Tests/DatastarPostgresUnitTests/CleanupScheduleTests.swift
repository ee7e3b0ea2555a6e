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
import Testing

@Suite("CleanupSchedule: when the sender deletes expired payload rows", .timeLimit(.minutes(1)))
struct CleanupScheduleTests {
    let start = ContinuousClock.now
    let interval = Duration.seconds(10)

    @Test("due once at start; then not again while no row was inserted")
    func onceAtStart() {
        var schedule = CleanupSchedule()
        #expect(schedule.isDue(at: start, interval: interval))
        schedule.ran(at: start)
        #expect(!schedule.isDue(at: start + .seconds(3600), interval: interval))
    }

    @Test("after an insert, due every interval until the row has expired, then no more")
    func afterInsert() {
        var schedule = CleanupSchedule()
        schedule.ran(at: start)
        schedule.inserted(at: start + .seconds(1), retention: .seconds(60))
        #expect(!schedule.isDue(at: start + .seconds(5), interval: interval), "not before the interval")
        #expect(schedule.isDue(at: start + .seconds(10), interval: interval))
        schedule.ran(at: start + .seconds(10))
        #expect(!schedule.isDue(at: start + .seconds(19), interval: interval))
        #expect(schedule.isDue(at: start + .seconds(20), interval: interval))
        // The row expires at 61 s (plus a margin): a run after that is the last.
        schedule.ran(at: start + .seconds(70))
        #expect(schedule.pendingUntil == nil)
        #expect(!schedule.isDue(at: start + .seconds(3600), interval: interval))
    }

    @Test("a run before the row expired keeps the schedule going")
    func runBeforeExpiry() {
        var schedule = CleanupSchedule()
        schedule.ran(at: start)
        schedule.inserted(at: start, retention: .seconds(60))
        schedule.ran(at: start + .seconds(60))
        #expect(schedule.pendingUntil != nil, "the margin is not over at 60 s")
        #expect(schedule.isDue(at: start + .seconds(70), interval: interval))
    }
}
