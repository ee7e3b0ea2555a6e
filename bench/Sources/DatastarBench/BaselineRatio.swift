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

/// A row whose server CPU and memory can be set against the C epoll server's row of the same
/// run: the feed and hub rows.
protocol BaselineComparable: MeasuredRow {
    /// The framework or baseline that served the row.
    var serverName: String { get }
    var mode: String { get }
    /// Events per second per stream (feed) or publishes per second (hub).
    var hz: Int { get }
}

extension RowResult: BaselineComparable {
    var serverName: String { framework }
}

extension HubRowResult: BaselineComparable {
    var serverName: String { server }
}

/// One row's server CPU per event (feed) or per delivery (hub) and RSS per connection, and
/// both as a ratio to the c-epoll row with the same connections and rate in the same run.
struct BaselineRatio: Codable, Sendable {
    var server: String
    var mode: String
    /// Streams or subscribers asked for.
    var connections: Int
    var hz: Int
    /// What the CPU is per: `event` or `delivery`; and what the RSS is per: `stream` or
    /// `subscriber`.
    var unit: String
    var connection: String
    var deliveredPercent: Double?
    var serverMicrosPerUnit: Double?
    var baselineMicrosPerUnit: Double
    /// This row's µs per unit ÷ the c-epoll row's.
    var cpuOverBaseline: Double?
    var serverRSSPerConnectionKiB: Double?
    var baselineRSSPerConnectionKiB: Double?
    /// This row's RSS growth per connection ÷ the c-epoll row's (nil when that is not positive).
    var rssOverBaseline: Double?

    /// A ratio for every row (the c-epoll row included, at 1×) that has a c-epoll row with the
    /// same connections and rate that succeeded and measured CPU.
    static func all<Row: BaselineComparable>(in rows: [Row]) -> [BaselineRatio] {
        rows.compactMap { row in
            guard
                let baseline = rows.first(where: {
                    $0.serverName == Baseline.cEpoll.rawValue && $0.connectionsRequested == row.connectionsRequested
                        && $0.hz == row.hz && $0.succeeded
                }),
                let baselineCost = baseline.serverCPUMicrosPerUnit, baselineCost > 0
            else { return nil }
            let cost = row.serverCPUMicrosPerUnit
            let rss = row.serverRSSPerConnectionKiB
            let baselineRSS = baseline.serverRSSPerConnectionKiB
            return BaselineRatio(
                server: row.serverName,
                mode: row.mode,
                connections: row.connectionsRequested,
                hz: row.hz,
                unit: Row.unitName,
                connection: Row.connectionName,
                deliveredPercent: row.deliveredPercent,
                serverMicrosPerUnit: cost,
                baselineMicrosPerUnit: baselineCost,
                cpuOverBaseline: cost.map { $0 / baselineCost },
                serverRSSPerConnectionKiB: rss,
                baselineRSSPerConnectionKiB: baselineRSS,
                rssOverBaseline: rss.flatMap { rss in baselineRSS.flatMap { $0 > 0 ? rss / $0 : nil } }
            )
        }
    }
}

extension Report {
    /// The rows against the c-epoll row of the same run: CPU per event or delivery, RSS per
    /// stream or subscriber, absolute and as ratios.
    static func baselineTable(_ ratios: [BaselineRatio], unit: String, connection: String) -> Table {
        Table(
            ratios,
            columns: [
                .left("server") { $0.server },
                .left("mode") { $0.mode },
                .right("\(connection)s") { "\($0.connections)" },
                .right("hz") { "\($0.hz)" },
                .right("delivered %") { cell($0.deliveredPercent, 2) },
                .right("server µs/\(unit)") { cell($0.serverMicrosPerUnit, 2) },
                .right("÷ c-epoll") { $0.cpuOverBaseline.map { format($0, 2) + "×" } ?? "–" },
                .right("RSS KiB/\(connection)") { cell($0.serverRSSPerConnectionKiB, 2) },
                .right("RSS ÷ c-epoll") { $0.rssOverBaseline.map { format($0, 1) + "×" } ?? "–" },
            ]
        )
    }
}
