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

import Foundation

/// One row of the hub scenario: a server, how it fans out, how many subscribers, how many
/// publishes per second.
struct HubRowSpec: Sendable, Hashable {
    /// `hummingbird`, `vapor`, `c-epoll` or `node`.
    var server: String
    /// `hub` (the reactor hub), `task` (an AsyncStream and a task per subscriber), `epoll` (the C
    /// server) or `http` (the Node one).
    var mode: String
    var subscribers: Int
    var hz: Int

    var label: String { "\(server) \(mode) \(subscribers) subscribers \(hz) publishes/s" }

    /// The server that stands for the goal's "minimal C epoll server".
    static let baselineServer = "c-epoll"
}

/// Runs hub rows: starts the server, opens the subscribers (`GET /sub`), publishes at the
/// row's rate for a warm-up and then for the measurement, waits for the deliveries to drain
/// after each, and measures delivery, publish-to-receipt latency, server CPU and memory.
struct HubRowRunner {
    let harness: RowHarness
    /// The baselines' commands (rows whose server is `c-epoll` or `node`).
    let baselines: BaselineServers

    /// After the last publish of a phase, deliveries are awaited at most this long; the wait
    /// ends sooner when all have arrived or none arrived for `drainQuiet` seconds.
    var drainLimit = 10.0
    var drainQuiet = 1.0

    var settings: RunSettings { harness.settings }

    func run(_ spec: HubRowSpec) -> HubRowResult {
        var result = HubRowResult(spec: spec)
        let mode = spec.mode == "hub" ? "reactor" : "task"
        harness.runServer(spec.server, mode: mode, baselines: baselines, into: &result) { server, slots, result in
            try measure(spec, server: server, slots: slots, into: &result)
        }
        return result
    }

    private func measure(
        _ spec: HubRowSpec,
        server: ServerProcess,
        slots: [LoopSlot],
        into result: inout HubRowResult
    ) throws {
        let shortfall = try harness.open(spec.subscribers, path: "/sub", server: server, slots: slots, into: &result)
        let opened = result.subscribersOpened
        if let shortfall {
            // Report what was reached: measure with the subscribers that did open.
            result.failure = shortfall
            guard opened > 0, server.isRunning else { return }
            harness.progress("opened only \(opened) of \(spec.subscribers) subscribers; measuring with those")
        } else {
            harness.progress("opened \(opened) subscribers in \(format(result.connectSeconds ?? 0, 1)) s")
        }
        result.serverRSSOpenKiB = server.residentKiB

        let publisher = Publisher(port: server.port, timeout: 15)
        let warmupCount = Int((settings.warmup * Double(spec.hz)).rounded())
        if warmupCount > 0 {
            harness.progress("warming up: \(warmupCount) publishes")
            let warmup = publisher.run(count: warmupCount, hz: Double(spec.hz))
            _ = try drain(slots, expected: warmup.written * opened)
            try server.checkRunning(during: "the warm-up")
        }

        let count = max(1, Int((settings.duration * Double(spec.hz)).rounded()))
        harness.progress("measuring: \(count) publishes at \(spec.hz)/s to \(opened) subscribers")
        let before = try LoopSlot.snapshot(slots)
        let open = try MeasurementWindow.open(server: server, slots: slots)
        // CPU % is over the publishing, read at the end of the last interval (not the drain).
        var published: Reading?
        let publishes = publisher.run(count: count, hz: Double(spec.hz)) {
            published = Reading.take(server, .client)
        }
        let expected = publishes.written * opened
        result.drainSeconds = try drain(slots, expected: expected)
        let window = try open.close(server: server, slots: slots)

        let stats = window.stats
        result.record(window)
        result.publishSeconds = publishes.seconds
        result.publishes = publishes.written
        result.publishesAcknowledged = publishes.acknowledged
        result.publishRate = publishes.seconds > 0 ? Double(publishes.written) / publishes.seconds : nil
        result.publishFailures = publishes.failed
        result.publishError = publishes.firstError
        result.publishRoundTripP50Ms = publishes.roundTrips.quantile(0.50).map { $0 / 1000 }
        result.publishRoundTripP99Ms = publishes.roundTrips.quantile(0.99).map { $0 / 1000 }
        result.deliveries = stats.events
        result.expectedDeliveries = expected
        result.deliveriesPerSecond = publishes.seconds > 0 ? Double(stats.events) / publishes.seconds : nil
        result.deliveredPercent = expected > 0 ? 100 * Double(stats.events) / Double(expected) : nil
        result.subscribersEnded = stats.ended
        result.subscribersEndedInWindow = stats.ended - before.ended
        result.serverCPUMicrosPerDelivery = micros(result.serverCPUSeconds, per: stats.events)
        result.serverScheduledMicrosPerDelivery = micros(result.serverScheduledCPUSeconds, per: stats.events)
        if let published {
            let publishing = published.time - window.start.time
            result.serverCPUPercent = percent(published.used(\.serverCPU, since: window.start), of: publishing)
            result.clientCPUPercent = percent(published.used(\.clientCPU, since: window.start), of: publishing)
        }
        result.serverRSSPerSubscriberKiB = result.rssGrowth(per: opened)
    }

    /// Waits until `expected` events have arrived in the window, none arrived for
    /// `drainQuiet` s, or `drainLimit` s have passed; returns the seconds waited.
    private func drain(_ slots: [LoopSlot], expected: Int) throws -> Double {
        let start = Clock.monotonicSeconds()
        var last = -1
        var lastChange = start
        while true {
            let events = try LoopSlot.onEach(slots, timeout: 30) { $0.events }.reduce(0, +)
            let now = Clock.monotonicSeconds()
            if events >= expected || now - start >= drainLimit { return now - start }
            if events != last {
                last = events
                lastChange = now
            } else if now - lastChange >= drainQuiet {
                return now - start
            }
            Clock.sleep(seconds: 0.02)
        }
    }
}

/// The C baseline: compiled from `bench/c-epoll-hub.c` with `cc -O2` into `.build/`.
enum CBaseline {
    static let sourcePath = "bench/c-epoll-hub.c"

    /// The source: `explicit`, or `path` (by default `bench/c-epoll-hub.c`) under the working
    /// directory or a directory above this executable.
    static func locateSource(explicit: String?, path: String = sourcePath) -> URL? {
        if let explicit { return URL(fileURLWithPath: explicit) }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: own).deletingLastPathComponent()
        while directory.path != "/" && !directory.path.isEmpty {
            candidates.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        for root in candidates {
            let source = root.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: source.path) { return source }
        }
        return nil
    }

    /// Compiles `source` into `<package>/.build/c-epoll-hub` unless that binary is newer than
    /// the source; returns the binary.
    static func build(source: URL, compiler: String) throws -> URL {
        let root = source.deletingLastPathComponent().deletingLastPathComponent()
        let buildDirectory = root.appendingPathComponent(".build")
        let binary = buildDirectory.appendingPathComponent("c-epoll-hub")
        let manager = FileManager.default
        if let built = (try? manager.attributesOfItem(atPath: binary.path))?[.modificationDate] as? Date,
            let written = (try? manager.attributesOfItem(atPath: source.path))?[.modificationDate] as? Date,
            built >= written, manager.isExecutableFile(atPath: binary.path)
        {
            return binary
        }
        try manager.createDirectory(at: buildDirectory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [compiler, "-O2", "-std=c11", "-Wall", "-Wextra", "-o", binary.path, source.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError.server(
                "\(compiler) failed on \(source.path): \(String(decoding: output, as: UTF8.self).prefix(2000))"
            )
        }
        return binary
    }
}

extension RowHarness {
    /// Runs a row against `server`: a baseline (`c-epoll` or `node`, whatever the mode), or
    /// datastar-bench-server with that framework in `mode` (`reactor` or `task`). A row that asks
    /// for a baseline this run has no command for fails.
    func runServer<Row: MeasuredRow>(
        _ server: String,
        mode: String,
        baselines: BaselineServers,
        into result: inout Row,
        measure: (ServerProcess, [LoopSlot], inout Row) throws -> Void
    ) {
        if let baseline = Baseline(rawValue: server) {
            guard let command = baselines.command(for: baseline) else {
                result.failure = baselines.skipped[baseline] ?? "no \(server) executable"
                return
            }
            run(executable: command.executable, arguments: command.arguments, into: &result, measure: measure)
        } else {
            let arguments = [
                "--port", "0", "--framework", server, "--mode", mode, "--threads", String(settings.serverThreads),
            ]
            run(executable: settings.server, arguments: arguments, into: &result, measure: measure)
        }
    }
}
