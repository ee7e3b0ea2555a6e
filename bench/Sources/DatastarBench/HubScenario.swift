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
import Foundation
import NIOCore
import NIOPosix

extension DatastarBench {
    /// The hub rows, grouped by subscriber count and rate: the baselines first (c-epoll, node),
    /// then each mode on each framework.
    var hubMatrix: [HubRowSpec] {
        var specs: [HubRowSpec] = []
        let servers = frameworkList.items
        for count in streams.integers ?? [] {
            for rate in hzList.integers ?? [] {
                for baseline in Baseline.allCases where servers.contains(baseline.rawValue) {
                    specs.append(
                        HubRowSpec(server: baseline.rawValue, mode: baseline.mode, subscribers: count, hz: rate)
                    )
                }
                for mode in modeList.items {
                    for server in servers where !Baseline.isBaseline(server) {
                        specs.append(HubRowSpec(server: server, mode: mode, subscribers: count, hz: rate))
                    }
                }
            }
        }
        return specs
    }

    /// `--scenario hub`: every row of `hubMatrix`, then the tables and the JSON.
    func runHub() throws {
        let machine = MachineInfo.current()
        let baselines = try baselineServers(for: Set(hubMatrix.map(\.server)))
        let specs = hubMatrix.filter { Baseline(rawValue: $0.server).map { baselines.skipped[$0] == nil } ?? true }
        let settings = try runSettings()
        output(machine.description)
        output(
            "run: hub scenario, \(specs.count) rows; server threads \(serverThreads) (C and Node servers: 1), client threads "
                + "\(clientThreads), \(sources) source addresses, warm-up \(format(warmupSeconds, 1)) s of "
                + "publishing, window \(format(durationSeconds, 1)) s; server \(settings.server.path)"
                + baselines.runDescription
        )
        for note in baselines.skipNotes { output(note) }
        output("")

        let results = runRows(specs, settings: settings, label: \.label) { spec, harness in
            HubRowRunner(harness: harness, baselines: baselines).run(spec)
        }
        let comparisons = HubComparison.all(in: results)
        let ratios = BaselineRatio.all(in: results)
        output(
            "Results (\(format(durationSeconds, 0)) s of publishing after \(format(warmupSeconds, 0)) s warm-up; "
                + "lag = receipt − the event's \"t\"; server µs/delivery = server utime+stime ÷ deliveries):",
            Report.hubTable(results)
        )
        if !comparisons.isEmpty {
            output(
                "Against the goal (p99 ≤ \(Int(HubComparison.latencyGoalMs)) ms, server CPU per delivery ≤ "
                    + "\(format(HubComparison.cpuGoalRatio, 1))× the C epoll server's, delivered ≥ "
                    + "\(HubComparison.deliveryGoalPercent) %):",
                Report.hubGoalTable(comparisons)
            )
        }
        if !ratios.isEmpty {
            output(
                "Against the c-epoll row of this run (server CPU per delivery; RSS growth per subscriber, "
                    + "which leaves out the kernel's socket buffers):",
                Report.baselineTable(ratios, unit: HubRowResult.unitName, connection: HubRowResult.connectionName)
            )
        }
        try finish(
            HubBenchReport(
                machine: machine,
                settings: settingsDescription.merging(baselineSettings(baselines)) { $1 }
                    .merging(["scenario": "hub"]) { $1 },
                rows: results,
                comparisons: comparisons,
                baselineRatios: ratios
            ),
            rows: results
        )
    }
}
