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

internal import DatastarNIO
internal import PostgresNIO

extension PostgresBackplane {
    /// What a ``PostgresBackplane`` changes while it runs; kept in its lock.
    struct State: Sendable {
        /// The attached hub's origin, and how to deliver messages to it.
        var origin: String?
        var deliver: (@Sendable (HubMessage) -> Void)?
        /// Whether the listener has logged that it drops messages because no hub is attached.
        var warnedUnattached = false
        /// The messages to send, and how many were dropped.
        var queue: SendQueue
        var isRunning = false
        /// Set on graceful shutdown: the sender sends what is queued, then stops.
        var isFlushing = false
        /// Wakes the sender: new messages, a lost connection, time to delete expired rows.
        var wake: AsyncStream<Void>.Continuation?
        /// The connections now open, to close them on cancellation.
        var senderConnection: PostgresConnection?
        var listenerConnection: PostgresConnection?
        /// The status, and the tasks in ``PostgresBackplane/waitForStatus(where:)``.
        var statusWaiters = StatusWaiters<CheckedContinuation<Void, any Error>>()
        var nextConnectionID = 0
        /// See ``PostgresBackplane/setBeforeSenderReconnect(_:)``.
        var beforeSenderReconnect: (@Sendable () async -> Void)?
    }

    /// Changes the status, and resumes the tasks waiting for the new one.
    func updateStatus(_ change: (inout Status) -> Void) {
        let ready = self.state.withLockedValue { $0.statusWaiters.updateStatus(change) }
        for continuation in ready { continuation.resume() }
    }

    /// Wakes the sender, when it runs.
    func wakeSender() {
        let wake = self.state.withLockedValue { $0.wake }
        wake?.yield()
    }
}
