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

/// What a topic does with a subscriber that reads slower than the topic publishes.
///
/// Each subscriber has a backlog limit (``HubSubscription/backlogLimit``): the bytes written
/// to its socket but not yet taken by the client, plus the bytes held back for it. Whatever the
/// policy, a subscriber whose backlog passes the limit is disconnected
/// (``StreamCloseReason/backlogExceeded``), so memory stays bounded and a stalled client never
/// delays the others. The browser reconnects with `Last-Event-ID` and resumes from the topic's
/// history where it can.
public enum SlowClientPolicy: Sendable, Hashable {
    /// Hold back every message for a slow subscriber, in order, until its backlog passes the
    /// limit; then disconnect it. The default.
    case disconnect
    /// Like ``disconnect``, but a newer message that patches the same target — elements with
    /// the same selector (or the same `id`, without selector) in a replacing mode, or signals
    /// with the same top-level keys — replaces one still held back. A slow subscriber then
    /// receives the latest state rather than every step, and stays under its limit much
    /// longer.
    case coalesce
}

/// How a hub treats one topic.
public struct HubTopicOptions: Sendable, Hashable {
    /// What happens to subscribers that read slower than the topic publishes.
    public var policy: SlowClientPolicy
    /// The most messages the topic's history keeps for resuming clients.
    public var historyCount: Int
    /// The most bytes the topic's history keeps for resuming clients.
    public var historyBytes: Int

    /// The options of a topic that was never configured: ``SlowClientPolicy/disconnect``, and a
    /// history of 256 messages or 1 MiB, whichever is reached first.
    public static let `default` = HubTopicOptions()

    /// Creates topic options.
    ///
    /// - Parameters:
    ///   - policy: the slow-client policy.
    ///   - historyCount: the most messages kept for resuming clients; 0 keeps none.
    ///   - historyBytes: the most bytes kept for resuming clients; 0 keeps none.
    public init(policy: SlowClientPolicy = .disconnect, historyCount: Int = 256, historyBytes: Int = 1 << 20) {
        self.policy = policy
        self.historyCount = max(0, historyCount)
        self.historyBytes = max(0, historyBytes)
    }
}

/// What a hub subscription could replay when its client connected; the subscription's
/// `onConnect` reads it from ``DatastarConnection/resume``.
public enum HubResume: Sendable, Hashable {
    /// The client sent no `Last-Event-ID`: a first visit. Send the full state.
    case fresh
    /// The client's `Last-Event-ID` is in the history: the messages published after it were
    /// replayed, in order, before `onConnect` ran; the payload counts them.
    case replayed(Int)
    /// The client's `Last-Event-ID` is older than the history (or unknown to it): some messages
    /// it missed are gone. Send the full state.
    case gap
}

/// The hub side of a ``DatastarStream`` that subscribes to topics.
public struct HubSubscription: Sendable {
    /// The hub the stream subscribes on.
    public var hub: DatastarHub
    /// The topics the stream receives.
    public var topics: [String]
    /// The most bytes a subscriber may have written but not yet read, plus held back for it,
    /// before it is disconnected.
    public var backlogLimit: Int

    /// The default backlog limit: 64 KiB.
    public static let defaultBacklogLimit = 64 * 1024

    /// Creates a subscription.
    public init(hub: DatastarHub, topics: [String], backlogLimit: Int = HubSubscription.defaultBacklogLimit) {
        self.hub = hub
        self.topics = topics
        self.backlogLimit = max(0, backlogLimit)
    }
}
