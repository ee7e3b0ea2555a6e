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
    /// The hub rows, grouped by subscriber count and rate: the C baseline first, then each mode
    /// on each framework.
    var hubMatrix: [HubRowSpec] {
        var specs: [HubRowSpec] = []
        let servers = frameworkList.items
        for count in streams.integers ?? [] {
            for rate in hzList.integers ?? [] {
                if servers.contains(HubRowSpec.baselineServer) {
                    specs.append(
                        HubRowSpec(server: HubRowSpec.baselineServer, mode: "epoll", subscribers: count, hz: rate)
                    )
                }
                for mode in modeList.items {
                    for server in servers where server != HubRowSpec.baselineServer {
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
        let specs = hubMatrix
        var baseline: URL?
        if specs.contains(where: { $0.server == HubRowSpec.baselineServer }) {
            if let cServer {
                baseline = URL(fileURLWithPath: cServer)
            } else {
                guard let source = CBaseline.locateSource(explicit: cSource) else {
                    throw ValidationError(
                        "no \(CBaseline.sourcePath) here or above this executable; pass --c-source or --c-server"
                    )
                }
                baseline = try CBaseline.build(source: source, compiler: cc)
            }
        }
        let settings = try runSettings()
        output(machine.description)
        output(
            "run: hub scenario, \(specs.count) rows; server threads \(serverThreads) (C server: 1), client threads "
                + "\(clientThreads), \(sources) source addresses, warm-up \(format(warmupSeconds, 1)) s of "
                + "publishing, window \(format(durationSeconds, 1)) s; server \(settings.server.path)"
                + (baseline.map { ", C server \($0.path)" } ?? "")
        )
        output("")

        let results = runRows(specs, settings: settings, label: \.label) { spec, harness in
            HubRowRunner(harness: harness, baseline: baseline).run(spec)
        }
        let comparisons = HubComparison.all(in: results)
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
        try finish(
            HubBenchReport(
                machine: machine,
                settings: settingsDescription.merging(["scenario": "hub", "cServer": baseline?.path ?? ""]) { $1 },
                rows: results,
                comparisons: comparisons
            ),
            rows: results
        )
    }
}
