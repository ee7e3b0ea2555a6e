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

/// A ``PostgresBackplane``'s status, and the waiters that wait for it to satisfy a condition.
///
/// A plain value, without I/O or locks: the backplane keeps one inside its lock, stores its
/// continuations in it as `Waiter`s, and resumes the waiters this value hands back after
/// leaving the lock. Each registered waiter is handed back once at most: by
/// ``updateStatus(_:)`` when its condition holds, or by ``cancel(id:)``, whichever comes first.
package struct StatusWaiters<Waiter> {
    fileprivate struct Entry {
        var condition: @Sendable (PostgresBackplane.Status) -> Bool
        var waiter: Waiter
    }

    /// The status now.
    package private(set) var status: PostgresBackplane.Status
    private var entries: [Int: Entry] = [:]
    private var lastID = 0

    /// A status with no waiters.
    package init(status: PostgresBackplane.Status = .init()) {
        self.status = status
    }

    /// How many waiters are registered.
    package var count: Int { self.entries.count }

    /// A new id for ``wait(id:until:waiter:)`` and ``cancel(id:)``: 1, 2, 3…
    package mutating func makeID() -> Int {
        self.lastID += 1
        return self.lastID
    }

    /// Registers `waiter` under `id` unless `condition` holds for the status now.
    ///
    /// - Returns: `true` when `condition` holds already; then nothing is registered, and the
    ///   caller resumes `waiter` itself.
    package mutating func wait(
        id: Int,
        until condition: @escaping @Sendable (PostgresBackplane.Status) -> Bool,
        waiter: Waiter
    ) -> Bool {
        if condition(self.status) { return true }
        self.entries[id] = Entry(condition: condition, waiter: waiter)
        return false
    }

    /// Unregisters and returns the waiter registered under `id`; `nil` when there is none (it
    /// was handed back already, or not registered yet).
    package mutating func cancel(id: Int) -> Waiter? {
        self.entries.removeValue(forKey: id)?.waiter
    }

    /// Changes the status, then unregisters and returns the waiters whose condition holds for
    /// the new status, in the order of their ids.
    package mutating func updateStatus(_ change: (inout PostgresBackplane.Status) -> Void) -> [Waiter] {
        change(&self.status)
        let status = self.status
        let ready = self.entries.filter { $0.value.condition(status) }.keys.sorted()
        return ready.compactMap { self.entries.removeValue(forKey: $0)?.waiter }
    }
}

extension StatusWaiters: Sendable where Waiter: Sendable {}

extension StatusWaiters.Entry: Sendable where Waiter: Sendable {}
