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
            StreamOpener(settings: settings, group: group).closeAll(slots, progress: progress)
        }
        server.stop()
        return result
    }

    private func measure(_ spec: RowSpec, server: ServerProcess, slots: [LoopSlot], into result: inout RowResult)
        throws
    {
        progress("server pid \(server.pid) on port \(server.port); opening \(spec.streams) streams")
        let connectStart = Clock.monotonicSeconds()
        let connection = try StreamOpener(settings: settings, group: group).open(
            count: spec.streams,
            path: "/feed?hz=\(spec.hz)",
            server: server,
            slots: slots
        )
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
}

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}
