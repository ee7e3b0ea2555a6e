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

public import NIOCore

/// How much work one task of the reactor or the hub does on an event loop before it gives the
/// loop back to I/O: accepts, reads and short requests queued meanwhile run first, then the
/// work goes on where it stopped.
///
/// A timer firing visits its slot's connections, and a hub delivery writes a message to its
/// subscribers, in runs of at most ``connections`` connections and at most ``time`` each.
/// Under overload every stream's rate then drops evenly instead of new connections and
/// requests starving: each connection is still visited once per round, and each subscriber
/// still gets each message once, in order.
public struct LoopTaskBudget: Sendable, Hashable {
    /// The most connections one task visits (or delivers to).
    public var connections: Int
    /// The longest one task runs before it yields, checked every few connections; `nil`
    /// for no time limit.
    public var time: TimeAmount?

    /// A budget of `connections` connections and `time`.
    public init(connections: Int, time: TimeAmount?) {
        self.connections = max(1, connections)
        self.time = time
    }

    /// 256 connections or 2 ms, whichever comes first.
    public static let `default` = LoopTaskBudget(connections: 256, time: .milliseconds(2))

    /// How long the engine's runs on a loop pause when one has spent its budget: long enough
    /// that the loop's current batch of tasks ends and the loop polls its sockets first. (At
    /// 20 µs, other tasks of the batch often outlasted the pause, and under overload short
    /// requests waited seconds; at 100 µs they were answered in 18–75 ms — `OverloadTests`.)
    static let yieldDelay = TimeAmount.microseconds(100)

    /// How often, in connections, the clock is read against ``time``.
    static let clockEvery = 16
}

/// The budget of one running task: counts what it spends and says when to yield.
struct LoopTaskAllowance {
    private var left: Int
    private let deadline: NIODeadline?
    private var sinceClock = 0

    init(_ budget: LoopTaskBudget) {
        self.left = budget.connections
        self.deadline = budget.time.map { NIODeadline.now() + $0 }
    }

    /// Spends one connection; false once the task should yield.
    mutating func spend() -> Bool {
        left -= 1
        if left <= 0 { return false }
        if let deadline {
            sinceClock += 1
            if sinceClock >= LoopTaskBudget.clockEvery {
                sinceClock = 0
                if NIODeadline.now() >= deadline { return false }
            }
        }
        return true
    }
}
