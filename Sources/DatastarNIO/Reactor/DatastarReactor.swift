public import Datastar
public import Logging
import NIOConcurrencyHelpers
public import NIOCore

/// Drives long-lived Datastar streams from one repeating timer per event loop and interval.
///
/// A handler registers its connection and returns; the reactor then runs every connection's
/// updater on its event loop, writes and flushes each connection once per tick, sends
/// keep-alive comments on quiet streams, and retires connections whose writes fail, whose
/// client stopped reading for too long, or whose updater threw — calling `onDisconnect`
/// exactly once. There is no timer per connection: a timer's connections are spread over a few
/// slots, and each firing runs one slot, so their writes do not all land at the same instant.
///
/// The framework adapters register connections; apps only choose a reactor when they want
/// more than one (``shared`` is the default).
public final class DatastarReactor: Sendable {
    /// The reactor the adapters use by default.
    public static let shared = DatastarReactor()

    /// The most slots a timer spreads its connections over.
    public let maxSlots: Int

    /// The reactor's name: the `reactor` dimension of its metrics.
    public let name: String

    let logger: Logger
    let metrics: StreamMetrics
    private let loops = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<LoopReactor>]>([:])
    private let nextID = NIOLockedValueBox<UInt64>(1)
    private let asyncStreams = NIOLockedValueBox<[UInt64: ServerSentEventStream.StopSignal]>([:])

    /// Creates a reactor.
    ///
    /// - Parameters:
    ///   - name: the `reactor` dimension of the reactor's metrics.
    ///   - maxSlots: the most slots a timer spreads its connections over; each slot gets at
    ///     least 10 ms of the interval.
    ///   - logger: where retirements are logged, at debug level, for connections registered
    ///     without a logger of their own.
    public init(name: String = "default", maxSlots: Int = 8, logger: Logger = Logger(label: "datastar.reactor")) {
        self.name = name
        self.maxSlots = max(1, maxSlots)
        self.logger = logger
        self.metrics = StreamMetrics(reactorName: name)
    }

    /// A fresh connection id; adapters reserve one before registering, so they can close the
    /// connection by id later (for example on graceful shutdown).
    public func makeConnectionID() -> UInt64 {
        nextID.withLockedValue { id in
            defer { id += 1 }
            return id
        }
    }

    /// Registers a connection: on its event loop, runs `onConnect`, writes what it sent, and
    /// adds the connection to the timer of its interval. Callable from any thread; one hop
    /// to the event loop when called elsewhere.
    ///
    /// - Parameter contentCoding: the coding the adapter negotiated with
    ///   ``DatastarCompression/negotiate(acceptEncoding:)`` and announced in the response
    ///   head; everything written to the connection is compressed with it, flushed per write.
    ///   `nil` or identity writes bytes as they are.
    public func register(
        _ stream: DatastarStream,
        id: UInt64? = nil,
        transport: any ReactorTransport,
        lastEventID: String? = nil,
        contentCoding: ContentCoding? = nil,
        logger: Logger? = nil
    ) {
        let connectionID = id ?? makeConnectionID()
        let eventLoop = transport.eventLoop
        let logger = logger ?? self.logger
        let add: @Sendable () -> Void = {
            self.loopReactor(on: eventLoop).add(
                DatastarConnection(
                    id: connectionID,
                    stream: stream,
                    transport: transport,
                    lastEventID: lastEventID,
                    contentCoding: contentCoding,
                    logger: logger
                )
            )
        }
        if eventLoop.inEventLoop {
            add()
        } else {
            eventLoop.execute(add)
        }
    }

    /// Ends the connection `id` on `eventLoop`, if it is still open, with `reason`.
    public func close(id: UInt64, on eventLoop: any EventLoop, reason: StreamEndReason) {
        eventLoop.execute {
            let reactor = self.loopReactor(on: eventLoop)
            if let connection = reactor.connections[id] {
                reactor.retire(connection, reason)
            }
        }
    }

    /// Ends every open stream with ``StreamEndReason/serverShutdown`` (each `onDisconnect`
    /// runs) and stops the timers; one hop per event loop. Async streams that registered with
    /// this reactor are stopped too. Returns when every reactor stream has ended.
    public func shutdown() async {
        let stops = asyncStreams.withLockedValue { Array($0.values) }
        for stop in stops { stop.stop() }
        let reactors = loops.withLockedValue { Array($0.values) }
        for reactor in reactors {
            try? await reactor.eventLoop.submit { reactor.value.shutdown() }.get()
        }
    }

    /// Lets ``shutdown()`` stop an async stream; returns the token to untrack it with.
    func trackAsyncStream(_ stop: ServerSentEventStream.StopSignal) -> UInt64 {
        let token = makeConnectionID()
        asyncStreams.withLockedValue { $0[token] = stop }
        return token
    }

    func untrackAsyncStream(_ token: UInt64) {
        _ = asyncStreams.withLockedValue { $0.removeValue(forKey: token) }
    }

    /// The number of open streams, over all event loops; one hop per loop.
    public func openStreams() async -> Int {
        await sumOverLoops { $0.connections.count }
    }

    /// The number of repeating timers running, over all event loops; one hop per loop.
    public func activeTimers() async -> Int {
        await sumOverLoops { $0.activeTimerCount }
    }

    private func sumOverLoops(_ count: @escaping @Sendable (LoopReactor) -> Int) async -> Int {
        let reactors = loops.withLockedValue { Array($0.values) }
        var total = 0
        for reactor in reactors {
            total += (try? await reactor.eventLoop.submit { count(reactor.value) }.get()) ?? 0
        }
        return total
    }

    /// The loop-bound part of the reactor for `eventLoop`; call on that loop.
    func loopReactor(on eventLoop: any EventLoop) -> LoopReactor {
        eventLoop.assertInEventLoop()
        let key = ObjectIdentifier(eventLoop)
        let bound = loops.withLockedValue { loops in
            if let existing = loops[key] { return existing }
            let created = NIOLoopBound(LoopReactor(eventLoop: eventLoop, owner: self), eventLoop: eventLoop)
            loops[key] = created
            return created
        }
        return bound.value
    }
}

/// The reactor's state on one event loop: its connections and its timers. Touched only on
/// that loop.
final class LoopReactor {
    let eventLoop: any EventLoop
    unowned let owner: DatastarReactor
    var connections: [UInt64: DatastarConnection] = [:]
    var timers: [Int64: IntervalTimer] = [:]
    var unreportedEvents = 0
    var unreportedBytes = 0

    init(eventLoop: any EventLoop, owner: DatastarReactor) {
        self.eventLoop = eventLoop
        self.owner = owner
    }

    var activeTimerCount: Int { timers.values.filter(\.isRunning).count }

    func add(_ connection: DatastarConnection) {
        eventLoop.assertInEventLoop()
        guard let stream = connection.stream, let transport = connection.transport else { return }
        connections[connection.id] = connection
        connection.loopReactor = self
        connection.writesHTTP1Chunks = transport.writesHTTP1Chunks
        owner.metrics.open.increment()
        if let coding = connection.contentCoding {
            do {
                connection.compressor = try stream.compression.makeCompressor(for: coding)
            } catch {
                retire(connection, .writeFailed("\(error)"))
                return
            }
        }
        transport.closeFuture?.hop(to: eventLoop).assumeIsolated().whenComplete { [weak self, weak connection] _ in
            guard let self, let connection else { return }
            self.retire(connection, .clientGone)
        }
        if let subscription = stream.subscription {
            // Replays what the client missed into its output, before onConnect adds to it.
            subscription.hub.subscribe(connection, to: subscription.topics)
            connection.subscribed = true
        }
        if let onConnect = stream.onConnect {
            do {
                try onConnect(connection)
            } catch {
                flush(connection)
                retire(connection, .updaterThrew("\(error)"))
                return
            }
        }
        guard connection.state != .retired else { return }
        connection.state = .active
        if connection.output.readableBytes == 0 {
            // Some servers (Vapor) hold the response head until the body is first flushed; an
            // empty write flushes it now, so the client sees the stream open at once.
            transport.writeAndFlush(ByteBuffer(), promise: nil)
        }
        flush(connection)
        if connection.closeRequested {
            retire(connection, .closedByApp)
            return
        }
        guard connection.state == .active else { return }
        let interval = stream.tickInterval
        let timer =
            timers[interval.nanoseconds]
            ?? {
                let timer = IntervalTimer(interval: interval, maxSlots: owner.maxSlots, reactor: self)
                timers[interval.nanoseconds] = timer
                return timer
            }()
        timer.add(connection)
    }

    /// One visit of the timer: skip a stalled connection, run the updater, write, keep alive.
    func visit(_ connection: DatastarConnection, now: NIODeadline) {
        guard connection.state == .active, let stream = connection.stream else { return }
        if connection.writesInFlight > 0 {
            let since = connection.stalledSince ?? now
            connection.stalledSince = since
            if now - since >= TimeAmount(stream.unwritableTimeout) {
                retire(connection, .unwritableTooLong)
            } else {
                connection.skippedUpdates += 1
            }
            return
        }
        connection.stalledSince = nil
        if let update = stream.update {
            connection.updates += 1
            do {
                try update(connection)
            } catch {
                flush(connection)
                retire(connection, .updaterThrew("\(error)"))
                return
            }
        }
        if connection.output.readableBytes == 0, now - connection.lastWrite >= TimeAmount(stream.keepAlive) {
            ServerSentEventComment.encode("", into: &connection.output)
        }
        flush(connection)
        if connection.closeRequested { retire(connection, .closedByApp) }
    }

    /// Writes and flushes what the connection has collected.
    func flush(_ connection: DatastarConnection) {
        guard connection.output.readableBytes > 0 else { return }
        let events = connection.outputEvents
        let output = connection.takeOutput()
        writeEncoded(output, events: events, to: connection)
    }

    /// Writes body bytes as the connection's wire needs them: compressed (and flushed) for a
    /// compressed stream, then framed as one HTTP/1 chunk where the transport takes chunks. A
    /// compressor that fails retires the connection.
    private func writeEncoded(_ body: ByteBuffer, events: Int, to connection: DatastarConnection) {
        var bytes = body
        if let compressor = connection.compressor {
            do {
                bytes = try compressor.compress(body)
            } catch {
                retire(connection, .writeFailed("\(error)"))
                return
            }
        }
        write(framed(bytes, for: connection), events: events, to: connection)
    }

    /// `bytes` as one HTTP/1 chunk where the connection's transport takes chunks, else as
    /// they are.
    private func framed(_ bytes: ByteBuffer, for connection: DatastarConnection) -> ByteBuffer {
        connection.writesHTTP1Chunks ? HTTP1Chunk.frame(bytes) : bytes
    }

    /// Writes hub bytes in the form ``deliver(_:coalescingKey:to:)`` takes them: ready for the
    /// wire, or, for a compressed subscriber, the payload to compress first.
    private func writeDelivered(_ bytes: ByteBuffer, events: Int, to connection: DatastarConnection) {
        if connection.compressor != nil {
            writeEncoded(bytes, events: events, to: connection)
        } else {
            write(bytes, events: events, to: connection)
        }
    }

    /// Writes and flushes one buffer, and follows its write: a failed write retires the
    /// connection; once every write has completed, what the hub held back is written.
    func write(_ buffer: ByteBuffer, events: Int, to connection: DatastarConnection) {
        guard let transport = connection.transport, connection.state != .retired else { return }
        let size = buffer.readableBytes
        connection.eventsSent += events
        connection.lastWrite = eventLoop.now
        connection.writesInFlight += 1
        connection.bytesInFlight += size
        unreportedEvents += events
        unreportedBytes += size
        let promise = eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { [weak self, weak connection] result in
            guard let self, let connection else { return }
            connection.writesInFlight -= 1
            connection.bytesInFlight -= size
            if case .failure(let error) = result {
                self.retire(connection, .writeFailed("\(error)"))
            } else if connection.writesInFlight == 0, !connection.heldBack.isEmpty {
                self.writeHeldBack(connection)
            }
        }
        transport.writeAndFlush(buffer, promise: promise)
    }

    /// Hands a hub message to a subscriber: `bytes` is written at once when nothing is in
    /// flight, held back otherwise — replacing a held-back message with the same coalescing
    /// key — and the subscriber is disconnected when its backlog passes its limit.
    ///
    /// For a subscriber without compression, `bytes` is ready for the wire: the message's
    /// payload, or its one HTTP/1 chunk, shared by every such subscriber of the loop. For a
    /// compressed subscriber it is the payload, compressed for this stream when written (held
    /// back uncompressed, so coalescing still works and held-back messages compress together).
    func deliver(_ bytes: ByteBuffer, coalescingKey: String?, to connection: DatastarConnection) {
        guard connection.state == .active, let limit = connection.stream?.subscription?.backlogLimit else { return }
        if connection.writesInFlight == 0, connection.heldBack.isEmpty {
            writeDelivered(bytes, events: 1, to: connection)
            return
        }
        if let coalescingKey,
            let index = connection.heldBack.firstIndex(where: { $0.coalescingKey == coalescingKey })
        {
            connection.heldBackBytes -= connection.heldBack.remove(at: index).bytes.readableBytes
        }
        connection.heldBack.append((bytes, coalescingKey))
        connection.heldBackBytes += bytes.readableBytes
        if connection.bytesInFlight + connection.heldBackBytes > limit {
            retire(connection, .backlogExceeded)
        }
    }

    /// Writes what the hub held back for a connection, as one buffer.
    private func writeHeldBack(_ connection: DatastarConnection) {
        var combined = ByteBufferAllocator().buffer(capacity: connection.heldBackBytes)
        for held in connection.heldBack {
            combined.writeImmutableBuffer(held.bytes)
        }
        let events = connection.heldBack.count
        connection.heldBack = []
        connection.heldBackBytes = 0
        writeDelivered(combined, events: events, to: connection)
    }

    /// Reports the events and bytes written since the last report to swift-metrics: once per
    /// timer firing rather than once per write.
    func reportMetrics() {
        guard unreportedBytes > 0 else { return }
        owner.metrics.events.increment(by: Int64(unreportedEvents))
        owner.metrics.bytes.increment(by: Int64(unreportedBytes))
        unreportedEvents = 0
        unreportedBytes = 0
    }

    /// Ends a connection exactly once: removes it from its timer, ends the response, and
    /// calls `onDisconnect`.
    func retire(_ connection: DatastarConnection, _ reason: StreamEndReason) {
        eventLoop.assertInEventLoop()
        guard connection.state != .retired else { return }
        let wasAdded = connections.removeValue(forKey: connection.id) != nil
        connection.state = .retired
        if let stream = connection.stream {
            timers[stream.tickInterval.nanoseconds]?.remove(connection)
        }
        if connection.subscribed, let subscription = connection.stream?.subscription {
            subscription.hub.unsubscribe(connection, from: subscription.topics)
            connection.subscribed = false
        }
        connection.heldBack = []
        connection.heldBackBytes = 0
        (connection.logger ?? owner.logger).debug(
            "Datastar stream retired",
            metadata: ["datastar.connection": "\(connection.id)", "datastar.reason": "\(reason)"]
        )
        if wasAdded {
            owner.metrics.open.decrement()
            owner.metrics.retired(reason)
        }
        endCompression(of: connection, reason)
        connection.transport?.finish()
        connection.stream?.onDisconnect?(connection, reason)
    }

    /// Ends a compressed stream properly (gzip's trailer, brotli's and zstd's last block) when
    /// the client may still read it, and frees the compressor's memory.
    private func endCompression(of connection: DatastarConnection, _ reason: StreamEndReason) {
        guard let compressor = connection.compressor else { return }
        connection.compressor = nil
        switch reason {
        case .clientGone, .writeFailed: return
        default: break
        }
        guard let transport = connection.transport, let end = try? compressor.finish() else { return }
        transport.writeAndFlush(framed(end, for: connection), promise: nil)
    }

    func shutdown() {
        for connection in Array(connections.values) {
            retire(connection, .serverShutdown)
        }
    }
}

/// One repeating timer of one event loop and interval. Its connections are spread over up to
/// `maxSlots` slots; it fires `slots` times per interval and visits one slot each time. The
/// timer stops when it has no connections and starts again with the next one.
final class IntervalTimer {
    let interval: TimeAmount
    let slotCount: Int
    unowned let reactor: LoopReactor
    var slots: [[DatastarConnection]]
    var nextSlot = 0
    var task: Scheduled<Void>?
    var step = TimeAmount.milliseconds(1)
    var count = 0

    init(interval: TimeAmount, maxSlots: Int, reactor: LoopReactor) {
        self.interval = interval
        self.slotCount = max(1, min(maxSlots, Int(interval.nanoseconds / 10_000_000)))
        self.reactor = reactor
        self.slots = Array(repeating: [], count: slotCount)
    }

    var isRunning: Bool { task != nil }

    func add(_ connection: DatastarConnection) {
        var emptiest = 0
        for index in slots.indices where slots[index].count < slots[emptiest].count {
            emptiest = index
        }
        connection.slot = emptiest
        connection.indexInSlot = slots[emptiest].count
        slots[emptiest].append(connection)
        count += 1
        if task == nil {
            step = TimeAmount.nanoseconds(max(1, interval.nanoseconds / Int64(slotCount)))
            schedule(at: reactor.eventLoop.now + step)
        }
    }

    /// Schedules the next firing at a fixed rate: each deadline is the previous one plus a
    /// step, so the time a firing takes does not stretch the interval. A timer that has fallen
    /// more than one step behind (an overloaded loop) goes on from now rather than trying to
    /// make up every missed step.
    private func schedule(at deadline: NIODeadline) {
        let timer = NIOLoopBound(self, eventLoop: reactor.eventLoop)
        task = reactor.eventLoop.scheduleTask(deadline: deadline) {
            let timer = timer.value
            timer.fire()
            guard timer.task != nil else { return }
            var next = deadline + timer.step
            let now = timer.reactor.eventLoop.now
            if next + timer.step < now { next = now }
            timer.schedule(at: next)
        }
    }

    func remove(_ connection: DatastarConnection) {
        let slot = connection.slot
        let index = connection.indexInSlot
        guard slots.indices.contains(slot), slots[slot].indices.contains(index), slots[slot][index] === connection
        else { return }
        let last = slots[slot].removeLast()
        if last !== connection {
            slots[slot][index] = last
            last.indexInSlot = index
        }
        count -= 1
        if count == 0 {
            task?.cancel()
            task = nil
        }
    }

    func fire() {
        let slot = nextSlot
        nextSlot = (nextSlot + 1) % slotCount
        let now = reactor.eventLoop.now
        // Backwards, so that a connection retired during its visit (swapped out with the last
        // one, already visited) neither skips nor repeats another.
        var index = slots[slot].count - 1
        while index >= 0 {
            if index < slots[slot].count {
                reactor.visit(slots[slot][index], now: now)
            }
            index -= 1
        }
        reactor.reportMetrics()
    }
}
