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

import NIOConcurrencyHelpers
import NIOCore

/// The one pause of an event loop's engine work: when a run of the reactor or the hub on the
/// loop has spent its budget, no run of either starts again before ``resumeAt``.
///
/// NIO runs every task that is due before it polls its sockets again, so a run that merely
/// rescheduled itself a little later would not give way to I/O while other runs (another
/// timer, a hub delivery) were due: under overload there always is one, and the loop would
/// never poll. With one pause for all of them, every run finds it and waits for it to pass:
/// nothing of ours is due, and the loop polls its sockets before the pause ends.
final class LoopYield: @unchecked Sendable {
    // @unchecked Sendable: `resumeAt` is read and written only on `eventLoop` (asserted in
    // debug builds); the registry hands the object to other threads only to be stored and
    // handed back.
    let eventLoop: any EventLoop
    private var resumeAt: NIODeadline?

    private init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The pause of each event loop, held weakly: a pause lives as long as the reactors and
    /// hubs on its loop (which hold it), and keeps its loop, so a live entry's key cannot be
    /// reused by another loop.
    private static let registry = NIOLockedValueBox<[ObjectIdentifier: WeakLoopYield]>([:])

    private struct WeakLoopYield: Sendable {
        weak var value: LoopYield?
    }

    /// The pause of `eventLoop`, shared by every reactor and hub on it.
    static func of(_ eventLoop: any EventLoop) -> LoopYield {
        registry.withLockedValue { loops in
            let key = ObjectIdentifier(eventLoop)
            if let existing = loops[key]?.value { return existing }
            let made = LoopYield(eventLoop: eventLoop)
            // Forget the pauses that no reactor or hub holds any more (their loops may be gone).
            loops = loops.filter { $0.value.value != nil }
            loops[key] = WeakLoopYield(value: made)
            return made
        }
    }

    /// When a run that starts now must wait: the end of the pause, or `nil` to run now.
    func pending() -> NIODeadline? {
        eventLoop.assertInEventLoop()
        guard let resumeAt else { return nil }
        if eventLoop.now < resumeAt { return resumeAt }
        self.resumeAt = nil
        return nil
    }

    /// A run spent its budget: pauses the loop's engine work, and returns when to go on.
    func pause() -> NIODeadline {
        eventLoop.assertInEventLoop()
        let end = eventLoop.now + LoopTaskBudget.yieldDelay
        resumeAt = end
        return end
    }
}
