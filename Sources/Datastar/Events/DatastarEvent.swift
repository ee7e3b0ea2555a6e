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

/// One Datastar server-sent event: what it patches, and its SSE options.
///
/// Build events with the static functions — the ADR's three operations
/// (``patchElements(_:selector:mode:useViewTransition:viewTransitionSelector:namespace:eventID:retryDuration:)``,
/// ``patchSignals(_:onlyIfMissing:eventID:retryDuration:)``,
/// ``executeScript(_:autoRemove:attributes:eventID:retryDuration:)``) and the sugar built on
/// them — and hand them to a generator's `send`. An event is a value: encode it once with
/// ``encode(into:)`` and write the same bytes to as many clients as you like.
public struct DatastarEvent: Sendable, Hashable {
    /// What an event carries.
    public enum Payload: Sendable, Hashable {
        /// A `datastar-patch-elements` event.
        case patchElements(PatchElements)
        /// A `datastar-patch-signals` event.
        case patchSignals(PatchSignals)
    }

    /// The retry duration the browser assumes when an event names none.
    public static let defaultRetryDuration: Duration = .milliseconds(1000)

    /// What the event patches.
    public var payload: Payload
    /// The SSE `id:` of the event; the browser sends the last one back as `Last-Event-ID` when
    /// it reconnects.
    public var eventID: String?
    /// The SSE `retry:` of the event. `nil` means the default of 1000 ms, which is not sent.
    public var retryDuration: Duration?

    /// Creates an event from a payload and its SSE options.
    public init(_ payload: Payload, eventID: String? = nil, retryDuration: Duration? = nil) {
        self.payload = payload
        self.eventID = eventID
        self.retryDuration = retryDuration
    }

    /// The SSE event type: `datastar-patch-elements` or `datastar-patch-signals`.
    public var eventType: String {
        switch payload {
        case .patchElements: return "datastar-patch-elements"
        case .patchSignals: return "datastar-patch-signals"
        }
    }
}
