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

public import Datastar
public import Logging
import CoreMetrics
import NIOConcurrencyHelpers
import NIOCore

/// Broadcasts events to every stream subscribed to a topic, on every event loop — and, through
/// a ``DatastarBackplane``, in every server process.
///
/// ```swift
/// let hub = DatastarHub()
///
/// // One long-lived GET per page: a reactor stream subscribed to a topic.
/// router.get("/board/updates") { _, _ in
///     DatastarStream(subscribingTo: ["board"], on: hub) { sse in
///         if case .replayed = sse.resume { return }    // the missed updates were replayed
///         try sse.send(.patchElements(renderBoard()))
///     }
/// }
/// // Short POSTs change state and publish.
/// router.post("/board/toggle") { request, _ in
///     board.toggle(...)
///     try hub.publish(.patchElements(renderBoard()), to: "board")
///     return HTTPResponse.Status.noContent
/// }
/// ```
///
/// - **Encode once, one hop per loop.** ``publish(_:to:)-(DatastarEvent,_)`` encodes the event
///   once into a `ByteBuffer`. Each event loop that has subscribers of the topic gets one task
///   for any number of messages published meanwhile, and writes the same buffer to each of its
///   subscribers.
/// - **Slow clients.** A subscriber's backlog (bytes written but not yet read by the client,
///   plus bytes held back for it) is bounded by its ``HubSubscription/backlogLimit``; the
///   topic's ``SlowClientPolicy`` says what is held back. A stalled client never delays the
///   others.
/// - **Metrics.** `datastar_hub_messages` counts messages delivered in this process (published
///   here or received from the backplane) and `datastar_hub_loop_tasks` the tasks that carried
///   them to event loops; both with the dimension `hub`. Writes to subscribers are counted by
///   the reactor's metrics.
/// - **Resume.** Each topic keeps a bounded history. A client that reconnects with
///   `Last-Event-ID` gets exactly the messages published after that id, in order; when they are
///   no longer all in the history, its `onConnect` is told (``HubResume/gap``).
public final class DatastarHub: Sendable {
    /// The hub the adapters' examples use when none is given.
    public static let shared = DatastarHub()

    /// The hub's name: the `hub` dimension of its metrics.
    public let name: String
    /// Identifies this hub's messages on the backplane, so that none is delivered twice.
    public let origin: String
    /// Where messages travel to and from other processes.
    public let backplane: any DatastarBackplane

    /// How many subscribers (and how long) one task of an event loop writes to before it
    /// gives the loop back to I/O.
    public let taskBudget: LoopTaskBudget

    let logger: Logger
    let defaultOptions: HubTopicOptions
    private let messagesCounter: Counter
    private let loopTasksCounter: Counter
    private let state: NIOLockedValueBox<HubState>

    /// Creates a hub.
    ///
    /// - Parameters:
    ///   - name: the `hub` dimension of the hub's metrics.
    ///   - backplane: carries messages to and from other server processes;
    ///     ``InProcessBackplane`` (one process) by default.
    ///   - defaultTopicOptions: the options of topics not configured with
    ///     ``configure(_:_:)``.
    ///   - taskBudget: how many subscribers (and how long) one task of an event loop writes
    ///     to before it yields the loop to I/O and goes on.
    ///   - logger: where the hub logs.
    public init(
        name: String = "default",
        backplane: any DatastarBackplane = InProcessBackplane(),
        defaultTopicOptions: HubTopicOptions = .default,
        taskBudget: LoopTaskBudget = .default,
        logger: Logger = Logger(label: "datastar.hub")
    ) {
        self.name = name
        self.taskBudget = taskBudget
        self.origin = Self.makeOrigin()
        self.backplane = backplane
        self.defaultOptions = defaultTopicOptions
        self.logger = logger
        self.state = NIOLockedValueBox(HubState())
        self.messagesCounter = Counter(label: "datastar_hub_messages", dimensions: [("hub", name)])
        self.loopTasksCounter = Counter(label: "datastar_hub_loop_tasks", dimensions: [("hub", name)])
        backplane.attach(origin: origin) { [weak self] message in
            self?.deliver(message)
        }
    }

    private static func makeOrigin() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return String(high, radix: 16) + String(low, radix: 16)
    }

    /// Sets the options of `topic`. Give every process the same options: the backplane carries
    /// messages, not configuration. A smaller history applies at the next publish.
    public func configure(_ topic: String, _ options: HubTopicOptions) {
        state.withLockedValue { $0.topics[topic, default: TopicState(options: defaultOptions)].options = options }
    }

    /// Publishes one event to every subscriber of `topic`, in this process and — through the
    /// backplane — in every other one. Callable from any thread or task; it does not wait for
    /// the writes.
    ///
    /// - Throws: a ``Datastar/DatastarError`` for an event that cannot be encoded safely;
    ///   nothing is published then.
    public func publish(_ event: DatastarEvent, to topic: String) throws {
        try publish([event], to: topic)
    }

    /// Publishes several events as one message: a subscriber receives all of them, in order,
    /// or none. The message's id, for resuming clients, is the last event id among them.
    ///
    /// - Throws: a ``Datastar/DatastarError`` for an event that cannot be encoded safely;
    ///   nothing is published then.
    public func publish(_ events: [DatastarEvent], to topic: String) throws {
        guard !events.isEmpty else { return }
        var payload = ByteBufferAllocator().buffer(capacity: 256)
        for event in events { try event.encode(into: &payload) }
        let policy = state.withLockedValue { $0.topics[topic]?.options.policy } ?? defaultOptions.policy
        let key = (policy == .coalesce && events.count == 1) ? events[0].coalescingKey : nil
        let message = HubMessage(
            topic: topic,
            payload: payload,
            eventID: events.last(where: { $0.eventID != nil })?.eventID,
            coalescingKey: key,
            origin: origin
        )
        deliver(message)
        backplane.publish(message)
    }

    /// The number of subscribers of `topic` in this process.
    public func subscriberCount(of topic: String) -> Int {
        state.withLockedValue { $0.topics[topic]?.subscribersPerLoop.values.reduce(0, +) ?? 0 }
    }

    /// The number of messages the history of `topic` holds.
    public func historyCount(of topic: String) -> Int {
        state.withLockedValue { $0.topics[topic]?.history.count ?? 0 }
    }

    /// Records a message in its topic's history and hands it to every event loop with
    /// subscribers of the topic: one task per loop for whatever is waiting when it runs.
    func deliver(_ message: HubMessage) {
        let loopsToWake = state.withLockedValue { state -> [(any EventLoop, NIOLoopBound<LoopHub>)] in
            state.sequence += 1
            let delivery = HubDelivery(sequence: state.sequence, message: message)
            state.topics[message.topic, default: TopicState(options: defaultOptions)].record(delivery)
            var wake: [(any EventLoop, NIOLoopBound<LoopHub>)] = []
            for (key, count) in state.topics[message.topic]!.subscribersPerLoop where count > 0 {
                guard state.mailboxes[key] != nil else { continue }
                state.mailboxes[key]!.pending.append(delivery)
                if !state.mailboxes[key]!.scheduled {
                    state.mailboxes[key]!.scheduled = true
                    wake.append((state.mailboxes[key]!.eventLoop, state.mailboxes[key]!.loopHub))
                }
            }
            return wake
        }
        messagesCounter.increment()
        if !loopsToWake.isEmpty { loopTasksCounter.increment(by: Int64(loopsToWake.count)) }
        for (eventLoop, loopHub) in loopsToWake {
            let key = ObjectIdentifier(eventLoop)
            eventLoop.execute {
                let batch = self.state.withLockedValue { $0.mailboxes[key]?.takePending() ?? [] }
                loopHub.value.deliver(batch)
            }
        }
    }

    /// Subscribes a connection to its stream's topics, on the connection's loop: registers it
    /// so that the next publish reaches its loop, and queues what it missed (per its
    /// `Last-Event-ID`) in its output.
    func subscribe(_ connection: DatastarConnection, to topics: [String]) {
        let eventLoop = connection.eventLoop
        eventLoop.assertInEventLoop()
        let key = ObjectIdentifier(eventLoop)
        let lastEventID = connection.lastEventID
        let (sequence, replay, resume, loopHub) = state.withLockedValue { state in
            let mailbox = state.mailbox(for: eventLoop, budget: taskBudget)
            var replay: [HubDelivery] = []
            var resume = HubResume.fresh
            if let lastEventID, !lastEventID.isEmpty {
                (replay, resume) = state.missed(after: lastEventID, in: topics)
            }
            for topic in Set(topics) {
                state.topics[topic, default: TopicState(options: defaultOptions)].subscribersPerLoop[key, default: 0] +=
                    1
            }
            return (state.sequence, replay, resume, mailbox.loopHub)
        }
        connection.hubSequence = sequence
        connection.resume = resume
        for delivery in replay {
            connection.appendableOutput.writeImmutableBuffer(delivery.message.payload)
            connection.outputEvents += 1
        }
        loopHub.value.add(connection, to: topics)
    }

    /// Removes a closed connection from its topics; on the connection's loop.
    func unsubscribe(_ connection: DatastarConnection, from topics: [String]) {
        let eventLoop = connection.eventLoop
        eventLoop.assertInEventLoop()
        let key = ObjectIdentifier(eventLoop)
        let loopHub = state.withLockedValue { state in
            for topic in Set(topics) where state.topics[topic] != nil {
                let remaining = (state.topics[topic]!.subscribersPerLoop[key] ?? 1) - 1
                state.topics[topic]!.subscribersPerLoop[key] = remaining > 0 ? remaining : nil
            }
            return state.mailboxes[key]?.loopHub
        }
        loopHub?.value.remove(connection)
    }
}

/// One message on its way to the subscribers of one process, numbered in the order the hub
/// received it.
struct HubDelivery {
    let sequence: UInt64
    let message: HubMessage
}

/// The hub's shared state; touched only under its lock.
struct HubState {
    var sequence: UInt64 = 0
    var topics: [String: TopicState] = [:]
    var mailboxes: [ObjectIdentifier: LoopMailbox] = [:]

    mutating func mailbox(for eventLoop: any EventLoop, budget: LoopTaskBudget) -> LoopMailbox {
        let key = ObjectIdentifier(eventLoop)
        if let existing = mailboxes[key] { return existing }
        let created = LoopMailbox(
            eventLoop: eventLoop,
            loopHub: NIOLoopBound(LoopHub(eventLoop: eventLoop, budget: budget), eventLoop: eventLoop)
        )
        mailboxes[key] = created
        return created
    }

    /// What a client whose last event was `lastEventID` missed in `topics`, merged in
    /// publishing order, and whether all of it is still in the histories.
    func missed(after lastEventID: String, in topics: [String]) -> ([HubDelivery], HubResume) {
        let states = Set(topics).compactMap { self.topics[$0] }
        let found = states.compactMap { $0.sequence(ofEventID: lastEventID) }.max()
        guard let found else { return ([], .gap) }
        if states.contains(where: { $0.evictedThrough > found }) { return ([], .gap) }
        let replay = states.flatMap { $0.history.filter { $0.sequence > found } }
            .sorted { $0.sequence < $1.sequence }
        return (replay, .replayed(replay.count))
    }
}

/// One topic: its options, its history, and how many subscribers each event loop has.
struct TopicState {
    var options: HubTopicOptions
    var history: [HubDelivery] = []
    var historyBytes = 0
    /// The sequence number of the newest message dropped from the history; 0 when none was.
    var evictedThrough: UInt64 = 0
    var subscribersPerLoop: [ObjectIdentifier: Int] = [:]

    init(options: HubTopicOptions) {
        self.options = options
    }

    mutating func record(_ delivery: HubDelivery) {
        history.append(delivery)
        historyBytes += delivery.message.payload.readableBytes
        var drop = 0
        var droppedBytes = 0
        while history.count - drop > options.historyCount || historyBytes - droppedBytes > options.historyBytes {
            droppedBytes += history[drop].message.payload.readableBytes
            evictedThrough = history[drop].sequence
            drop += 1
        }
        if drop > 0 {
            history.removeFirst(drop)
            historyBytes -= droppedBytes
        }
    }

    func sequence(ofEventID id: String) -> UInt64? {
        history.last(where: { $0.message.eventID == id })?.sequence
    }
}

/// What waits for one event loop, and whether a task to deliver it is scheduled. Touched only
/// under the hub's lock (the loop-bound part only on its loop).
struct LoopMailbox {
    let eventLoop: any EventLoop
    let loopHub: NIOLoopBound<LoopHub>
    var pending: [HubDelivery] = []
    var scheduled = false

    init(eventLoop: any EventLoop, loopHub: NIOLoopBound<LoopHub>) {
        self.eventLoop = eventLoop
        self.loopHub = loopHub
    }

    mutating func takePending() -> [HubDelivery] {
        defer {
            pending = []
            scheduled = false
        }
        return pending
    }
}
