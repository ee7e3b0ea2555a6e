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
import NIOPosix

/// What a row result records whatever the scenario, so that one harness, one measurement
/// window, one summary and one set of table columns serve both. The stored names (and so
/// the JSON) stay each scenario's own; the `connections…` and `…PerUnit` requirements map
/// onto them.
protocol MeasuredRow: Sendable {
    /// One connection, as progress lines and tables say it: `stream` or `subscriber`.
    static var connectionName: String { get }
    /// What server CPU is divided by: `event` or `delivery`.
    static var unitName: String { get }

    var failure: String? { get set }
    var connectSeconds: Double? { get set }
    var windowSeconds: Double? { get set }
    var deliveredPercent: Double? { get }
    var lagP50Ms: Double? { get set }
    var lagP99Ms: Double? { get set }
    var lagMeanMs: Double? { get set }
    var lagMaxMs: Double? { get set }
    var serverCPUSeconds: Double? { get set }
    var serverScheduledCPUSeconds: Double? { get set }
    var serverCPUPercent: Double? { get }
    var serverRSSBeforeKiB: Int? { get set }
    var serverRSSAfterKiB: Int? { get set }
    var clientCPUPercent: Double? { get }
    var otherEvents: Int? { get set }
    var negativeLags: Int? { get set }
    var bodyBytes: Int? { get set }
    var protocolErrors: Int? { get set }

    /// Streams or subscribers asked for.
    var connectionsRequested: Int { get }
    /// Streams or subscribers whose response head said 200.
    var connectionsOpened: Int { get set }
    /// Streams or subscribers that ended after opening.
    var connectionsEnded: Int? { get }
    /// Server CPU per event or per delivery, µs.
    var serverCPUMicrosPerUnit: Double? { get }
    /// Server RSS growth per stream or per subscriber, KiB.
    var serverRSSPerConnectionKiB: Double? { get }

    var succeeded: Bool { get }
    /// Anything about the row that deserves a look.
    var notes: [String] { get }
    /// A one-line summary, printed as soon as the row is done.
    var summary: String { get }
}

extension MeasuredRow {
    /// Records what both scenarios take alike from a closed window: its length, the lags and
    /// the other counters, the server's CPU over it and its RSS at the end.
    mutating func record(_ window: ClosedWindow) {
        let stats = window.stats
        windowSeconds = window.seconds
        otherEvents = stats.otherEvents
        negativeLags = stats.negativeLags
        bodyBytes = stats.bytes
        protocolErrors = stats.protocolErrors
        lagP50Ms = stats.lags.quantile(0.50).map { $0 / 1000 }
        lagP99Ms = stats.lags.quantile(0.99).map { $0 / 1000 }
        lagMeanMs = stats.lags.mean.map { $0 / 1000 }
        lagMaxMs = stats.lags.total > 0 ? Double(stats.lags.maximum) / 1000 : nil
        serverCPUSeconds = window.end.used(\.serverCPU, since: window.start)
        serverScheduledCPUSeconds = window.end.used(\.serverScheduled, since: window.start)
        serverRSSAfterKiB = window.end.residentKiB
    }

    /// (RSS at the end − RSS before any connection) ÷ `count`, or nil.
    func rssGrowth(per count: Int) -> Double? {
        guard let before = serverRSSBeforeKiB, let after = serverRSSAfterKiB, count > 0 else { return nil }
        return Double(after - before) / Double(count)
    }
}

/// `seconds` of CPU per one of `count` things, in µs; nil when there is nothing to divide.
func micros(_ seconds: Double?, per count: Int) -> Double? {
    guard let seconds, count > 0 else { return nil }
    return seconds / Double(count) * 1e6
}

/// `seconds` of CPU as a percentage of `interval` seconds; nil when there is nothing to divide.
func percent(_ seconds: Double?, of interval: Double) -> Double? {
    guard let seconds, interval > 0 else { return nil }
    return 100 * seconds / interval
}

/// What runs around every row's measurement: the server process and the client's loops.
struct RowHarness {
    let settings: RunSettings
    let group: MultiThreadedEventLoopGroup
    let progress: (String) -> Void

    /// Starts `executable`, records its RSS before any connection, runs `measure` with the
    /// server and fresh loop slots, then closes the connections and stops the server. A
    /// failure to start, or an error `measure` throws, goes into `result.failure` (after any
    /// failure `measure` recorded itself).
    func run<Row: MeasuredRow>(
        executable: URL,
        arguments: [String],
        into result: inout Row,
        measure: (ServerProcess, [LoopSlot], inout Row) throws -> Void
    ) {
        progress("starting \(executable.lastPathComponent)")
        let server: ServerProcess
        do {
            server = try ServerProcess.launch(
                executable: executable,
                arguments: arguments,
                timeout: settings.startLimit
            )
        } catch {
            result.failure = "\(error)"
            return
        }
        result.serverRSSBeforeKiB = server.residentKiB

        var slots: [LoopSlot] = []
        do {
            slots = try LoopSlot.make(for: group)
            try measure(server, slots, &result)
        } catch {
            result.failure = result.failure.map { "\($0); \(error)" } ?? "\(error)"
        }
        if !slots.isEmpty {
            progress("closing \(result.connectionsOpened) \(Row.connectionName)s")
            StreamOpener(settings: settings, group: group).closeAll(slots, progress: progress)
        }
        server.stop()
    }

    /// Opens `count` streams of `GET path`, records how long that took and how many opened;
    /// returns why not all did ("opened N of M streams: …"), or nil when all did.
    func open<Row: MeasuredRow>(
        _ count: Int,
        path: String,
        server: ServerProcess,
        slots: [LoopSlot],
        into result: inout Row
    ) throws -> String? {
        let name = Row.connectionName
        progress("server pid \(server.pid) on port \(server.port); opening \(count) \(name)s")
        let connectStart = Clock.monotonicSeconds()
        let connection = try StreamOpener(settings: settings, group: group).open(
            count: count,
            path: path,
            server: server,
            slots: slots
        )
        result.connectSeconds = Clock.monotonicSeconds() - connectStart
        result.connectionsOpened = try LoopSlot.snapshot(slots).opened
        guard result.connectionsOpened < count else { return nil }
        let reason = connection.reason ?? "unknown reason"
        return "opened \(result.connectionsOpened) of \(count) \(name)s: \(reason)"
    }
}

/// The clock, and the server's and this process's CPU and memory, read at one moment.
struct Reading {
    /// What to read besides the clock and the server's CPU.
    struct Parts: OptionSet {
        let rawValue: Int
        /// The server threads' `schedstat`.
        static let scheduled = Parts(rawValue: 1)
        /// This process's CPU.
        static let client = Parts(rawValue: 2)
        /// The server's RSS.
        static let resident = Parts(rawValue: 4)
    }

    var time: Double
    /// Server CPU from `/proc/PID/stat` (clock ticks).
    var serverCPU: Double?
    /// Server CPU from the threads' `schedstat` (ns; threads alive now).
    var serverScheduled: Double?
    var clientCPU: Double?
    var residentKiB: Int?

    /// Reads the clock, the server's CPU and `parts`, in the order of the fields.
    static func take(_ server: ServerProcess, _ parts: Parts = []) -> Reading {
        let time = Clock.monotonicSeconds()
        let serverCPU = server.cpuSeconds
        let scheduled = parts.contains(.scheduled) ? server.scheduledSeconds : nil
        let client = parts.contains(.client) ? ProcFS.cpuSeconds(pid: "self") : nil
        let resident = parts.contains(.resident) ? server.residentKiB : nil
        return Reading(
            time: time,
            serverCPU: serverCPU,
            serverScheduled: scheduled,
            clientCPU: client,
            residentKiB: resident
        )
    }

    /// How much of the CPU counter `counter` was used from `start` to this reading; nil if
    /// either read failed.
    func used(_ counter: KeyPath<Reading, Double?>, since start: Reading) -> Double? {
        guard let begin = start[keyPath: counter], let end = self[keyPath: counter] else { return nil }
        return end - begin
    }
}

/// A measurement window, opened by resetting the loops' window counters and reading the clock
/// and the CPU.
struct MeasurementWindow {
    let start: Reading

    static func open(server: ServerProcess, slots: [LoopSlot]) throws -> MeasurementWindow {
        _ = try LoopSlot.onEach(slots, timeout: 30) { $0.resetWindow() }
        return MeasurementWindow(start: .take(server, [.scheduled, .client]))
    }

    /// Sums the loops' counters, then reads the clock, the server's CPU and RSS and `also`;
    /// throws if the server has exited.
    func close(server: ServerProcess, slots: [LoopSlot], also: Reading.Parts = []) throws -> ClosedWindow {
        let stats = try LoopSlot.snapshot(slots)
        let end = Reading.take(server, also.union([.scheduled, .resident]))
        try server.checkRunning(during: "the measurement")
        return ClosedWindow(start: start, end: end, stats: stats)
    }
}

/// What a measurement window saw.
struct ClosedWindow {
    let start: Reading
    let end: Reading
    /// The loops' counters at the end (the window's since the reset, the rest since opening).
    let stats: StatsSnapshot

    var seconds: Double { end.time - start.time }
}
