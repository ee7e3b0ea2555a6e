public import DatastarNIO
public import Logging
public import NIOCore
public import PostgresNIO
public import ServiceLifecycle
internal import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

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
    /// Limits and timings of a ``PostgresBackplane``.
    public struct Options: Sendable {
        /// How many messages may wait to be sent; beyond that, new messages are dropped.
        /// Default 10,000.
        public var maxQueuedMessages: Int = 10_000
        /// How many bytes (mostly payload) may wait to be sent; beyond that, new messages are
        /// dropped. Default 16 MiB.
        public var maxQueuedBytes: Int = 16 * 1024 * 1024
        /// Encoded messages longer than this many bytes go through the payload table rather
        /// than in the `NOTIFY` payload. Default 7,900; values above 7,999 count as 7,999
        /// (PostgreSQL's limit is 8,000 bytes, exclusive).
        public var inlinePayloadLimit: Int = 7_900
        /// How long a large payload's row is kept for the listeners to read it. Default 60
        /// seconds.
        public var payloadRetention: Duration = .seconds(60)
        /// How often, at most, the sender deletes expired rows of the payload table. Default 10
        /// seconds.
        public var cleanupInterval: Duration = .seconds(10)
        /// The first wait before reconnecting; it doubles after every failed attempt. Default
        /// 100 ms.
        public var initialReconnectDelay: Duration = .milliseconds(100)
        /// The longest wait between two reconnection attempts. Default 5 seconds.
        public var maxReconnectDelay: Duration = .seconds(5)
        /// On graceful shutdown, how long the sender may take to send what is still queued
        /// before ``PostgresBackplane/run()`` returns. Default 1 second.
        public var shutdownFlushTimeout: Duration = .seconds(1)
        /// How many queued messages, at most, one statement sends. Default 100.
        public var maxMessagesPerStatement: Int = 100
        /// The event loops the connections run on. Default: postgres-nio's default group.
        public var eventLoopGroup: any EventLoopGroup = PostgresConnection.defaultEventLoopGroup

        /// Creates the default options.
        public init() {}
    }

    /// The state of the backplane's connections.
    public struct Status: Sendable, Hashable {
        /// Whether the listener is connected and `LISTEN` is in effect: notifications sent from
        /// now on reach this process.
        public var isListening: Bool = false
        /// Whether the sender is connected.
        public var isSenderConnected: Bool = false
        /// How many times `LISTEN` has succeeded since the backplane was created: 1 after the
        /// first connection, 2 after the first reconnection, and so on.
        public var listenCount: Int = 0
        /// How many times the sender has connected since the backplane was created.
        public var senderConnectCount: Int = 0

        /// Creates a status.
        public init(
            isListening: Bool = false,
            isSenderConnected: Bool = false,
            listenCount: Int = 0,
            senderConnectCount: Int = 0
        ) {
            self.isListening = isListening
            self.isSenderConnected = isSenderConnected
            self.listenCount = listenCount
            self.senderConnectCount = senderConnectCount
        }
    }

    /// The `LISTEN`/`NOTIFY` channel the hubs meet on.
    public let channel: String
    /// The table that holds payloads too large for a notification.
    public let payloadTable: String
    /// The limits and timings.
    public let options: Options

    let configuration: PostgresConnection.Configuration
    let logger: Logger
    private let state = NIOLockedValueBox(State())

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
        let size = Self.queuedSize(of: message)
        let (accepted, wake): (Bool, AsyncStream<Void>.Continuation?) = self.state.withLockedValue { state in
            guard state.queue.count < self.options.maxQueuedMessages,
                state.queuedBytes + size <= self.options.maxQueuedBytes
            else {
                state.droppedCount += 1
                return (false, nil)
            }
            state.queue.append(message)
            state.queuedBytes += size
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
        self.state.withLockedValue { $0.status }
    }

    /// How many messages wait to be sent.
    public var queuedMessageCount: Int {
        self.state.withLockedValue { $0.queue.count }
    }

    /// How many messages have been dropped (queue full, or refused by the database) since the
    /// backplane was created.
    public var droppedMessageCount: Int {
        self.state.withLockedValue { $0.droppedCount }
    }

    /// Suspends until `condition` holds for ``status``; returns at once when it already holds.
    ///
    /// `condition` runs while the backplane holds its lock, whenever the status changes: keep it
    /// a plain test of the status it is given.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled first.
    public func waitForStatus(where condition: @escaping @Sendable (Status) -> Bool) async throws {
        let id = self.state.withLockedValue { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let result: Result<Void, any Error>? = self.state.withLockedValue { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if condition(state.status) { return .success(()) }
                    state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(throwing: CancellationError())
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
                return (state.queue.count, Self.summary(of: state.queue))
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

// MARK: - State

extension PostgresBackplane {
    private struct Waiter: Sendable {
        var condition: @Sendable (Status) -> Bool
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State: Sendable {
        var origin: String?
        var deliver: (@Sendable (HubMessage) -> Void)?
        var warnedUnattached = false
        var queue = CircularBuffer<HubMessage>()
        var queuedBytes = 0
        var droppedCount = 0
        var isRunning = false
        var isFlushing = false
        var wake: AsyncStream<Void>.Continuation?
        var senderConnection: PostgresConnection?
        var listenerConnection: PostgresConnection?
        var status = Status()
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        var nextConnectionID = 0
        var beforeSenderReconnect: (@Sendable () async -> Void)?
    }

    private func updateStatus(_ change: (inout Status) -> Void) {
        let ready: [Waiter] = self.state.withLockedValue { state in
            change(&state.status)
            let status = state.status
            let ids = state.waiters.filter { $0.value.condition(status) }.map(\.key)
            return ids.compactMap { state.waiters.removeValue(forKey: $0) }
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    private func wakeSender() {
        let wake = self.state.withLockedValue { $0.wake }
        wake?.yield()
    }

    /// What a queued message counts against ``Options/maxQueuedBytes``.
    private static func queuedSize(of message: HubMessage) -> Int {
        message.payload.readableBytes + message.topic.utf8.count + message.origin.utf8.count
            + (message.eventID?.utf8.count ?? 0) + (message.coalescingKey?.utf8.count ?? 0) + 64
    }

    private static func metadata(of message: HubMessage) -> Logger.Metadata {
        [
            "datastar.postgres.topic": "\(message.topic)",
            "datastar.postgres.event_id": "\(message.eventID ?? "none")",
            "datastar.postgres.payload_bytes": "\(message.payload.readableBytes)",
        ]
    }

    private static func summary(of messages: CircularBuffer<HubMessage>) -> String {
        let shown = messages.prefix(5).map { "\($0.topic)#\($0.eventID ?? "-")" }
        let more = messages.count > shown.count ? ", and \(messages.count - shown.count) more" : ""
        return shown.joined(separator: ", ") + more
    }
}

// MARK: - Connections

extension PostgresBackplane {
    private func connect(role: String) async throws -> PostgresConnection {
        let id = self.state.withLockedValue { state in
            state.nextConnectionID += 1
            return state.nextConnectionID
        }
        var logger = self.logger
        logger[metadataKey: "datastar.postgres.role"] = "\(role)"
        return try await PostgresConnection.connect(
            on: self.options.eventLoopGroup.any(),
            configuration: self.configuration,
            id: id,
            logger: logger
        )
    }

    /// Whether an error means the connection is unusable (reconnect, and keep the message), as
    /// opposed to the database refusing one statement (drop that message).
    static func isConnectionFailure(_ error: any Error, on connection: PostgresConnection) -> Bool {
        if connection.isClosed { return true }
        guard let error = error as? PSQLError else { return true }
        guard error.code == .server else { return true }
        let severity = error.serverInfo?[.severity] ?? ""
        if severity == "FATAL" || severity == "PANIC" { return true }
        let sqlState = error.serverInfo?[.sqlState] ?? ""
        // 08: connection exception; 53: insufficient resources; 57: operator intervention
        // (shutdown, cancel); 58: system error.
        return ["08", "53", "57", "58"].contains { sqlState.hasPrefix($0) }
    }

    /// An error for logs: postgres-nio's descriptions hide the server's message on purpose,
    /// and its debug descriptions include the query's bound values (our payloads).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        guard let info = error.serverInfo else { return "\(error.code)" }
        let sqlState = info[.sqlState] ?? "?"
        let message = info[.message] ?? ""
        return "\(error.code) \(sqlState): \(message)"
    }

    private struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the connection was closed" }
    }
}

// MARK: - Sender

extension PostgresBackplane {
    private enum SendLoopEnd {
        case stop
        /// `wasConnected`: whether the sender was fully connected (table ready) before.
        case connectionLost(any Error, wasConnected: Bool)
    }

    /// When the sender deletes expired payload rows: once after it starts, then every
    /// ``Options/cleanupInterval`` for as long as rows it inserted may not have expired.
    private struct CleanupSchedule {
        var lastRun: ContinuousClock.Instant?
        var pendingUntil: ContinuousClock.Instant?

        func isDue(at now: ContinuousClock.Instant, interval: Duration) -> Bool {
            guard let lastRun else { return true }
            guard let pendingUntil, lastRun < pendingUntil else { return false }
            return now - lastRun >= interval
        }

        mutating func ran(at now: ContinuousClock.Instant) {
            self.lastRun = now
            if let pendingUntil, pendingUntil <= now { self.pendingUntil = nil }
        }

        mutating func inserted(at now: ContinuousClock.Instant, retention: Duration) {
            self.pendingUntil = now + retention + .milliseconds(100)
        }
    }

    private enum Statement {
        /// Inline messages, sent by one `pg_notify` each, in order.
        case notify([String])
        /// One encoded message stored in the payload table, and the origin of its reference.
        case store(String, origin: String)

        var messageCount: Int {
            switch self {
            case .notify(let payloads): payloads.count
            case .store: 1
            }
        }
    }

    private func runSender(wakes: AsyncStream<Void>) async {
        var wakes = wakes.makeAsyncIterator()
        var delay = self.options.initialReconnectDelay
        var hasConnected = false
        var tableReady = false
        var cleanup = CleanupSchedule()
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                if self.state.withLockedValue({ $0.isFlushing }) { return }
                if hasConnected, let hook = self.state.withLockedValue({ $0.beforeSenderReconnect }) {
                    await hook()
                }
                let connection: PostgresConnection
                do {
                    connection = try await self.connect(role: "sender")
                } catch {
                    if Task.isCancelled { return }
                    self.logger.warning(
                        "PostgresBackplane sender cannot connect; retrying",
                        metadata: [
                            "datastar.postgres.error": "\(Self.describe(error))",
                            "datastar.postgres.retry_in": "\(delay)",
                            "datastar.postgres.queued": "\(self.queuedMessageCount)",
                        ]
                    )
                    guard (try? await Task.sleep(for: delay)) != nil else { return }
                    delay = min(delay * 2, self.options.maxReconnectDelay)
                    continue
                }
                self.state.withLockedValue { $0.senderConnection = connection }
                let end = await self.senderSession(
                    on: connection,
                    hasConnected: hasConnected,
                    tableReady: &tableReady,
                    wakes: &wakes,
                    cleanup: &cleanup
                )
                self.state.withLockedValue { $0.senderConnection = nil }
                self.updateStatus { $0.isSenderConnected = false }
                // postgres-nio insists on connections being closed before they are released.
                try? await connection.close()
                guard case .connectionLost(let error, let wasConnected) = end else { return }
                if wasConnected {
                    hasConnected = true
                    delay = self.options.initialReconnectDelay
                }
                if Task.isCancelled { return }
                self.logger.warning(
                    wasConnected
                        ? "PostgresBackplane sender lost its connection; messages stay queued until it reconnects"
                        : "PostgresBackplane sender lost its connection while creating the payload table",
                    metadata: [
                        "datastar.postgres.error": "\(Self.describe(error))",
                        "datastar.postgres.retry_in": "\(delay)",
                        "datastar.postgres.queued": "\(self.queuedMessageCount)",
                    ]
                )
                if self.state.withLockedValue({ $0.isFlushing }) { return }
                guard (try? await Task.sleep(for: delay)) != nil else { return }
                delay = min(delay * 2, self.options.maxReconnectDelay)
            }
        } onCancel: {
            // postgres-nio's queries do not react to cancellation: closing the connection ends
            // them.
            let connection = self.state.withLockedValue { $0.senderConnection }
            connection?.closeSoon()
        }
    }

    /// One connection's life: create the payload table if needed, then send until the
    /// connection fails or the sender stops.
    private func senderSession(
        on connection: PostgresConnection,
        hasConnected: Bool,
        tableReady: inout Bool,
        wakes: inout AsyncStream<Void>.Iterator,
        cleanup: inout CleanupSchedule
    ) async -> SendLoopEnd {
        if Task.isCancelled { return .stop }
        connection.closeFuture.whenComplete { _ in self.wakeSender() }
        if !tableReady {
            do {
                try await self.createPayloadTable(on: connection)
                tableReady = true
            } catch  where Self.isConnectionFailure(error, on: connection) {
                return .connectionLost(error, wasConnected: false)
            } catch {
                tableReady = true
                self.logger.error(
                    "PostgresBackplane cannot create the payload table; large messages will fail",
                    metadata: [
                        "datastar.postgres.table": "\(self.payloadTable)",
                        "datastar.postgres.error": "\(Self.describe(error))",
                    ]
                )
            }
        }
        if hasConnected {
            self.logger.info(
                "PostgresBackplane sender reconnected; sending the queued messages",
                metadata: ["datastar.postgres.queued": "\(self.queuedMessageCount)"]
            )
        }
        self.updateStatus {
            $0.isSenderConnected = true
            $0.senderConnectCount += 1
        }
        return await self.sendLoop(on: connection, wakes: &wakes, cleanup: &cleanup)
    }

    private func sendLoop(
        on connection: PostgresConnection,
        wakes: inout AsyncStream<Void>.Iterator,
        cleanup: inout CleanupSchedule
    ) async -> SendLoopEnd {
        var oneByOne = 0
        while true {
            if Task.isCancelled { return .stop }
            if connection.isClosed { return .connectionLost(ConnectionClosed(), wasConnected: true) }
            let now = ContinuousClock.now
            if cleanup.isDue(at: now, interval: self.options.cleanupInterval) {
                do {
                    try await self.deleteExpiredPayloads(on: connection)
                } catch  where Self.isConnectionFailure(error, on: connection) {
                    return .connectionLost(error, wasConnected: true)
                } catch {
                    self.logger.error(
                        "PostgresBackplane cannot delete expired large payloads",
                        metadata: [
                            "datastar.postgres.table": "\(self.payloadTable)",
                            "datastar.postgres.error": "\(Self.describe(error))",
                        ]
                    )
                }
                cleanup.ran(at: now)
            }

            guard let statement = self.nextStatement(limit: oneByOne > 0 ? 1 : self.options.maxMessagesPerStatement)
            else {
                if self.state.withLockedValue({ $0.isFlushing }) { return .stop }
                guard await wakes.next() != nil else { return .stop }
                continue
            }
            do {
                try await self.execute(statement, on: connection)
                if case .store = statement {
                    cleanup.inserted(at: .now, retention: self.options.payloadRetention)
                }
                self.removeSent(statement.messageCount)
                oneByOne = max(0, oneByOne - statement.messageCount)
            } catch  where Self.isConnectionFailure(error, on: connection) {
                return .connectionLost(error, wasConnected: true)
            } catch {
                if statement.messageCount > 1 {
                    // Which message did the database refuse? Send them one by one to find out.
                    oneByOne = statement.messageCount
                    continue
                }
                let dropped = self.removeSent(1)
                self.state.withLockedValue { $0.droppedCount += 1 }
                var metadata = dropped.map(Self.metadata(of:)) ?? [:]
                metadata["datastar.postgres.error"] = "\(Self.describe(error))"
                self.logger.error(
                    "PostgresBackplane: the database refused a message; dropping it, other processes will not receive it",
                    metadata: metadata
                )
                oneByOne = max(0, oneByOne - 1)
            }
        }
    }

    /// The statement for the messages at the head of the queue: consecutive inline messages
    /// (with distinct payloads, since PostgreSQL folds identical notifications of one
    /// transaction into one), or one large message.
    private func nextStatement(limit: Int) -> Statement? {
        let head: [HubMessage] = self.state.withLockedValue { state in
            Array(state.queue.prefix(max(1, limit)))
        }
        guard !head.isEmpty else { return nil }
        let inlineLimit = min(self.options.inlinePayloadLimit, 7_999)
        var payloads: [String] = []
        var seen: Set<String> = []
        for message in head {
            let encoded = WireFormat.encode(message)
            if encoded.utf8.count > inlineLimit {
                return payloads.isEmpty ? .store(encoded, origin: message.origin) : .notify(payloads)
            }
            guard seen.insert(encoded).inserted else { break }
            payloads.append(encoded)
        }
        return .notify(payloads)
    }

    @discardableResult
    private func removeSent(_ count: Int) -> HubMessage? {
        self.state.withLockedValue { state in
            var first: HubMessage?
            for _ in 0..<min(count, state.queue.count) {
                let message = state.queue.removeFirst()
                if first == nil { first = message }
                state.queuedBytes -= Self.queuedSize(of: message)
            }
            return first
        }
    }

    private func execute(_ statement: Statement, on connection: PostgresConnection) async throws {
        let query: PostgresQuery
        switch statement {
        case .notify(let payloads) where payloads.count == 1:
            query = "SELECT pg_notify(\(self.channel), \(payloads[0]))"
        case .notify(let payloads):
            query = "SELECT pg_notify(\(self.channel), m.p) FROM unnest(\(payloads)::text[]) AS m(p)"
        case .store(let encoded, let origin):
            let prefix = WireFormat.referencePrefix(origin: origin)
            query = """
                WITH m AS (INSERT INTO "\(unescaped: self.payloadTable)" (body) VALUES (\(encoded)) RETURNING id) \
                SELECT pg_notify(\(self.channel), \(prefix) || m.id::text) FROM m
                """
        }
        // Errors raised while the statement runs arrive with the rows: read them all.
        _ = try await connection.query(query, logger: self.logger).collect()
    }

    private func createPayloadTable(on connection: PostgresConnection) async throws {
        let exists = try await connection.query(
            "SELECT to_regclass(\(self.quotedTable)) IS NOT NULL",
            logger: self.logger
        ).collect()
        if let row = exists.first, try row.decode(Bool.self) { return }
        do {
            _ = try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS "\(unescaped: self.payloadTable)" (\
                id bigserial PRIMARY KEY, \
                created_at timestamptz NOT NULL DEFAULT now(), \
                body text NOT NULL)
                """,
                logger: self.logger
            ).collect()
        } catch let error as PSQLError where ["23505", "42P07"].contains(error.serverInfo?[.sqlState] ?? "") {
            // Another process created it at the same moment.
        }
    }

    private func deleteExpiredPayloads(on connection: PostgresConnection) async throws {
        let retention = self.options.payloadRetention
        let seconds = Self.seconds(retention)
        _ = try await connection.query(
            """
            DELETE FROM "\(unescaped: self.payloadTable)" \
            WHERE created_at < now() - make_interval(secs => \(seconds))
            """,
            logger: self.logger
        ).collect()
    }

    private var quotedTable: String { "\"\(self.payloadTable)\"" }

    private func runTicker() async {
        while (try? await Task.sleep(for: self.options.cleanupInterval)) != nil {
            self.wakeSender()
        }
    }

    private func awaitGracefulShutdown() async {
        guard (try? await gracefulShutdown()) != nil else { return }
        self.state.withLockedValue { $0.isFlushing = true }
        self.wakeSender()
        try? await Task.sleep(for: self.options.shutdownFlushTimeout)
    }
}

// MARK: - Listener

extension PostgresBackplane {
    private func runListener() async {
        var delay = self.options.initialReconnectDelay
        var gapStart: (date: Date, instant: ContinuousClock.Instant)?
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                var wasListening = false
                var failure: (any Error)?
                var opened: PostgresConnection?
                do {
                    let connection = try await self.connect(role: "listener")
                    opened = connection
                    self.state.withLockedValue { $0.listenerConnection = connection }
                    if Task.isCancelled { throw CancellationError() }
                    try await connection.listen(on: self.channel) { notifications in
                        wasListening = true
                        delay = self.options.initialReconnectDelay
                        self.updateStatus {
                            $0.isListening = true
                            $0.listenCount += 1
                        }
                        if let gap = gapStart {
                            gapStart = nil
                            let seconds = Self.seconds(ContinuousClock.now - gap.instant)
                            self.logger.warning(
                                "PostgresBackplane is listening again; notifications other processes sent while it was disconnected were not received",
                                metadata: [
                                    "datastar.postgres.gap_start": "\(gap.date)",
                                    "datastar.postgres.gap_seconds": "\(seconds)",
                                ]
                            )
                        }
                        for try await notification in notifications {
                            try await self.receive(notification.payload, on: connection)
                        }
                    }
                } catch {
                    failure = error
                }
                if let opened {
                    self.state.withLockedValue { $0.listenerConnection = nil }
                    // postgres-nio insists on connections being closed before they are released.
                    try? await opened.close()
                }
                self.updateStatus { $0.isListening = false }
                if Task.isCancelled { return }
                if wasListening, gapStart == nil {
                    gapStart = (Date(), ContinuousClock.now)
                }
                self.logger.warning(
                    wasListening
                        ? "PostgresBackplane listener lost its connection; notifications are missed until it listens again"
                        : "PostgresBackplane listener cannot listen; retrying",
                    metadata: [
                        "datastar.postgres.error": "\(failure.map(Self.describe) ?? "the notification stream ended")",
                        "datastar.postgres.retry_in": "\(delay)",
                    ]
                )
                guard (try? await Task.sleep(for: delay)) != nil else { return }
                delay = min(delay * 2, self.options.maxReconnectDelay)
            }
        } onCancel: {
            let connection = self.state.withLockedValue { $0.listenerConnection }
            connection?.closeSoon()
        }
    }

    /// Handles one notification: decode, drop our own, fetch a large body, deliver. Throws only
    /// when the connection fails.
    private func receive(_ payload: String, on connection: PostgresConnection) async throws {
        let (origin, deliver, warn): (String?, (@Sendable (HubMessage) -> Void)?, Bool) =
            self.state.withLockedValue { state in
                let warn = state.origin == nil && !state.warnedUnattached
                if warn { state.warnedUnattached = true }
                return (state.origin, state.deliver, warn)
            }
        guard let origin, let deliver else {
            if warn {
                self.logger.warning("PostgresBackplane received messages before a hub attached to it; dropping them")
            }
            return
        }
        let message: HubMessage
        do {
            switch try WireFormat.decode(payload) {
            case .message(let decoded):
                message = decoded
            case .reference(let sender, let rowID):
                guard sender != origin else { return }
                guard let body = try await self.fetchPayload(rowID: rowID, on: connection) else { return }
                guard case .message(let decoded) = try WireFormat.decode(body) else {
                    throw WireFormat.DecodingError(reason: "the payload row holds a reference")
                }
                message = decoded
            }
        } catch let error as WireFormat.DecodingError {
            self.logger.error(
                "PostgresBackplane cannot read a notification; skipping it",
                metadata: [
                    "datastar.postgres.error": "\(error)",
                    "datastar.postgres.payload_prefix": "\(payload.prefix(80))",
                ]
            )
            return
        }
        guard message.origin != origin else { return }
        deliver(message)
    }

    /// The body of a large payload's row; `nil` (logged) when it is gone or the database
    /// refuses the query.
    private func fetchPayload(rowID: Int64, on connection: PostgresConnection) async throws -> String? {
        let body: String?
        do {
            let rows = try await connection.query(
                "SELECT body FROM \"\(unescaped: self.payloadTable)\" WHERE id = \(rowID)",
                logger: self.logger
            ).collect()
            body = try rows.first?.decode(String.self)
        } catch  where !Self.isConnectionFailure(error, on: connection) {
            self.logger.error(
                "PostgresBackplane cannot read a large payload; skipping its message",
                metadata: ["datastar.postgres.row": "\(rowID)", "datastar.postgres.error": "\(Self.describe(error))"]
            )
            return nil
        }
        guard let body else {
            self.logger.error(
                "PostgresBackplane: a large payload's row is gone (deleted after the retention time?); skipping its message",
                metadata: ["datastar.postgres.row": "\(rowID)", "datastar.postgres.table": "\(self.payloadTable)"]
            )
            return nil
        }
        return body
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension PostgresConnection {
    /// Starts closing the connection, from synchronous code.
    fileprivate func closeSoon() {
        let _: EventLoopFuture<Void> = self.close()
    }
}
