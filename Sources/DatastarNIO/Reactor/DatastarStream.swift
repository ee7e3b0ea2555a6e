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

package import Datastar
package import NIOCore

/// A long-lived Datastar stream driven by the reactor: no task waits per connection; one timer
/// per event loop and interval runs every stream's updater.
///
/// Return it from a route on either framework — the same value works on both:
///
/// ```swift
/// DatastarStream(every: .milliseconds(100)) { sse in
///     try sse.send(.patchSignals(json: ["cpu": .number(load())]))
/// }
/// ```
///
/// - `onConnect` runs once, on the connection's event loop, before the first update, and may
///   send the initial render.
/// - `update` runs on the event loop every `interval`; what it sends in one run is written and
///   flushed together. A connection whose client stopped reading skips updates (nothing is
///   queued) and is closed once it has been unwritable for `unwritableTimeout`.
/// - A keep-alive comment is sent when the stream has been quiet for `keepAlive`.
/// - `onDisconnect` runs exactly once, on the event loop, whatever closed the stream.
///
/// The closures are synchronous and run on the event loop: they must not block.
public struct DatastarStream: Sendable {
    /// A synchronous closure that sends events on a connection; runs on its event loop.
    public typealias Updater = @Sendable (DatastarConnection) throws -> Void
    /// The hook that learns why a stream closed; runs on the connection's event loop.
    public typealias DisconnectHandler = @Sendable (DatastarConnection, StreamCloseReason) -> Void

    /// How often `update` runs; `nil` for a stream without updater (only keep-alive and
    /// whatever else writes to it, such as hub subscriptions).
    public var interval: Duration?
    /// How long a stream may be quiet before a keep-alive comment is sent.
    public var keepAlive: Duration
    /// How long a connection may stay unwritable (its client not reading) before it is closed.
    public var unwritableTimeout: Duration
    /// Runs once before the first update.
    public var onConnect: Updater?
    /// Runs exactly once when the stream closes.
    public var onDisconnect: DisconnectHandler?
    /// Runs every `interval`.
    public var update: Updater?
    /// The reactor that drives the stream; `nil` lets the framework adapter choose (the
    /// application's reactor on Vapor, ``DatastarReactor/shared`` on Hummingbird).
    public var reactor: DatastarReactor?
    /// The hub topics the stream receives; `nil` for a stream that is not subscribed.
    public var subscription: HubSubscription?
    /// How the stream is compressed: negotiated from the request's `Accept-Encoding`
    /// (``DatastarCompression/automatic`` by default); ``DatastarCompression/disabled`` opts
    /// the route out.
    public var compression: DatastarCompression
    /// What the stream does when the server shuts down: ``ShutdownBehavior/reconnect`` (the
    /// client reconnects to the next process) by default, ``ShutdownBehavior/end`` to end it
    /// for good.
    public var onShutdown: ShutdownBehavior

    /// The default keep-alive interval: 15 seconds, well under the idle timeouts of common
    /// proxies.
    public static let defaultKeepAlive: Duration = .seconds(15)
    /// The default time a connection may stay unwritable: 30 seconds.
    public static let defaultUnwritableTimeout: Duration = .seconds(30)

    /// Creates a stream whose updater runs every `interval`.
    public init(
        every interval: Duration,
        keepAlive: Duration = DatastarStream.defaultKeepAlive,
        unwritableTimeout: Duration = DatastarStream.defaultUnwritableTimeout,
        compression: DatastarCompression = .automatic,
        reactor: DatastarReactor? = nil,
        onShutdown: ShutdownBehavior = .reconnect,
        onConnect: Updater? = nil,
        onDisconnect: DisconnectHandler? = nil,
        update: @escaping Updater
    ) {
        self.compression = compression
        self.interval = interval
        self.keepAlive = keepAlive
        self.unwritableTimeout = unwritableTimeout
        self.reactor = reactor
        self.onShutdown = onShutdown
        self.onConnect = onConnect
        self.onDisconnect = onDisconnect
        self.update = update
    }

    /// Creates a stream without updater: it sends what `onConnect` sends, then keep-alive
    /// comments, until the client goes or the app closes it.
    public init(
        keepAlive: Duration = DatastarStream.defaultKeepAlive,
        unwritableTimeout: Duration = DatastarStream.defaultUnwritableTimeout,
        compression: DatastarCompression = .automatic,
        reactor: DatastarReactor? = nil,
        onShutdown: ShutdownBehavior = .reconnect,
        onConnect: Updater? = nil,
        onDisconnect: DisconnectHandler? = nil
    ) {
        self.compression = compression
        self.interval = nil
        self.keepAlive = keepAlive
        self.unwritableTimeout = unwritableTimeout
        self.reactor = reactor
        self.onShutdown = onShutdown
        self.onConnect = onConnect
        self.onDisconnect = onDisconnect
        self.update = nil
    }

    /// Creates a stream subscribed to hub topics: it receives every message published to them,
    /// from any process the hub's backplane reaches.
    ///
    /// ```swift
    /// DatastarStream(subscribingTo: ["board"], on: hub) { sse in
    ///     // Resumed: what the client missed was replayed.
    ///     if case .replayed = sse.resume { return }
    ///     // A first visit, or the client missed more than the history holds.
    ///     try sse.send(.patchElements(renderBoard()))
    /// }
    /// ```
    ///
    /// `onConnect` runs after the messages the client missed (by its `Last-Event-ID`) were
    /// queued for it, and can read ``DatastarConnection/resume`` to decide whether to send the
    /// full state. Set ``interval`` and ``update`` to also run an updater.
    ///
    /// - Parameters:
    ///   - topics: the topics to receive.
    ///   - hub: the hub to subscribe on.
    ///   - backlogLimit: the most bytes the subscriber may leave unread (written but not read,
    ///     plus held back) before it is disconnected; 64 KiB by default. Make it larger than
    ///     the largest message.
    ///   - keepAlive: how long the stream may be quiet before a keep-alive comment is sent.
    ///   - unwritableTimeout: how long the client may stop reading before it is closed.
    ///   - compression: how the stream is compressed. Subscribers without compression share
    ///     each message's one buffer; compressed ones compress it on their own stream.
    ///   - reactor: the reactor that drives the stream; `nil` lets the adapter choose.
    ///   - onShutdown: what the stream does when the server shuts down; by default the client
    ///     reconnects to the next process and resumes.
    ///   - onConnect: runs once, when the client connects.
    ///   - onDisconnect: runs exactly once when the stream closes.
    public init(
        subscribingTo topics: [String],
        on hub: DatastarHub,
        backlogLimit: Int = HubSubscription.defaultBacklogLimit,
        keepAlive: Duration = DatastarStream.defaultKeepAlive,
        unwritableTimeout: Duration = DatastarStream.defaultUnwritableTimeout,
        compression: DatastarCompression = .automatic,
        reactor: DatastarReactor? = nil,
        onShutdown: ShutdownBehavior = .reconnect,
        onConnect: Updater? = nil,
        onDisconnect: DisconnectHandler? = nil
    ) {
        self.init(
            keepAlive: keepAlive,
            unwritableTimeout: unwritableTimeout,
            compression: compression,
            reactor: reactor,
            onShutdown: onShutdown,
            onConnect: onConnect,
            onDisconnect: onDisconnect
        )
        self.subscription = HubSubscription(hub: hub, topics: topics, backlogLimit: backlogLimit)
    }

    /// Creates a stream subscribed to hub topics that also runs an updater every `interval`:
    /// one long-lived GET carries both what the hub broadcasts and what this client alone sees.
    ///
    /// ```swift
    /// DatastarStream(subscribingTo: ["board"], on: hub, every: .seconds(1)) { sse in
    ///     try sse.send(.patchSignals(json: ["clock": .string(now())]))
    /// } onConnect: { sse in
    ///     if case .replayed = sse.resume { return }
    ///     try sse.send(.patchElements(renderBoard()))
    /// }
    /// ```
    ///
    /// Hub messages are written as they are published; the updater's events once per
    /// `interval`, like any reactor stream's. The parameters are those of
    /// ``init(subscribingTo:on:backlogLimit:keepAlive:unwritableTimeout:compression:reactor:onShutdown:onConnect:onDisconnect:)``.
    public init(
        subscribingTo topics: [String],
        on hub: DatastarHub,
        every interval: Duration,
        backlogLimit: Int = HubSubscription.defaultBacklogLimit,
        keepAlive: Duration = DatastarStream.defaultKeepAlive,
        unwritableTimeout: Duration = DatastarStream.defaultUnwritableTimeout,
        compression: DatastarCompression = .automatic,
        reactor: DatastarReactor? = nil,
        onShutdown: ShutdownBehavior = .reconnect,
        update: @escaping Updater,
        onConnect: Updater? = nil,
        onDisconnect: DisconnectHandler? = nil
    ) {
        self.init(
            subscribingTo: topics,
            on: hub,
            backlogLimit: backlogLimit,
            keepAlive: keepAlive,
            unwritableTimeout: unwritableTimeout,
            compression: compression,
            reactor: reactor,
            onShutdown: onShutdown,
            onConnect: onConnect,
            onDisconnect: onDisconnect
        )
        self.interval = interval
        self.update = update
    }

    /// How often the reactor visits a connection of this stream: the update interval, or a
    /// quarter of the keep-alive interval for a stream without updater, so a keep-alive is at
    /// most a quarter interval late.
    var tickInterval: TimeAmount {
        let duration = interval ?? keepAlive / 4
        return max(TimeAmount(duration), .milliseconds(1))
    }
}

/// A one-shot Datastar response for polling clients (`data-on-interval` with `@get`): runs
/// an updater once, sends what it sent, and ends. Give it the updater of a
/// ``DatastarStream`` to offer the same view by push and by pull.
public struct DatastarPoll: Sendable {
    /// The updater to run once.
    public var update: DatastarStream.Updater
    /// How the response is compressed (the whole body, negotiated like a stream's).
    public var compression: DatastarCompression

    /// A poll response that runs `update` once.
    public init(compression: DatastarCompression = .automatic, _ update: @escaping DatastarStream.Updater) {
        self.update = update
        self.compression = compression
    }

    /// A poll response that runs the updater of `stream` once (or its `onConnect`, for a
    /// stream without updater), compressed like the stream.
    public init(_ stream: DatastarStream) {
        let update = stream.update ?? stream.onConnect ?? { _ in }
        self.update = update
        self.compression = stream.compression
    }

    /// Runs the updater on `eventLoop` and returns the encoded events, compressed with
    /// `coding` (a complete compressed body) unless that is `nil` or identity.
    package func render(
        on eventLoop: any EventLoop,
        lastEventID: String?,
        coding: ContentCoding? = nil
    ) -> EventLoopFuture<ByteBuffer> {
        let update = self.update
        let compression = self.compression
        return eventLoop.submit {
            let connection = DatastarConnection(detachedOn: eventLoop, lastEventID: lastEventID)
            try update(connection)
            let output = connection.takeOutput()
            guard let coding else { return output }
            return try compression.compressWhole(output, coding: coding)
        }
    }
}
