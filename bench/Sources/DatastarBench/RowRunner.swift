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
import NIOCore

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
    let harness: RowHarness
    /// The baselines' commands (rows whose framework is `c-epoll` or `node`).
    let baselines: BaselineServers
    /// Short requests per second during the window.
    var probeHz = 10.0

    var settings: RunSettings { harness.settings }

    func run(_ spec: RowSpec) -> RowResult {
        var result = RowResult(spec: spec)
        harness.runServer(spec.framework, mode: spec.mode, baselines: baselines, into: &result) { server, slots, row in
            try measure(spec, server: server, slots: slots, into: &row)
        }
        return result
    }

    private func measure(_ spec: RowSpec, server: ServerProcess, slots: [LoopSlot], into result: inout RowResult)
        throws
    {
        if let shortfall = try harness.open(
            spec.streams,
            path: "/feed?hz=\(spec.hz)",
            server: server,
            slots: slots,
            into: &result
        ) {
            // Measure with the streams that opened: an overloaded server shows it here.
            result.failure = shortfall
            guard result.streamsOpened > 0, server.isRunning else { return }
            harness.progress("opened only \(result.streamsOpened) of \(spec.streams) streams; measuring with those")
        }
        let opened = result.streamsOpened
        harness.progress(
            "opened \(opened) streams in \(format(result.connectSeconds ?? 0, 1)) s; "
                + "warming up \(format(settings.warmup, 1)) s"
        )
        Clock.sleep(seconds: settings.warmup)
        try server.checkRunning(during: "the warm-up")

        harness.progress("measuring \(format(settings.duration, 1)) s, with short requests at \(Int(probeHz))/s")
        let open = try MeasurementWindow.open(server: server, slots: slots)
        let probe = Publisher(port: server.port, timeout: 15).run(
            count: max(1, Int((settings.duration * probeHz).rounded())),
            hz: probeHz
        )
        let window = try open.close(server: server, slots: slots, also: .client)

        let stats = window.stats
        result.record(window)
        result.events = stats.events
        result.streamsEnded = stats.ended
        result.eventsPerSecond = Double(stats.events) / window.seconds
        result.deliveredPercent = 100 * Double(stats.events) / (Double(opened * spec.hz) * window.seconds)
        result.serverCPUPercent = percent(result.serverCPUSeconds, of: window.seconds)
        result.serverCPUMicrosPerEvent = micros(result.serverCPUSeconds, per: stats.events)
        result.clientCPUPercent = percent(window.end.used(\.clientCPU, since: window.start), of: window.seconds)
        result.probeRate = probe.seconds > 0 ? Double(probe.written) / probe.seconds : nil
        result.probeRoundTripP50Ms = probe.roundTrips.quantile(0.50).map { $0 / 1000 }
        result.probeRoundTripP99Ms = probe.roundTrips.quantile(0.99).map { $0 / 1000 }
        result.probeFailures = probe.failed
        result.serverRSSPerStreamKiB = result.rssGrowth(per: opened)
    }
}

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}
