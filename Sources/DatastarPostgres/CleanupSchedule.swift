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

/// When the sender deletes expired payload rows: once after it starts, then every
/// ``PostgresBackplane/Options/cleanupInterval`` for as long as rows it inserted may not have
/// expired.
///
/// A plain value, without I/O: the sender keeps one and asks it before every statement.
package struct CleanupSchedule: Sendable {
    /// When the sender last deleted expired rows; `nil` before the first time.
    package var lastRun: ContinuousClock.Instant?
    /// Until when rows the sender inserted may not have expired (plus a margin); `nil` when no
    /// such row may be left.
    package var pendingUntil: ContinuousClock.Instant?

    /// A schedule that is due at once.
    package init() {}

    /// Whether the sender should delete expired rows now: the first time, then while inserted
    /// rows may be left, every `interval`.
    package func isDue(at now: ContinuousClock.Instant, interval: Duration) -> Bool {
        guard let lastRun else { return true }
        guard let pendingUntil, lastRun < pendingUntil else { return false }
        return now - lastRun >= interval
    }

    /// Notes that the sender deleted expired rows at `now`.
    package mutating func ran(at now: ContinuousClock.Instant) {
        self.lastRun = now
        if let pendingUntil, pendingUntil <= now { self.pendingUntil = nil }
    }

    /// Notes that the sender inserted a row at `now`, which expires after `retention`.
    package mutating func inserted(at now: ContinuousClock.Instant, retention: Duration) {
        self.pendingUntil = now + retention + .milliseconds(100)
    }
}
