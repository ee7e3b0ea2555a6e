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

import ArgumentParser
import CDatastarBenchSupport
import Foundation

/// One row of the churn scenario: a server, the steady subscribers it holds, and the
/// connections that come and go over them.
struct ChurnRowSpec: Sendable, Hashable {
    var server: String
    var mode: String
    var steady: Int
    var rate: Int
    var hz: Int

    var label: String { "\(server) \(mode) \(steady) steady + \(rate) connects/s" }
}

/// What the churn load client did, as `datastar_churn_result` says it.
struct ChurnCounts: Codable, Sendable {
    var started = 0
    var connectFailed = 0
    var connectTimeouts = 0
    var headTimeouts = 0
    var heads = 0
    var notOK = 0
    var closedEarly = 0
    var closedByServer = 0
    var resetByServer = 0
    var closeTimeouts = 0
    var maxInFlight = 0
    var seconds = 0.0
    var headP50Ms: Double?
    var headP99Ms: Double?
    var closeP50Ms: Double?
    var closeP99Ms: Double?
    var closeMaxMs: Double?

    init() {}

    init(_ result: datastar_churn_result) {
        started = result.started
        connectFailed = result.connect_failed
        connectTimeouts = result.connect_timeouts
        headTimeouts = result.head_timeouts
        heads = result.heads
        notOK = result.not_ok
        closedEarly = result.closed_early
        closedByServer = result.closed_by_server
        resetByServer = result.reset_by_server
        closeTimeouts = result.close_timeouts
        maxInFlight = result.max_in_flight
        seconds = result.seconds
        func milliseconds(_ value: Double) -> Double? { value >= 0 ? value : nil }
        headP50Ms = milliseconds(result.head_p50_ms)
        headP99Ms = milliseconds(result.head_p99_ms)
        closeP50Ms = milliseconds(result.close_p50_ms)
        closeP99Ms = milliseconds(result.close_p99_ms)
        closeMaxMs = milliseconds(result.close_max_ms)
    }

    /// Connections that never got their response head.
    var timedOut: Int { connectTimeouts + headTimeouts }
}

struct ChurnRowResult: Codable, Sendable {
    var server: String
    var mode: String
    var steadyRequested: Int
    var steadyOpened = 0
    /// Churn connections started per second, asked for.
    var rate: Int
    var hz: Int
    var failure: String?
    var connectSeconds: Double?
    var windowSeconds: Double?
    var churn = ChurnCounts()
    /// The server's open files: with the steady subscribers open, and once the churn has
    /// settled (or the settling wait gave up).
    var serverFilesSteady: Int?
    var serverFilesAfter: Int?
    var settleSeconds: Double?
    var serverRSSBeforeKiB: Int?
    /// With the steady subscribers open, before the churn.
    var serverRSSSteadyKiB: Int?
    /// Once the churn has settled.
    var serverRSSAfterKiB: Int?
    /// C heap in use (Swift servers: `GET /heap`), before and after the churn, KiB.
    var heapInUseSteadyKiB: Int?
    var heapInUseAfterKiB: Int?
    /// Freed but kept by malloc after the churn, KiB.
    var heapFreeKeptAfterKiB: Int?
    /// RSS after `malloc_trim(0)` (`POST /heap/trim`), KiB.
    var serverRSSAfterTrimKiB: Int?
    var publishRate: Double?
    var publishRoundTripP50Ms: Double?
    var publishRoundTripP99Ms: Double?
    var publishFailures: Int?
    var lagP50Ms: Double?
    var lagP99Ms: Double?
    var lagMeanMs: Double?
    var lagMaxMs: Double?
    var serverCPUSeconds: Double?
    var serverScheduledCPUSeconds: Double?
    var otherEvents: Int?
    var negativeLags: Int?
    var bodyBytes: Int?
    var protocolErrors: Int?
    var steadyEnded: Int?

    init(spec: ChurnRowSpec) {
        server = spec.server
        mode = spec.mode
        steadyRequested = spec.steady
        rate = spec.rate
        hz = spec.hz
    }

    var succeeded: Bool { failure == nil }

    /// RSS after the churn over RSS before it, as a percentage change.
    var rssGrowthPercent: Double? {
        guard let steady = serverRSSSteadyKiB, let after = serverRSSAfterKiB, steady > 0 else { return nil }
        return 100 * Double(after - steady) / Double(steady)
    }

    var notes: [String] {
        var notes: [String] = []
        if let failure { notes.append(churn.started == 0 ? "FAILED: \(failure)" : "INCOMPLETE: \(failure)") }
        if churn.notOK > 0 { notes.append("\(churn.notOK) heads not 200") }
        if churn.connectFailed > 0 { notes.append("\(churn.connectFailed) connects failed") }
        if churn.closedEarly > 0 { notes.append("\(churn.closedEarly) closed by the server before the FIN") }
        if let failed = publishFailures, failed > 0 { notes.append("\(failed) publishes unanswered") }
        return notes + connectionNotes
    }

    var summary: String {
        let head = "\(server) \(mode) \(steadyOpened)/\(steadyRequested) steady, churn \(rate)/s"
        guard churn.started > 0 else { return "\(head): FAILED: \(failure ?? "")" }
        return "\(head): started \(churn.started), timed out \(churn.timedOut) "
            + "(connect \(churn.connectTimeouts), head \(churn.headTimeouts)), "
            + "closed after FIN \(churn.closedByServer + churn.resetByServer) "
            + "(p50 \(cell(churn.closeP50Ms, 1)) ms, p99 \(cell(churn.closeP99Ms, 1)) ms), "
            + "not closed within the limit \(churn.closeTimeouts), "
            + "RSS \(serverRSSSteadyKiB ?? 0) → \(serverRSSAfterKiB ?? 0) KiB (\(cell(rssGrowthPercent, 1)) %, "
            + "after malloc_trim \(serverRSSAfterTrimKiB.map(String.init) ?? "–") KiB; heap in use "
            + "\(heapInUseSteadyKiB.map(String.init) ?? "–") → \(heapInUseAfterKiB.map(String.init) ?? "–") KiB), "
            + "files \(serverFilesSteady ?? 0) → \(serverFilesAfter ?? 0), "
            + "publish RTT p99 \(cell(publishRoundTripP99Ms, 1)) ms, lag p99 \(cell(lagP99Ms, 1)) ms"
            + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))
    }
}

extension ChurnRowResult: MeasuredRow {
    static let connectionName = "steady stream"
    static let unitName = "connection"

    var deliveredPercent: Double? { nil }
    var serverCPUPercent: Double? { percent(serverCPUSeconds, of: windowSeconds ?? 0) }
    var clientCPUPercent: Double? { nil }
    var connectionsRequested: Int { steadyRequested }
    var connectionsOpened: Int {
        get { steadyOpened }
        set { steadyOpened = newValue }
    }
    var connectionsEnded: Int? { steadyEnded }
    var serverCPUMicrosPerUnit: Double? { micros(serverCPUSeconds, per: churn.started) }
    var serverRSSPerConnectionKiB: Double? { nil }
}

/// Runs churn rows: starts the server, opens the steady subscribers (`GET /sub`), publishes
/// to them at the row's rate, and meanwhile opens, reads the head of, half-closes and waits
/// out `rate` connections per second for `duration` seconds with the C churn client; then
/// waits for the server's open files to return to where they were, and reads its RSS.
struct ChurnRowRunner {
    let harness: RowHarness
    let baseline: URL?
    /// Seconds a churn connection holds its stream open after the response head.
    var hold: Double
    /// Seconds each phase of a churn connection may take (handshake, head, server's close).
    var timeout: Double
    /// At most this long for the server's open files to come back down after the churn.
    var settleLimit = 15.0

    var settings: RunSettings { harness.settings }

    func run(_ spec: ChurnRowSpec) -> ChurnRowResult {
        var result = ChurnRowResult(spec: spec)
        let mode = spec.mode == "hub" ? "reactor" : "task"
        let baselines = BaselineServers(cServer: baseline)
        harness.runServer(spec.server, mode: mode, baselines: baselines, into: &result) { server, slots, result in
            try measure(spec, server: server, slots: slots, into: &result)
        }
        return result
    }

    private func measure(
        _ spec: ChurnRowSpec,
        server: ServerProcess,
        slots: [LoopSlot],
        into result: inout ChurnRowResult
    ) throws {
        if let shortfall = try harness.open(spec.steady, path: "/sub", server: server, slots: slots, into: &result) {
            result.failure = shortfall
            guard result.steadyOpened > 0, server.isRunning else { return }
        }
        harness.progress("opened \(result.steadyOpened) steady subscribers; settling 2 s")
        Clock.sleep(seconds: 2)
        result.serverRSSSteadyKiB = server.residentKiB
        result.serverFilesSteady = ProcFS.openFiles(pid: String(server.pid))
        let isSwift = spec.server != HubRowSpec.baselineServer
        if isSwift {
            result.heapInUseSteadyKiB = SimpleHTTP.fields(
                SimpleHTTP.request(port: server.port, method: "GET", path: "/heap")
            )["in_use"].map { $0 / 1024 }
        }

        let duration = settings.duration
        harness.progress("churning \(spec.rate) connections/s for \(format(duration, 0)) s")
        let publisher = Publisher(port: server.port, timeout: 15)
        let publishCount = max(1, Int((duration * Double(spec.hz)).rounded()))
        let published = NIOLockedBox<PublishOutcome?>(nil)
        let publishing = Thread {
            let outcome = publisher.run(count: publishCount, hz: Double(spec.hz))
            published.set(outcome)
        }
        let window = try MeasurementWindow.open(server: server, slots: slots)
        publishing.start()
        result.churn = try Self.churn(spec, port: server.port, duration: duration, hold: hold, timeout: timeout)
        while published.get() == nil { Clock.sleep(seconds: 0.05) }
        let closed = try window.close(server: server, slots: slots)
        result.record(closed)
        result.steadyEnded = closed.stats.ended
        if let outcome = published.get() {
            result.publishRate = outcome.seconds > 0 ? Double(outcome.written) / outcome.seconds : nil
            result.publishRoundTripP50Ms = outcome.roundTrips.quantile(0.50).map { $0 / 1000 }
            result.publishRoundTripP99Ms = outcome.roundTrips.quantile(0.99).map { $0 / 1000 }
            result.publishFailures = outcome.failed
        }

        // Wait for the server to close what the churn left, then read its RSS.
        let settleStart = Clock.monotonicSeconds()
        let target = (result.serverFilesSteady ?? 0) + 8
        while Clock.monotonicSeconds() - settleStart < settleLimit {
            if let files = ProcFS.openFiles(pid: String(server.pid)), files <= target { break }
            Clock.sleep(seconds: 0.1)
        }
        Clock.sleep(seconds: 1)
        result.settleSeconds = Clock.monotonicSeconds() - settleStart
        result.serverFilesAfter = ProcFS.openFiles(pid: String(server.pid))
        result.serverRSSAfterKiB = server.residentKiB
        if isSwift {
            let heap = SimpleHTTP.fields(SimpleHTTP.request(port: server.port, method: "GET", path: "/heap"))
            result.heapInUseAfterKiB = heap["in_use"].map { $0 / 1024 }
            result.heapFreeKeptAfterKiB = heap["free_kept"].map { $0 / 1024 }
            _ = SimpleHTTP.request(port: server.port, method: "POST", path: "/heap/trim")
            Clock.sleep(seconds: 0.5)
            result.serverRSSAfterTrimKiB = server.residentKiB
        }
        try server.checkRunning(during: "the churn")
    }

    /// Runs the C churn client on this thread.
    static func churn(_ spec: ChurnRowSpec, port: Int, duration: Double, hold: Double, timeout: Double) throws
        -> ChurnCounts
    {
        let sources = (2..<18).map { strdup("127.0.0.\($0)") }
        defer { for source in sources { free(source) } }
        var result = datastar_churn_result()
        let status = "/sub".withCString { path in
            sources.map { UnsafePointer($0) }.withUnsafeBufferPointer { addresses in
                var params = datastar_churn_params(
                    port: Int32(port),
                    path: path,
                    sources: addresses.baseAddress,
                    source_count: Int32(addresses.count),
                    rate: Double(spec.rate),
                    duration: duration,
                    connect_timeout: timeout,
                    head_timeout: timeout,
                    hold_seconds: hold,
                    close_timeout: timeout
                )
                return datastar_churn_run(&params, &result)
            }
        }
        guard status == 0 else { throw BenchError.server("the churn client could not start (errno \(errno))") }
        return ChurnCounts(result)
    }
}

/// A value shared between two threads under a lock.
final class NIOLockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}

/// Everything a churn run measured, as written by `--json`.
struct ChurnBenchReport: Codable, Sendable {
    var scenario = "churn"
    var machine: MachineInfo
    var settings: [String: String]
    var rows: [ChurnRowResult]
}

extension Report {
    static func churnTable(_ results: [ChurnRowResult]) -> Table {
        Table(
            results,
            columns: [
                .left("server") { $0.server },
                .left("mode") { $0.mode },
                .right("steady") { "\($0.steadyOpened)/\($0.steadyRequested)" },
                .right("churn started") { "\($0.churn.started)" },
                .right("timed out") { "\($0.churn.timedOut)" },
                .right("connect t/o") { "\($0.churn.connectTimeouts)" },
                .right("head t/o") { "\($0.churn.headTimeouts)" },
                .right("head p99 ms") { cell($0.churn.headP99Ms, 1) },
                .right("closed after FIN") { "\($0.churn.closedByServer + $0.churn.resetByServer)" },
                .right("close p50 ms") { cell($0.churn.closeP50Ms, 1) },
                .right("close p99 ms") { cell($0.churn.closeP99Ms, 1) },
                .right("not closed in limit") { "\($0.churn.closeTimeouts)" },
                .right("publish RTT p99 ms") { cell($0.publishRoundTripP99Ms, 1) },
                .right("lag p99 ms") { cell($0.lagP99Ms, 1) },
                .right("RSS steady KiB") { $0.serverRSSSteadyKiB.map(String.init) ?? "–" },
                .right("RSS after KiB") { $0.serverRSSAfterKiB.map(String.init) ?? "–" },
                .right("RSS Δ %") { cell($0.rssGrowthPercent, 1) },
                .right("heap in use KiB steady→after") {
                    "\($0.heapInUseSteadyKiB.map(String.init) ?? "–")→\($0.heapInUseAfterKiB.map(String.init) ?? "–")"
                },
                .right("malloc free kept KiB") { $0.heapFreeKeptAfterKiB.map(String.init) ?? "–" },
                .right("RSS after trim KiB") { $0.serverRSSAfterTrimKiB.map(String.init) ?? "–" },
                .right("files steady→after") { "\($0.serverFilesSteady ?? 0)→\($0.serverFilesAfter ?? 0)" },
                .left("notes") { $0.notes.joined(separator: "; ").replacingOccurrences(of: "|", with: "/") },
            ]
        )
    }
}

extension DatastarBench {
    /// The churn rows: for each steady count, the C baseline first, then each framework.
    var churnMatrix: [ChurnRowSpec] {
        var specs: [ChurnRowSpec] = []
        let servers = frameworkList.items
        for steady in streams.integers ?? [] {
            for rate in hzList.integers ?? [] {
                if servers.contains(HubRowSpec.baselineServer) {
                    specs.append(
                        ChurnRowSpec(
                            server: HubRowSpec.baselineServer,
                            mode: "epoll",
                            steady: steady,
                            rate: churnRate,
                            hz: rate
                        )
                    )
                }
                for mode in modeList.items {
                    for server in servers where server != HubRowSpec.baselineServer {
                        specs.append(
                            ChurnRowSpec(server: server, mode: mode, steady: steady, rate: churnRate, hz: rate)
                        )
                    }
                }
            }
        }
        return specs
    }

    /// `--scenario churn`.
    func runChurn() throws {
        let machine = MachineInfo.current()
        let specs = churnMatrix
        let baseline = try baselineExecutable(needed: specs.contains { $0.server == HubRowSpec.baselineServer })
        let settings = try runSettings()
        output(machine.description)
        output(
            "run: churn scenario, \(specs.count) rows; \(churnRate) connections/s for \(format(durationSeconds, 0)) s, "
                + "each holding its stream \(format(churnHold, 2)) s after the head, then a FIN; time limit per phase "
                + "\(format(churnTimeout, 1)) s; server threads \(serverThreads); server \(settings.server.path)"
        )
        output("")
        let results = runRows(specs, settings: settings, label: \.label) { spec, harness in
            ChurnRowRunner(harness: harness, baseline: baseline, hold: churnHold, timeout: churnTimeout).run(spec)
        }
        output(
            "Churn (timed out = no response head within the limit; close = the client's FIN to the server's close; "
                + "RSS Δ = after the churn settled against before it):",
            Report.churnTable(results)
        )
        try finish(
            ChurnBenchReport(
                machine: machine,
                settings: settingsDescription.merging([
                    "scenario": "churn", "churnRate": String(churnRate), "churnHold": String(churnHold),
                    "churnTimeout": String(churnTimeout),
                ]) { $1 },
                rows: results
            ),
            rows: results
        )
    }

    /// The C baseline's executable when a row needs it: `--c-server`, or compiled from its source.
    func baselineExecutable(needed: Bool) throws -> URL? {
        guard needed else { return nil }
        if let cServer { return URL(fileURLWithPath: cServer) }
        guard let source = CBaseline.locateSource(explicit: cSource) else {
            throw ValidationError(
                "no \(CBaseline.sourcePath) here or above this executable; pass --c-source or --c-server"
            )
        }
        return try CBaseline.build(source: source, compiler: cc)
    }
}
