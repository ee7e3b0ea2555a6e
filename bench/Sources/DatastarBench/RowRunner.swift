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

    var settings: RunSettings { harness.settings }

    func run(_ spec: RowSpec) -> RowResult {
        var result = RowResult(spec: spec)
        let arguments = [
            "--port", "0", "--framework", spec.framework, "--mode", spec.mode,
            "--threads", String(settings.serverThreads),
        ]
        harness.run(executable: settings.server, arguments: arguments, into: &result) { server, slots, result in
            try measure(spec, server: server, slots: slots, into: &result)
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
            result.failure = shortfall
            return
        }
        harness.progress(
            "opened \(spec.streams) streams in \(format(result.connectSeconds ?? 0, 1)) s; "
                + "warming up \(format(settings.warmup, 1)) s"
        )
        Clock.sleep(seconds: settings.warmup)
        try server.checkRunning(during: "the warm-up")

        harness.progress("measuring \(format(settings.duration, 1)) s")
        let open = try MeasurementWindow.open(server: server, slots: slots)
        Clock.sleep(seconds: settings.duration)
        let window = try open.close(server: server, slots: slots, also: .client)

        let stats = window.stats
        result.record(window)
        result.events = stats.events
        result.streamsEnded = stats.ended
        result.eventsPerSecond = Double(stats.events) / window.seconds
        result.deliveredPercent = 100 * Double(stats.events) / (Double(spec.streams * spec.hz) * window.seconds)
        result.serverCPUPercent = percent(result.serverCPUSeconds, of: window.seconds)
        result.serverCPUMicrosPerEvent = micros(result.serverCPUSeconds, per: stats.events)
        result.clientCPUPercent = percent(window.end.used(\.clientCPU, since: window.start), of: window.seconds)
        result.serverRSSPerStreamKiB = result.rssGrowth(per: spec.streams)
    }
}

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}
