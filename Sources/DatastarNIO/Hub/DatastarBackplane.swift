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

/// One published message as it travels between processes: the encoded events of one
/// ``DatastarHub/publish(_:to:)-(DatastarEvent,_)``, and what the receiving hub needs to fan it
/// out, resume from it and coalesce it.
public struct HubMessage: Sendable, Hashable {
    /// The topic the message was published to.
    public var topic: String
    /// The events, encoded once as SSE bytes.
    public var payload: ByteBuffer
    /// The id of the message's last event that has one; a client that saw this message sends it
    /// back as `Last-Event-ID` when it reconnects.
    public var eventID: String?
    /// For topics with the ``SlowClientPolicy/coalesce`` policy: messages with the same key
    /// replace one another while they wait for a slow client. `nil` when the message must not be
    /// coalesced.
    public var coalescingKey: String?
    /// The hub that published the message (``DatastarHub/origin``), so that a backplane can
    /// drop its own messages when they come back.
    public var origin: String

    /// Creates a message.
    public init(topic: String, payload: ByteBuffer, eventID: String?, coalescingKey: String?, origin: String) {
        self.topic = topic
        self.payload = payload
        self.eventID = eventID
        self.coalescingKey = coalescingKey
        self.origin = origin
    }
}

/// Carries hub messages between server processes.
///
/// A hub always delivers what is published in its own process to its own subscribers,
/// directly; a backplane carries the message to the hubs of the other processes, and hands the
/// messages of the other processes to ``attach(origin:deliver:)``'s `deliver`. It must not hand
/// a process its own messages back (it can tell them by their ``HubMessage/origin``).
///
/// ``InProcessBackplane`` — one process, nothing to carry — is the default. The
/// `DatastarPostgres` module provides one over PostgreSQL `LISTEN`/`NOTIFY`.
public protocol DatastarBackplane: Sendable {
    /// Called once, by the hub the backplane is given to: messages from other processes go to
    /// `deliver`, which may be called from any thread; messages whose origin is `origin` are
    /// this process's own.
    func attach(origin: String, deliver: @escaping @Sendable (HubMessage) -> Void)
    /// Sends a message published in this process to the other processes. Called from any
    /// thread; must not block. Messages must arrive in the order they were handed over.
    func publish(_ message: HubMessage)
}

/// The default backplane, for a single process: the hub delivers locally, and there is no
/// other process to carry messages to.
public struct InProcessBackplane: DatastarBackplane {
    /// Creates the in-process backplane.
    public init() {}

    /// Does nothing: no other process receives messages.
    public func attach(origin: String, deliver: @escaping @Sendable (HubMessage) -> Void) {}

    /// Does nothing: the hub has already delivered the message to its subscribers.
    public func publish(_ message: HubMessage) {}
}
