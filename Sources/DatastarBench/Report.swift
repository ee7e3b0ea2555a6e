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

    init(spec: RowSpec) {
        framework = spec.framework
        mode = spec.mode
        streamsRequested = spec.streams
        hz = spec.hz
    }

    var succeeded: Bool { failure == nil }

    /// Anything about a row that ran that deserves a look.
    var notes: [String] {
        guard succeeded else { return ["FAILED: \(failure ?? "")"] }
        var notes: [String] = []
        if let ended = streamsEnded, ended > 0 { notes.append("\(ended) streams ended") }
        if let errors = protocolErrors, errors > 0 { notes.append("\(errors) framing errors") }
        if let negative = negativeLags, negative > 0 { notes.append("\(negative) negative lags") }
        return notes
    }

    /// A one-line summary, printed as soon as the row is done.
    var summary: String {
        let head = "\(framework) \(mode) \(streamsOpened)/\(streamsRequested) streams \(hz) Hz"
        guard succeeded else { return "\(head): FAILED: \(failure ?? "")" }
        var parts = [
            "\(cell(eventsPerSecond, 1)) events/s",
            "delivered \(cell(deliveredPercent, 2)) %",
            "lag p50 \(cell(lagP50Ms, 3)) ms p99 \(cell(lagP99Ms, 3)) ms max \(cell(lagMaxMs, 1)) ms",
            "server CPU \(cell(serverCPUPercent, 1)) % (\(cell(serverCPUMicrosPerEvent, 2)) µs/event)",
            "server RSS \(cell(serverRSSPerStreamKiB, 2)) KiB/stream",
            "client CPU \(cell(clientCPUPercent, 1)) %",
        ]
        parts += notes
        return "\(head): " + parts.joined(separator: ", ")
    }
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

enum Report {
    static func resultsTable(_ results: [RowResult]) -> Table {
        var table = Table(
            headers: [
                "framework", "mode", "streams", "hz", "events/s", "delivered %", "lag p50 ms", "lag p99 ms",
                "server CPU %", "server µs/event", "server RSS KiB/stream", "client CPU %", "notes",
            ],
            alignments: [
                .left, .left, .right, .right, .right, .right, .right, .right, .right, .right, .right, .right, .left,
            ]
        )
        for row in results {
            table.rows.append([
                row.framework,
                row.mode,
                "\(row.streamsOpened)/\(row.streamsRequested)",
                "\(row.hz)",
                cell(row.eventsPerSecond, 1),
                cell(row.deliveredPercent, 2),
                cell(row.lagP50Ms, 3),
                cell(row.lagP99Ms, 3),
                cell(row.serverCPUPercent, 1),
                cell(row.serverCPUMicrosPerEvent, 2),
                cell(row.serverRSSPerStreamKiB, 2),
                cell(row.clientCPUPercent, 1),
                row.notes.joined(separator: "; ").replacingOccurrences(of: "|", with: "/"),
            ])
        }
        return table
    }

    static func ratioTable(_ ratios: [ModeRatio]) -> Table {
        var table = Table(
            headers: ["framework", "streams", "hz", "reactor µs/event", "task µs/event", "task ÷ reactor"],
            alignments: [.left, .right, .right, .right, .right, .right]
        )
        for ratio in ratios {
            table.rows.append([
                ratio.framework, "\(ratio.streams)", "\(ratio.hz)",
                format(ratio.reactorMicrosPerEvent, 2), format(ratio.taskMicrosPerEvent, 2),
                format(ratio.taskOverReactor, 2) + "×",
            ])
        }
        return table
    }
}

/// A table cell: the value with `digits` decimals, or "–" when there is none.
func cell(_ value: Double?, _ digits: Int) -> String {
    guard let value, value.isFinite else { return "–" }
    return format(value, digits)
}
