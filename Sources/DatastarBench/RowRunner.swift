import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One cell of the matrix.
struct RowSpec: Sendable, Hashable {
    var framework: String
    var mode: String
    var streams: Int
    var hz: Int

    var label: String { "\(framework) \(mode) \(streams) streams \(hz) Hz" }
}

/// Settings shared by every row.
struct RunSettings: Sendable {
    var server: URL
    var warmup: Double
    var duration: Double
    var serverThreads: Int
    var sources: [SocketAddress]
    /// At most this many connects (and response heads) in flight.
    var connectBatch = 500
    /// The connection phase of a row fails if it cannot open every stream within this time.
    var connectLimit = 60.0
    /// How long the server may take to print its "listening on" line.
    var startLimit = 30.0
}

/// Runs rows: starts the server, opens the streams, warms up, measures, tears down.
struct RowRunner {
    let settings: RunSettings
    let group: MultiThreadedEventLoopGroup
    let progress: (String) -> Void

    func run(_ spec: RowSpec) -> RowResult {
        var result = RowResult(spec: spec)
        progress("starting \(settings.server.lastPathComponent)")
        let arguments = [
            "--port", "0", "--framework", spec.framework, "--mode", spec.mode,
            "--threads", String(settings.serverThreads),
        ]
        let server: ServerProcess
        do {
            server = try ServerProcess.launch(
                executable: settings.server,
                arguments: arguments,
                timeout: settings.startLimit
            )
        } catch {
            result.failure = "\(error)"
            return result
        }
        result.serverRSSBeforeKiB = server.residentKiB

        var slots: [LoopSlot] = []
        do {
            slots = try LoopSlot.make(for: group)
            try measure(spec, server: server, slots: slots, into: &result)
        } catch {
            result.failure = "\(error)"
        }
        if !slots.isEmpty {
            progress("closing \(result.streamsOpened) streams")
            closeAll(slots)
        }
        server.stop()
        return result
    }

    private func measure(_ spec: RowSpec, server: ServerProcess, slots: [LoopSlot], into result: inout RowResult)
        throws
    {
        progress("server pid \(server.pid) on port \(server.port); opening \(spec.streams) streams")
        let connectStart = Clock.monotonicSeconds()
        let connection = try connect(spec, server: server, slots: slots)
        result.connectSeconds = Clock.monotonicSeconds() - connectStart
        result.streamsOpened = try LoopSlot.snapshot(slots).opened
        guard result.streamsOpened == spec.streams else {
            let reason = connection.reason ?? "unknown reason"
            result.failure = "opened \(result.streamsOpened) of \(spec.streams) streams: \(reason)"
            return
        }
        progress(
            "opened \(spec.streams) streams in \(format(result.connectSeconds ?? 0, 1)) s; "
                + "warming up \(format(settings.warmup, 1)) s"
        )
        Clock.sleep(seconds: settings.warmup)
        guard server.isRunning else { throw BenchError.server("exited during the warm-up") }

        progress("measuring \(format(settings.duration, 1)) s")
        _ = try LoopSlot.onEach(slots, timeout: 30) { $0.resetWindow() }
        let start = Clock.monotonicSeconds()
        let serverCPUStart = server.cpuSeconds
        let serverScheduledStart = server.scheduledSeconds
        let clientCPUStart = ProcFS.cpuSeconds(pid: "self")
        Clock.sleep(seconds: settings.duration)
        let stats = try LoopSlot.snapshot(slots)
        let window = Clock.monotonicSeconds() - start
        let serverCPUEnd = server.cpuSeconds
        let serverScheduledEnd = server.scheduledSeconds
        let clientCPUEnd = ProcFS.cpuSeconds(pid: "self")
        let rssAfter = server.residentKiB
        guard server.isRunning else { throw BenchError.server("exited during the measurement") }

        result.windowSeconds = window
        result.events = stats.events
        result.otherEvents = stats.otherEvents
        result.negativeLags = stats.negativeLags
        result.bodyBytes = stats.bytes
        result.streamsEnded = stats.ended
        result.protocolErrors = stats.protocolErrors
        result.eventsPerSecond = Double(stats.events) / window
        result.deliveredPercent = 100 * Double(stats.events) / (Double(spec.streams * spec.hz) * window)
        result.lagP50Ms = stats.lags.quantile(0.50).map { $0 / 1000 }
        result.lagP99Ms = stats.lags.quantile(0.99).map { $0 / 1000 }
        result.lagMeanMs = stats.lags.mean.map { $0 / 1000 }
        result.lagMaxMs = stats.lags.total > 0 ? Double(stats.lags.maximum) / 1000 : nil
        if let begin = serverCPUStart, let end = serverCPUEnd {
            result.serverCPUSeconds = end - begin
            result.serverCPUPercent = 100 * (end - begin) / window
            if stats.events > 0 { result.serverCPUMicrosPerEvent = (end - begin) / Double(stats.events) * 1e6 }
        }
        if let begin = serverScheduledStart, let end = serverScheduledEnd {
            result.serverScheduledCPUSeconds = end - begin
        }
        if let begin = clientCPUStart, let end = clientCPUEnd {
            result.clientCPUPercent = 100 * (end - begin) / window
        }
        result.serverRSSAfterKiB = rssAfter
        if let before = result.serverRSSBeforeKiB, let after = rssAfter {
            result.serverRSSPerStreamKiB = Double(after - before) / Double(spec.streams)
        }
    }

    private struct ConnectOutcome: Sendable {
        var succeeded = 0
        var failures = 0
        var reason: String?
    }

    /// Opens the streams, at most `connectBatch` in flight (a sliding window), each bound to
    /// the next source address; a stream counts as open once its 200 head has arrived.
    private func connect(_ spec: RowSpec, server: ServerProcess, slots: [LoopSlot]) throws -> ConnectOutcome {
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: server.port)
        let request = ByteBuffer(
            string: "GET /feed?hz=\(spec.hz) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        let bootstraps = settings.sources.map { source in
            Self.bootstrap(group: group, source: source, request: request, slots: slots)
        }
        let window = DispatchSemaphore(value: settings.connectBatch)
        let outcome = NIOLockedValueBox(ConnectOutcome())
        let deadline = Clock.monotonicSeconds() + settings.connectLimit
        var pending: [EventLoopFuture<Void>] = []
        pending.reserveCapacity(spec.streams)
        var stopReason: String?
        for index in 0..<spec.streams {
            let left = deadline - Clock.monotonicSeconds()
            guard left > 0, window.wait(timeout: .now() + left) == .success else {
                stopReason = "not all open within \(Int(settings.connectLimit)) s"
                break
            }
            if index % 100 == 0 {
                guard server.isRunning else {
                    stopReason = "the server exited"
                    break
                }
                let failures = outcome.withLockedValue { $0.failures }
                // Give up early when most attempts fail (the server is refusing or gone).
                guard failures <= max(100, index / 2) else { break }
            }
            let bootstrap = bootstraps[index % bootstraps.count]
            let opened = bootstrap.connect(to: target).flatMap { channel in
                do {
                    return try channel.pipeline.syncOperations.handler(type: FeedHandler.self).headReceived
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            opened.whenComplete { result in
                outcome.withLockedValue { outcome in
                    switch result {
                    case .success:
                        outcome.succeeded += 1
                    case .failure(let error):
                        outcome.failures += 1
                        if outcome.reason == nil { outcome.reason = "\(error)" }
                    }
                }
                window.signal()
            }
            pending.append(opened)
        }
        if !pending.isEmpty {
            let left = max(0, deadline - Clock.monotonicSeconds())
            let all = EventLoopFuture.andAllComplete(pending, on: group.any())
            if Waiter.result(of: all, timeout: left) == nil {
                stopReason = stopReason ?? "not all open within \(Int(settings.connectLimit)) s"
            }
        }
        var result = outcome.withLockedValue { $0 }
        if let stopReason, result.succeeded < spec.streams {
            result.reason = result.reason.map { "\(stopReason) (first error: \($0))" } ?? stopReason
        }
        return result
    }

    private static func bootstrap(
        group: MultiThreadedEventLoopGroup,
        source: SocketAddress,
        request: ByteBuffer,
        slots: [LoopSlot]
    ) -> ClientBootstrap {
        var bootstrap = ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
        #if os(Linux)
            // Pick the local port at connect time (from the full 4-tuple), not at bind time, so
            // each source address can use the whole ephemeral range.
            let noPort = ChannelOptions.Types.SocketOption(
                level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_IP)),
                name: NIOBSDSocket.Option(rawValue: CInt(IP_BIND_ADDRESS_NO_PORT))
            )
            bootstrap = bootstrap.channelOption(noPort, value: 1)
        #endif
        return
            bootstrap
            .bind(to: source)
            .channelInitializer { channel in
                guard let slot = slots.first(where: { $0.loop === channel.eventLoop }) else {
                    return channel.eventLoop.makeFailedFuture(BenchError.server("channel on an unknown event loop"))
                }
                do {
                    let handler = FeedHandler(request: request, stats: slot.stats.value, eventLoop: channel.eventLoop)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
    }

    /// Closes every channel made on the loops (bounded: 30 s).
    private func closeAll(_ slots: [LoopSlot]) {
        let futures = slots.map { slot in
            slot.loop.flatSubmit {
                let stats = slot.stats.value
                let channels = stats.channels
                stats.channels = []
                return EventLoopFuture.andAllComplete(channels.map { $0.close() }, on: slot.loop)
            }
        }
        let all = EventLoopFuture.andAllComplete(futures, on: slots[0].loop)
        if Waiter.result(of: all, timeout: 30) == nil { progress("warning: closing the streams took over 30 s") }
    }
}

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}
