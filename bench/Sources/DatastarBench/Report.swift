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

/// The figures of one row.
struct RowResult: Codable, Sendable {
    var framework: String
    var mode: String
    var streamsRequested: Int
    var streamsOpened = 0
    var hz: Int
    /// Why the row failed; nil when it ran.
    var failure: String?
    var connectSeconds: Double?
    var windowSeconds: Double?
    var events: Int?
    var eventsPerSecond: Double?
    var deliveredPercent: Double?
    var lagP50Ms: Double?
    var lagP99Ms: Double?
    var lagMeanMs: Double?
    var lagMaxMs: Double?
    /// Server CPU in the window from `/proc/PID/stat` (clock ticks).
    var serverCPUSeconds: Double?
    /// Server CPU in the window from the threads' `schedstat` (ns; threads alive at both reads).
    var serverScheduledCPUSeconds: Double?
    var serverCPUPercent: Double?
    var serverCPUMicrosPerEvent: Double?
    var serverRSSBeforeKiB: Int?
    var serverRSSAfterKiB: Int?
    var serverRSSPerStreamKiB: Double?
    var clientCPUPercent: Double?
    var otherEvents: Int?
    var negativeLags: Int?
    var bodyBytes: Int?
    var streamsEnded: Int?
    var protocolErrors: Int?
    /// Short requests during the window (`POST /publish` to a topic nobody subscribes to):
    /// asked 10/s, written per second, answer time.
    var probeRate: Double?
    var probeRoundTripP50Ms: Double?
    var probeRoundTripP99Ms: Double?
    var probeFailures: Int?

    init(spec: RowSpec) {
        framework = spec.framework
        mode = spec.mode
        streamsRequested = spec.streams
        hz = spec.hz
    }

    var succeeded: Bool { failure == nil }

    /// Anything about a row that ran that deserves a look.
    var notes: [String] {
        guard events != nil else { return ["FAILED: \(failure ?? "")"] }
        var notes = failure.map { ["INCOMPLETE: \($0)"] } ?? []
        notes += connectionNotes
        if let failed = probeFailures, failed > 0 { notes.append("\(failed) short requests unanswered") }
        return notes
    }

    /// A one-line summary, printed as soon as the row is done.
    var summary: String {
        summary(
            head: "\(framework) \(mode) \(streamsOpened)/\(streamsRequested) streams \(hz) Hz",
            measured: events != nil,
            leading: [
                "\(cell(eventsPerSecond, 1)) events/s",
                "accepts \(cell(acceptsPerSecond, 1))/s",
                "short requests \(cell(probeRate, 2))/s p50 \(cell(probeRoundTripP50Ms, 1)) ms p99 \(cell(probeRoundTripP99Ms, 1)) ms",
            ]
        )
    }
}

extension RowResult: MeasuredRow {
    static let connectionName = "stream"
    static let unitName = "event"

    var connectionsRequested: Int { streamsRequested }
    var connectionsOpened: Int {
        get { streamsOpened }
        set { streamsOpened = newValue }
    }
    var connectionsEnded: Int? { streamsEnded }
    var serverCPUMicrosPerUnit: Double? { serverCPUMicrosPerEvent }
    var serverRSSPerConnectionKiB: Double? { serverRSSPerStreamKiB }
}

/// task ÷ reactor server CPU per event, for one framework, stream count and rate.
struct ModeRatio: Codable, Sendable {
    var framework: String
    var streams: Int
    var hz: Int
    var reactorMicrosPerEvent: Double
    var taskMicrosPerEvent: Double
    var taskOverReactor: Double

    static func all(in rows: [RowResult]) -> [ModeRatio] {
        var ratios: [ModeRatio] = []
        for task in rows where task.mode == "task" {
            guard
                let reactor = rows.first(where: {
                    $0.mode == "reactor" && $0.framework == task.framework
                        && $0.streamsRequested == task.streamsRequested && $0.hz == task.hz
                }),
                let reactorCost = reactor.serverCPUMicrosPerEvent, reactorCost > 0,
                let taskCost = task.serverCPUMicrosPerEvent
            else { continue }
            ratios.append(
                ModeRatio(
                    framework: task.framework,
                    streams: task.streamsRequested,
                    hz: task.hz,
                    reactorMicrosPerEvent: reactorCost,
                    taskMicrosPerEvent: taskCost,
                    taskOverReactor: taskCost / reactorCost
                )
            )
        }
        return ratios
    }
}

/// Everything a run measured, as written by `--json`.
struct BenchReport: Codable, Sendable {
    var machine: MachineInfo
    var settings: [String: String]
    var rows: [RowResult]
    var ratios: [ModeRatio]
    /// Every row against the c-epoll row of the run: CPU per event and RSS per stream.
    var baselineRatios: [BaselineRatio]
}

/// A table printed either aligned for a terminal or as Markdown.
struct Table {
    enum Alignment { case left, right }

    var headers: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []

    func render(markdown: Bool) -> String {
        markdown ? renderMarkdown() : renderText()
    }

    private func renderMarkdown() -> String {
        var lines = ["| " + headers.joined(separator: " | ") + " |"]
        lines.append("|" + alignments.map { $0 == .left ? " --- |" : " ---: |" }.joined())
        for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }

    private func renderText() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (column, text) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], text.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, text in
                let padding = String(repeating: " ", count: max(0, widths[column] - text.count))
                return alignments[column] == .left ? text + padding : padding + text
            }
            .joined(separator: "  ")
            .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(headers)]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}

extension MeasuredRow {
    /// Streams opened ÷ the seconds the open phase took.
    var acceptsPerSecond: Double? {
        guard let seconds = connectSeconds, seconds > 0, connectionsOpened > 0 else { return nil }
        return Double(connectionsOpened) / seconds
    }

    /// Notes on the connections and the framing, for either scenario.
    var connectionNotes: [String] {
        var notes: [String] = []
        if let ended = connectionsEnded, ended > 0 { notes.append("\(ended) \(Self.connectionName)s ended") }
        if let errors = protocolErrors, errors > 0 { notes.append("\(errors) framing errors") }
        if let negative = negativeLags, negative > 0 { notes.append("\(negative) negative lags") }
        return notes
    }

    /// `head`, then (if `measured`) the scenario's `leading` figures, delivery, lag, server
    /// CPU and RSS, client CPU and the notes; else the failure.
    func summary(head: String, measured: Bool, leading: [String]) -> String {
        guard measured else { return "\(head): FAILED: \(failure ?? "")" }
        let parts =
            leading + [
                "delivered \(cell(deliveredPercent, 2)) %",
                "lag p50 \(cell(lagP50Ms, 3)) ms p99 \(cell(lagP99Ms, 3)) ms max \(cell(lagMaxMs, 1)) ms",
                "server CPU \(cell(serverCPUPercent, 1)) % (\(cell(serverCPUMicrosPerUnit, 2)) µs/\(Self.unitName))",
                "server RSS \(cell(serverRSSPerConnectionKiB, 2)) KiB/\(Self.connectionName)",
                "client CPU \(cell(clientCPUPercent, 1)) %",
            ] + notes
        return "\(head): " + parts.joined(separator: ", ")
    }
}

/// One column of a table of `Row`s.
struct Column<Row> {
    var header: String
    var alignment: Table.Alignment
    var text: (Row) -> String

    static func left(_ header: String, _ text: @escaping (Row) -> String) -> Column {
        Column(header: header, alignment: .left, text: text)
    }

    static func right(_ header: String, _ text: @escaping (Row) -> String) -> Column {
        Column(header: header, alignment: .right, text: text)
    }
}

extension Table {
    /// A row of cells for each of `rows`, one cell per column.
    init<Row>(_ rows: [Row], columns: [Column<Row>]) {
        self.init(headers: columns.map(\.header), alignments: columns.map(\.alignment))
        self.rows = rows.map { row in columns.map { $0.text(row) } }
    }
}

enum Report {
    /// The columns a results table of either scenario starts with: the server (`name`),
    /// the mode and the connections opened of those asked for.
    static func leadingColumns<Row: MeasuredRow>(
        name: String,
        _ server: @escaping (Row) -> String,
        mode: @escaping (Row) -> String
    ) -> [Column<Row>] {
        [
            .left(name, server),
            .left("mode", mode),
            .right("\(Row.connectionName)s") { "\($0.connectionsOpened)/\($0.connectionsRequested)" },
            .right("accepts/s") { cell($0.acceptsPerSecond, 0) },
        ]
    }

    /// The columns a results table of either scenario ends with: delivery, lag, server CPU
    /// and RSS, client CPU and the notes.
    static func trailingColumns<Row: MeasuredRow>() -> [Column<Row>] {
        [
            .right("delivered %") { cell($0.deliveredPercent, 2) },
            .right("lag p50 ms") { cell($0.lagP50Ms, 3) },
            .right("lag p99 ms") { cell($0.lagP99Ms, 3) },
            .right("server CPU %") { cell($0.serverCPUPercent, 1) },
            .right("server µs/\(Row.unitName)") { cell($0.serverCPUMicrosPerUnit, 2) },
            .right("server RSS KiB/\(Row.connectionName)") { cell($0.serverRSSPerConnectionKiB, 2) },
            .right("client CPU %") { cell($0.clientCPUPercent, 1) },
            .left("notes") { $0.notes.joined(separator: "; ").replacingOccurrences(of: "|", with: "/") },
        ]
    }

    static func resultsTable(_ results: [RowResult]) -> Table {
        Table(
            results,
            columns: leadingColumns(name: "framework", \.framework, mode: \.mode) + [
                .right("hz") { "\($0.hz)" },
                .right("events/s") { cell($0.eventsPerSecond, 1) },
                .right("short req/s") { cell($0.probeRate, 2) },
                .right("short req p50 ms") { cell($0.probeRoundTripP50Ms, 1) },
                .right("short req p99 ms") { cell($0.probeRoundTripP99Ms, 1) },
            ] + trailingColumns()
        )
    }

    static func ratioTable(_ ratios: [ModeRatio]) -> Table {
        Table(
            ratios,
            columns: [
                .left("framework") { $0.framework },
                .right("streams") { "\($0.streams)" },
                .right("hz") { "\($0.hz)" },
                .right("reactor µs/event") { format($0.reactorMicrosPerEvent, 2) },
                .right("task µs/event") { format($0.taskMicrosPerEvent, 2) },
                .right("task ÷ reactor") { format($0.taskOverReactor, 2) + "×" },
            ]
        )
    }
}

/// A table cell: the value with `digits` decimals, or "–" when there is none.
func cell(_ value: Double?, _ digits: Int) -> String {
    guard let value, value.isFinite else { return "–" }
    return format(value, digits)
}
