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

import Datastar
import DatastarNIO
import Foundation

/// The live view: a simulated fleet of servers whose load changes ten times a second.
///
/// The figures are a pure function of time, so every page (and push or pull) sees the same
/// fleet without per-connection state. The page gets them either way:
///
/// - **push**: the page's one stream (``PageStream``, which the reactor visits every 100 ms)
///   sends ``render(at:)`` on every visit;
/// - **pull**: the page asks `GET /live/poll` every 500 ms, which returns ``poll``, a
///   `DatastarPoll`: one run of an updater that sends the same, then the response ends.
struct LiveView: Sendable {
    /// The machines of the simulated fleet.
    static let nodes = ["api-1", "api-2", "api-3", "worker-1", "worker-2", "db-1"]
    /// How often the simulation takes a sample, and the push stream's interval.
    static let sampleInterval: Duration = .milliseconds(100)
    /// How often the page polls in pull mode.
    static let pollInterval: Duration = .milliseconds(500)
    /// How many samples the chart shows.
    static let history = 100

    /// The wall-clock time of sample 0, in milliseconds since 1970.
    let startMilliseconds: Int64

    init(now: Date = Date()) {
        self.startMilliseconds = Int64(now.timeIntervalSince1970 * 1000)
    }

    /// The pull response: one run of an updater that sends the live view as it is now.
    var poll: DatastarPoll {
        let view = self
        return DatastarPoll { sse in try sse.send(.patchElements(view.render(at: Date()))) }
    }

    // MARK: The simulation

    /// The load of node `node` at sample `sample`, in percent (2–98).
    static func load(node: Int, sample: Int64) -> Double {
        let t = Double(sample) / 10
        let i = Double(node)
        // Traffic that every node shares, then each node's own swings and noise.
        let traffic = 18 * sin(t / 4.3) + 7 * sin(t / 1.7 + 0.5)
        let slow = 14 * sin(t / (3.1 + i * 0.7) + i * 1.9)
        let fast = 7 * sin(t / (0.9 + i * 0.23) + i)
        let noise = (unitNoise(sample, node) - 0.5) * 8
        let base = node == 5 ? 32.0 : 50.0
        return min(98, max(2, base + traffic + slow + fast + noise))
    }

    /// The fleet's average load at `sample`.
    static func average(sample: Int64) -> Double {
        nodes.indices.reduce(0) { $0 + load(node: $1, sample: sample) } / Double(nodes.count)
    }

    /// A number in [0, 1) from the sample and node (SplitMix64).
    static func unitNoise(_ sample: Int64, _ node: Int) -> Double {
        var z = UInt64(bitPattern: sample) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(node) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    // MARK: Rendering

    /// The live view at `date`: `<div id="live-view">`.
    func render(at date: Date) -> String {
        let milliseconds = Int64(date.timeIntervalSince1970 * 1000)
        let sample = max(0, (milliseconds - startMilliseconds) / 100)
        let absolute = milliseconds / 100
        let average = Self.average(sample: absolute)
        var html = #"<div id="live-view" class="live">"#
        html += #"<div class="live-head"><div><span class="big" id="live-avg">\#(Int(average.rounded()))%</span>"#
        html += #"<span class="muted"> average load</span></div>"#
        html += #"<div class="muted mono">sample <b id="live-sample">\#(sample)</b> · "#
        html += #"<span id="live-clock">\#(Self.clock(milliseconds))</span> UTC</div></div>"#
        html += chart(upTo: absolute)
        html += #"<div class="nodes">"#
        for (index, name) in Self.nodes.enumerated() {
            let load = Int(Self.load(node: index, sample: absolute).rounded())
            let level = load >= 80 ? "hot" : load >= 60 ? "warm" : "ok"
            html += #"<div class="node"><span class="name mono">\#(name)</span>"#
            html += #"<div class="bar"><i class="\#(level)" style="width:\#(load)%"></i></div>"#
            html += #"<span class="pct mono">\#(load)%</span></div>"#
        }
        html += "</div></div>"
        return html
    }

    /// The average load of the last ``history`` samples as an SVG area chart.
    private func chart(upTo sample: Int64) -> String {
        let width = 600.0
        let height = 90.0
        var points: [String] = []
        points.reserveCapacity(Self.history)
        for step in 0..<Self.history {
            let value = Self.average(sample: sample - Int64(Self.history - 1 - step))
            let x = Double(step) * width / Double(Self.history - 1)
            let y = height - value / 100 * height
            points.append("\(Self.format(x)),\(Self.format(y))")
        }
        let line = points.joined(separator: " ")
        return """
            <svg class="chart" viewBox="0 0 600 90" preserveAspectRatio="none" aria-label="average load">\
            <defs><linearGradient id="fill" x1="0" y1="0" x2="0" y2="1">\
            <stop offset="0" stop-color="#6366f1" stop-opacity="0.35"/>\
            <stop offset="1" stop-color="#6366f1" stop-opacity="0"/></linearGradient></defs>\
            <line x1="0" y1="45" x2="600" y2="45" class="grid-line"/>\
            <polygon fill="url(#fill)" points="0,90 \(line) 600,90"/>\
            <polyline fill="none" stroke="#6366f1" stroke-width="2" vector-effect="non-scaling-stroke" points="\(line)"/>\
            </svg>
            """
    }

    /// One decimal, without Foundation's formatters.
    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// `HH:MM:SS.t` (UTC) of a time in milliseconds since 1970.
    static func clock(_ milliseconds: Int64) -> String {
        let dayMilliseconds = milliseconds % 86_400_000
        let hours = dayMilliseconds / 3_600_000
        let minutes = dayMilliseconds / 60_000 % 60
        let seconds = dayMilliseconds / 1000 % 60
        let tenths = dayMilliseconds / 100 % 10
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(hours)):\(two(minutes)):\(two(seconds)).\(tenths)"
    }

    // MARK: The switch

    /// How the page gets the live view.
    enum Mode: String, Sendable, CaseIterable {
        case push, pull
    }

    /// The element that polls for the live view in pull mode (the GETs send no signals: they
    /// need none); in push mode it is empty, as the page's stream sends the live view.
    /// Switching replaces it, which ends its polling.
    static func driver(_ mode: Mode) -> String {
        switch mode {
        case .push:
            return #"<div id="live-driver" data-mode="push"></div>"#
        case .pull:
            let milliseconds =
                pollInterval.components.seconds * 1000
                + pollInterval.components.attoseconds / 1_000_000_000_000_000
            let poll = DatastarAction.get("/live/poll", .init(includeSignals: "^$"))
            return #"<div id="live-driver" data-mode="pull" "#
                + #"data-on-interval__duration.\#(milliseconds)ms.leading="\#(poll)"></div>"#
        }
    }

    /// The push / pull switch, with `mode` selected.
    static func modeSwitch(_ mode: Mode) -> String {
        func button(_ candidate: Mode, _ label: String, _ detail: String) -> String {
            let selected = candidate == mode
            return #"<button type="button" id="mode-\#(candidate.rawValue)" class="\#(selected ? "active" : "")" "#
                + #"aria-pressed="\#(selected)" "#
                + #"data-on:click="\#(DatastarAction.get("/live/mode/\(candidate.rawValue)", .init(includeSignals: "^$")))">"#
                + #"\#(label) <small>\#(detail)</small></button>"#
        }
        return #"<div id="live-switch" class="switch" role="group" aria-label="how the page gets updates">"#
            + button(.push, "Push", "stream · 100 ms")
            + button(.pull, "Pull", "poll · 500 ms")
            + "</div>"
    }
}
