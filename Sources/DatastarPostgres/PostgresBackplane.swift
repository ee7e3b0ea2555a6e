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

public import DatastarNIO
public import Logging
public import PostgresNIO
public import ServiceLifecycle
internal import NIOConcurrencyHelpers

/// A `DatastarBackplane` over PostgreSQL `LISTEN`/`NOTIFY`: the hubs of several server
/// processes that share a database see one another's messages.
///
/// Give it to the hub and run it in the application's `ServiceGroup`: ``run()`` keeps one
/// connection that sends (`SELECT pg_notify(...)`) and one that listens, and reconnects either
/// when it fails.
///
/// - ``publish(_:)`` never blocks: it appends the message to a bounded queue
///   (``Options/maxQueuedMessages``, ``Options/maxQueuedBytes``) that one sender drains in
///   order. Beyond the bound, new messages are dropped with an error log that names their topic
///   and event id. While the sender is disconnected, messages wait in the queue and are sent
///   after it reconnects.
/// - A message whose encoded form is larger than ``Options/inlinePayloadLimit`` (PostgreSQL
///   refuses `NOTIFY` payloads of 8000 bytes and more) is stored in the payload table, and the
///   notification carries only a reference to its row; the sender deletes rows older than
///   ``Options/payloadRetention``.
/// - The listener hands every message of another origin to the hub, and drops the messages of
///   its own origin (the hub has delivered those already). A notification it cannot read is
///   logged and skipped.
/// - `NOTIFY` does not replay: what other processes publish while the listener is disconnected
///   is lost. The backplane logs the time and length of every such gap when it listens again.
///
/// Delivery is at most once, except in one case: when the connection fails after PostgreSQL
/// has committed a `NOTIFY` but before the sender learnt of it, the sender sends that message
/// again after reconnecting.
///
/// ``attach(origin:deliver:)`` is called once, by the hub. A second call is a programmer error:
/// it is ignored with an error log, and the first hub keeps the backplane.
public final class PostgresBackplane: DatastarBackplane, Service {
    /// The `LISTEN`/`NOTIFY` channel the hubs meet on.
    public let channel: String
    /// The table that holds payloads too large for a notification.
    public let payloadTable: String
    /// The limits and timings.
    public let options: Options

    let configuration: PostgresConnection.Configuration
    let logger: Logger
    /// Everything that changes, behind one lock.
    let state: NIOLockedValueBox<State>

    /// Creates a backplane that connects with `configuration`.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to connect; the backplane opens two connections.
    ///   - channel: The `NOTIFY` channel; every process of the application must use the same
    ///     one. 1 to 63 ASCII letters, digits and underscores, not starting with a digit.
    ///   - payloadTable: The table for large payloads, created at startup when missing. Same
    ///     rules as `channel`.
    ///   - options: Limits and timings.
    ///   - logger: Where the backplane logs connection losses, dropped messages and gaps.
    /// - Throws: ``PostgresBackplaneError/invalidChannelName(_:)`` or
    ///   ``PostgresBackplaneError/invalidTableName(_:)``.
    public init(
        configuration: PostgresConnection.Configuration,
        channel: String = "datastar_hub",
        payloadTable: String = "datastar_hub_payloads",
        options: Options = Options(),
        logger: Logger = Logger(label: "datastar.postgres")
    ) throws(PostgresBackplaneError) {
        guard isPlainSQLIdentifier(channel) else { throw .invalidChannelName(channel) }
        guard isPlainSQLIdentifier(payloadTable) else { throw .invalidTableName(payloadTable) }
        self.configuration = configuration
        self.channel = channel
        self.payloadTable = payloadTable
        self.options = options
        self.state = NIOLockedValueBox(
            State(queue: SendQueue(maxMessages: options.maxQueuedMessages, maxBytes: options.maxQueuedBytes))
        )
        var logger = logger
        logger[metadataKey: "datastar.postgres.channel"] = "\(channel)"
        self.logger = logger
    }

    /// Creates a backplane that connects to the database of a
    /// `postgres://user:password@host:port/database` URL; see
    /// ``connectionConfiguration(url:)`` for what the URL may contain.
    ///
    /// - Throws: ``PostgresBackplaneError/invalidURL(reason:)``,
    ///   ``PostgresBackplaneError/invalidChannelName(_:)`` or
    ///   ``PostgresBackplaneError/invalidTableName(_:)``.
    public convenience init(
        url: String,
        channel: String = "datastar_hub",
        payloadTable: String = "datastar_hub_payloads",
        options: Options = Options(),
        logger: Logger = Logger(label: "datastar.postgres")
    ) throws(PostgresBackplaneError) {
        try self.init(
            configuration: Self.connectionConfiguration(url: url),
            channel: channel,
            payloadTable: payloadTable,
            options: options,
            logger: logger
        )
    }

    // MARK: DatastarBackplane

    /// Stores the hub's origin and the closure that delivers other processes' messages to it.
    ///
    /// Called once, by the hub. A second call is ignored, with an error log.
    public func attach(origin: String, deliver: @escaping @Sendable (HubMessage) -> Void) {
        let previous: String? = self.state.withLockedValue { state in
            if let previous = state.origin { return previous }
            state.origin = origin
            state.deliver = deliver
            return nil
        }
        if let previous {
            self.logger.error(
                "PostgresBackplane is already attached to a hub; ignoring the second attach",
                metadata: ["datastar.postgres.origin": "\(previous)", "datastar.postgres.ignored_origin": "\(origin)"]
            )
        }
    }

    /// Queues a message for the other processes. Never blocks; callable from any thread.
    ///
    /// When the queue is full (``Options/maxQueuedMessages`` or ``Options/maxQueuedBytes``),
    /// the message is dropped with an error log that names its topic and event id.
    public func publish(_ message: HubMessage) {
        let (accepted, wake): (Bool, AsyncStream<Void>.Continuation?) = self.state.withLockedValue { state in
            guard state.queue.enqueue(message) else { return (false, nil) }
            return (true, state.wake)
        }
        if accepted {
            wake?.yield()
        } else {
            self.logger.error(
                "PostgresBackplane queue is full; dropping a message, other processes will not receive it",
                metadata: Self.metadata(of: message)
            )
        }
    }

    // MARK: Observing

    /// The state of the connections now.
    public var status: Status {
        self.state.withLockedValue { $0.statusWaiters.status }
    }

    /// How many messages wait to be sent.
    public var queuedMessageCount: Int {
        self.state.withLockedValue { $0.queue.count }
    }

    /// How many messages have been dropped (queue full, or refused by the database) since the
    /// backplane was created.
    public var droppedMessageCount: Int {
        self.state.withLockedValue { $0.queue.droppedCount }
    }

    /// Suspends until `condition` holds for ``status``; returns at once when it already holds.
    ///
    /// `condition` runs while the backplane holds its lock, whenever the status changes: keep it
    /// a plain test of the status it is given.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled first.
    public func waitForStatus(where condition: @escaping @Sendable (Status) -> Bool) async throws {
        let id = self.state.withLockedValue { $0.statusWaiters.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let result: Result<Void, any Error>? = self.state.withLockedValue { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    let holds = state.statusWaiters.wait(id: id, until: condition, waiter: continuation)
                    return holds ? .success(()) : nil
                }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            let continuation = self.state.withLockedValue { $0.statusWaiters.cancel(id: id) }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Suspends until `LISTEN` is in effect, so that what other processes send from then on
    /// reaches this process.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled first.
    public func waitUntilListening() async throws {
        try await self.waitForStatus { $0.isListening }
    }

    // MARK: Service

    /// Runs the sender and the listener until the task is cancelled or the service group shuts
    /// down gracefully, reconnecting each when its connection fails.
    ///
    /// On graceful shutdown the sender first sends what is queued, for at most
    /// ``Options/shutdownFlushTimeout``; on cancellation it stops at once. Messages still queued
    /// are logged, and stay queued for a later `run()`. Calling `run()` while it is already
    /// running is a programmer error (a precondition failure).
    public func run() async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let alreadyRunning = self.state.withLockedValue { state in
            if state.isRunning { return true }
            state.isRunning = true
            state.isFlushing = false
            state.wake = wake
            return false
        }
        precondition(!alreadyRunning, "PostgresBackplane.run() called while it is already running")
        wake.yield()
        defer {
            let (unsentCount, unsent) = self.state.withLockedValue { state in
                state.isRunning = false
                state.wake = nil
                return (state.queue.count, state.queue.summary)
            }
            wake.finish()
            self.updateStatus {
                $0.isListening = false
                $0.isSenderConnected = false
            }
            if unsentCount > 0 {
                self.logger.error(
                    "PostgresBackplane stopped with messages not sent; other processes did not receive them",
                    metadata: [
                        "datastar.postgres.unsent_count": "\(unsentCount)",
                        "datastar.postgres.unsent": "\(unsent)",
                    ]
                )
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.runSender(wakes: wakes) }
            group.addTask { await self.runListener() }
            group.addTask { await self.runTicker() }
            group.addTask { await self.awaitGracefulShutdown() }
            // The sender returns after a graceful shutdown's flush, the shutdown watcher after
            // its timeout; the others only on cancellation.
            _ = await group.next()
            group.cancelAll()
        }
    }

    // MARK: Internal, for tests

    /// Awaited before every reconnection attempt of the sender (not before the first
    /// connection). Tests use it to hold the sender back.
    func setBeforeSenderReconnect(_ hook: (@Sendable () async -> Void)?) {
        self.state.withLockedValue { $0.beforeSenderReconnect = hook }
    }
}
