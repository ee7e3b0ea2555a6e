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

/// The figures of one hub row.
struct HubRowResult: Codable, Sendable {
    var server: String
    var mode: String
    var subscribersRequested: Int
    var subscribersOpened = 0
    /// Publishes per second asked for.
    var hz: Int
    /// Why the row failed or is incomplete; nil when it ran in full.
    var failure: String?
    var connectSeconds: Double?
    /// From the first publish of the measurement to the end of its drain.
    var windowSeconds: Double?
    /// From the first publish of the measurement to the end of its last interval.
    var publishSeconds: Double?
    /// How long the deliveries took to arrive after the last publish (or the wait gave up).
    var drainSeconds: Double?
    /// Publish requests written (the server got them).
    var publishes: Int?
    /// Of those, the ones answered with 2xx.
    var publishesAcknowledged: Int?
    /// Publishes written per second: the rate asked for, unless the publisher could not keep up.
    var publishRate: Double?
    var publishFailures: Int?
    var publishError: String?
    var publishRoundTripP50Ms: Double?
    var publishRoundTripP99Ms: Double?
    var deliveries: Int?
    /// Publishes written × subscribers opened.
    var expectedDeliveries: Int?
    var deliveriesPerSecond: Double?
    var deliveredPercent: Double?
    /// Receipt time minus the event's `"t"` (the server's clock when it built the event).
    var lagP50Ms: Double?
    var lagP99Ms: Double?
    var lagMeanMs: Double?
    var lagMaxMs: Double?
    /// Server CPU (utime + stime, `/proc/PID/stat`, clock ticks) over the window, which the
    /// CPU per delivery divides.
    var serverCPUSeconds: Double?
    /// Server CPU from the threads' `schedstat` (ns; threads alive at both reads).
    var serverScheduledCPUSeconds: Double?
    /// Server CPU while publishing (from the first publish to the end of the last interval).
    var serverCPUPercent: Double?
    var serverCPUMicrosPerDelivery: Double?
    var serverScheduledMicrosPerDelivery: Double?
    var serverRSSBeforeKiB: Int?
    /// Right after the subscribers opened.
    var serverRSSOpenKiB: Int?
    /// At the end of the window.
    var serverRSSAfterKiB: Int?
    /// (RSS at the end − RSS before any subscriber) ÷ subscribers opened.
    var serverRSSPerSubscriberKiB: Double?
    /// This process's CPU while publishing.
    var clientCPUPercent: Double?
    var otherEvents: Int?
    var negativeLags: Int?
    var bodyBytes: Int?
    /// Subscribers whose stream ended (since they opened).
    var subscribersEnded: Int?
    /// Of those, the ones that ended in the measurement window.
    var subscribersEndedInWindow: Int?
    var protocolErrors: Int?

    init(spec: HubRowSpec) {
        server = spec.server
        mode = spec.mode
        subscribersRequested = spec.subscribers
        hz = spec.hz
    }

    var succeeded: Bool { failure == nil }

    /// Anything about the row that deserves a look.
    var notes: [String] {
        var notes: [String] = []
        if let failure { notes.append(deliveries == nil ? "FAILED: \(failure)" : "INCOMPLETE: \(failure)") }
        if let failed = publishFailures, failed > 0 {
            notes.append("\(failed) publishes unanswered or failed (\(publishError ?? "?"))")
        }
        if let rate = publishRate, rate < 0.99 * Double(hz) {
            notes.append("publishing fell behind \(hz)/s")
        }
        return notes + connectionNotes
    }

    /// A one-line summary, printed as soon as the row is done.
    var summary: String {
        summary(
            head: "\(server) \(mode) \(subscribersOpened)/\(subscribersRequested) subscribers \(hz)/s",
            measured: deliveries != nil,
            leading: [
                "accepts \(cell(acceptsPerSecond, 1))/s",
                "\(publishes ?? 0) publishes (\(cell(publishRate, 2))/s, round trip p50 \(cell(publishRoundTripP50Ms, 1)) ms p99 \(cell(publishRoundTripP99Ms, 1)) ms)",
                "\(cell(deliveriesPerSecond, 1)) deliveries/s",
            ]
        )
    }
}

extension HubRowResult: MeasuredRow {
    static let connectionName = "subscriber"
    static let unitName = "delivery"

    var connectionsRequested: Int { subscribersRequested }
    var connectionsOpened: Int {
        get { subscribersOpened }
        set { subscribersOpened = newValue }
    }
    var connectionsEnded: Int? { subscribersEnded }
    var serverCPUMicrosPerUnit: Double? { serverCPUMicrosPerDelivery }
    var serverRSSPerConnectionKiB: Double? { serverRSSPerSubscriberKiB }
}

/// A Swift row against the C baseline with the same subscribers and rate, and the goal:
/// p99 ≤ 50 ms and server CPU per delivery within 1.3× of the baseline's.
struct HubComparison: Codable, Sendable {
    var server: String
    var mode: String
    var subscribers: Int
    var hz: Int
    var microsPerDelivery: Double
    var baselineMicrosPerDelivery: Double
    var overBaseline: Double
    var lagP99Ms: Double
    var deliveredPercent: Double
    var meetsLatency: Bool
    var meetsCPU: Bool
    var meetsDelivery: Bool

    static let latencyGoalMs = 50.0
    static let cpuGoalRatio = 1.3
    static let deliveryGoalPercent = 99.9

    var meetsGoal: Bool { meetsLatency && meetsCPU && meetsDelivery }

    static func all(in rows: [HubRowResult]) -> [HubComparison] {
        var comparisons: [HubComparison] = []
        for row in rows where row.server != HubRowSpec.baselineServer {
            guard
                let baseline = rows.first(where: {
                    $0.server == HubRowSpec.baselineServer && $0.subscribersRequested == row.subscribersRequested
                        && $0.hz == row.hz && $0.succeeded
                }),
                let baselineCost = baseline.serverCPUMicrosPerDelivery, baselineCost > 0,
                let cost = row.serverCPUMicrosPerDelivery,
                let p99 = row.lagP99Ms,
                let delivered = row.deliveredPercent
            else { continue }
            let ratio = cost / baselineCost
            comparisons.append(
                HubComparison(
                    server: row.server,
                    mode: row.mode,
                    subscribers: row.subscribersRequested,
                    hz: row.hz,
                    microsPerDelivery: cost,
                    baselineMicrosPerDelivery: baselineCost,
                    overBaseline: ratio,
                    lagP99Ms: p99,
                    deliveredPercent: delivered,
                    meetsLatency: p99 <= latencyGoalMs,
                    meetsCPU: ratio <= cpuGoalRatio,
                    meetsDelivery: delivered >= deliveryGoalPercent && row.succeeded
                )
            )
        }
        return comparisons
    }
}

/// Everything a hub run measured, as written by `--json`.
struct HubBenchReport: Codable, Sendable {
    var scenario = "hub"
    var machine: MachineInfo
    var settings: [String: String]
    var rows: [HubRowResult]
    var comparisons: [HubComparison]
    /// Every row against the c-epoll row of the run: CPU per delivery and RSS per subscriber.
    var baselineRatios: [BaselineRatio]
}

extension Report {
    static func hubTable(_ results: [HubRowResult]) -> Table {
        Table(
            results,
            columns: leadingColumns(name: "server", \.server, mode: \.mode) + [
                .right("publishes/s") { cell($0.publishRate, 2) },
                .right("publish RTT p50 ms") { cell($0.publishRoundTripP50Ms, 1) },
                .right("publish RTT p99 ms") { cell($0.publishRoundTripP99Ms, 1) },
                .right("deliveries/s") { cell($0.deliveriesPerSecond, 1) },
            ] + trailingColumns()
        )
    }

    static func hubGoalTable(_ comparisons: [HubComparison]) -> Table {
        Table(
            comparisons,
            columns: [
                .left("server") { $0.server },
                .left("mode") { $0.mode },
                .right("subscribers") { "\($0.subscribers)" },
                .right("publishes/s") { "\($0.hz)" },
                .right("µs/delivery") { format($0.microsPerDelivery, 2) },
                .right("C µs/delivery") { format($0.baselineMicrosPerDelivery, 2) },
                .right("÷ C") { format($0.overBaseline, 2) + "×" },
                .right("lag p99 ms") { format($0.lagP99Ms, 3) },
                .right("delivered %") { format($0.deliveredPercent, 2) },
                .left("goal") { $0.goalText },
            ]
        )
    }
}

extension HubComparison {
    /// "met", or which parts of the goal the row missed.
    var goalText: String {
        var misses: [String] = []
        if !meetsCPU { misses.append("CPU > \(format(Self.cpuGoalRatio, 1))× C") }
        if !meetsLatency { misses.append("p99 > \(Int(Self.latencyGoalMs)) ms") }
        if !meetsDelivery { misses.append("delivery < \(Self.deliveryGoalPercent) %") }
        return misses.isEmpty ? "met" : "missed: " + misses.joined(separator: ", ")
    }
}
