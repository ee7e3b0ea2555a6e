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
        if let ended = subscribersEnded, ended > 0 { notes.append("\(ended) subscribers ended") }
        if let errors = protocolErrors, errors > 0 { notes.append("\(errors) framing errors") }
        if let negative = negativeLags, negative > 0 { notes.append("\(negative) negative lags") }
        return notes
    }

    /// A one-line summary, printed as soon as the row is done.
    var summary: String {
        let head = "\(server) \(mode) \(subscribersOpened)/\(subscribersRequested) subscribers \(hz)/s"
        guard deliveries != nil else { return "\(head): FAILED: \(failure ?? "")" }
        var parts = [
            "\(publishes ?? 0) publishes (\(cell(publishRate, 2))/s, round trip p99 \(cell(publishRoundTripP99Ms, 1)) ms)",
            "\(cell(deliveriesPerSecond, 1)) deliveries/s",
            "delivered \(cell(deliveredPercent, 2)) %",
            "lag p50 \(cell(lagP50Ms, 3)) ms p99 \(cell(lagP99Ms, 3)) ms max \(cell(lagMaxMs, 1)) ms",
            "server CPU \(cell(serverCPUPercent, 1)) % (\(cell(serverCPUMicrosPerDelivery, 2)) µs/delivery)",
            "server RSS \(cell(serverRSSPerSubscriberKiB, 2)) KiB/subscriber",
            "client CPU \(cell(clientCPUPercent, 1)) %",
        ]
        parts += notes
        return "\(head): " + parts.joined(separator: ", ")
    }
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
}

extension Report {
    static func hubTable(_ results: [HubRowResult]) -> Table {
        var table = Table(
            headers: [
                "server", "mode", "subscribers", "publishes/s", "publish RTT p99 ms", "deliveries/s", "delivered %",
                "lag p50 ms", "lag p99 ms", "server CPU %", "server µs/delivery", "server RSS KiB/subscriber",
                "client CPU %", "notes",
            ],
            alignments: [
                .left, .left, .right, .right, .right, .right, .right, .right, .right, .right, .right, .right, .right,
                .left,
            ]
        )
        for row in results {
            table.rows.append([
                row.server,
                row.mode,
                "\(row.subscribersOpened)/\(row.subscribersRequested)",
                cell(row.publishRate, 2),
                cell(row.publishRoundTripP99Ms, 1),
                cell(row.deliveriesPerSecond, 1),
                cell(row.deliveredPercent, 2),
                cell(row.lagP50Ms, 3),
                cell(row.lagP99Ms, 3),
                cell(row.serverCPUPercent, 1),
                cell(row.serverCPUMicrosPerDelivery, 2),
                cell(row.serverRSSPerSubscriberKiB, 2),
                cell(row.clientCPUPercent, 1),
                row.notes.joined(separator: "; ").replacingOccurrences(of: "|", with: "/"),
            ])
        }
        return table
    }

    static func hubGoalTable(_ comparisons: [HubComparison]) -> Table {
        var table = Table(
            headers: [
                "server", "mode", "subscribers", "publishes/s", "µs/delivery", "C µs/delivery", "÷ C",
                "lag p99 ms", "delivered %", "goal",
            ],
            alignments: [.left, .left, .right, .right, .right, .right, .right, .right, .right, .left]
        )
        for comparison in comparisons {
            var misses: [String] = []
            if !comparison.meetsCPU { misses.append("CPU > \(format(HubComparison.cpuGoalRatio, 1))× C") }
            if !comparison.meetsLatency { misses.append("p99 > \(Int(HubComparison.latencyGoalMs)) ms") }
            if !comparison.meetsDelivery { misses.append("delivery < \(HubComparison.deliveryGoalPercent) %") }
            table.rows.append([
                comparison.server, comparison.mode, "\(comparison.subscribers)", "\(comparison.hz)",
                format(comparison.microsPerDelivery, 2), format(comparison.baselineMicrosPerDelivery, 2),
                format(comparison.overBaseline, 2) + "×", format(comparison.lagP99Ms, 3),
                format(comparison.deliveredPercent, 2),
                misses.isEmpty ? "met" : "missed: " + misses.joined(separator: ", "),
            ])
        }
        return table
    }
}
