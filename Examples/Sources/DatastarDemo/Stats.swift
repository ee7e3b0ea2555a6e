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

/// The stats card: open streams and events per second in this process, from the SDK's
/// metrics (``DemoMetrics``), the hub's subscriber count and the streams that push the live
/// view. Each page's stream sends it once a second.
struct Stats: Sendable {
    let metrics: DemoMetrics
    let rates: Rates
    let hub: DatastarHub
    let start: ContinuousClock.Instant
    /// The page streams that push the live view.
    let pushing = ConnectionSet()

    /// The card's content as `<div id="stats">`.
    func render() -> String {
        let open = Int(metrics.total(.streamsOpen).rounded())
        let board = hub.subscriberCount(of: BoardRoutes.topic)
        let live = pushing.count
        let rates = rates.snapshot
        let hubMessages = Int(metrics.total(.hubMessages).rounded())
        let uptime = Int((ContinuousClock.now - start).components.seconds)
        return """
            <div id="stats" class="stats">\
            <div class="stat"><span class="label">Open streams</span><span class="value" id="stat-open">\(open)</span>\
            <span class="sub"><span id="stat-board">\(board)</span> pages · <span id="stat-live">\(live)</span> in push mode</span></div>\
            <div class="stat"><span class="label">Events / s</span>\
            <span class="value" id="stat-events">\(Self.rate(rates.eventsPerSecond))</span>\
            <span class="sub">written by the reactor</span></div>\
            <div class="stat"><span class="label">Polls / s</span>\
            <span class="value" id="stat-polls">\(Self.rate(rates.pollsPerSecond))</span>\
            <span class="sub">one-shot DatastarPoll</span></div>\
            <div class="stat"><span class="label">Hub messages</span>\
            <span class="value" id="stat-hub">\(hubMessages)</span>\
            <span class="sub">up <span id="stat-uptime">\(Self.duration(uptime))</span></span></div>\
            </div>
            """
    }

    /// A rate with one decimal under 100, whole above.
    static func rate(_ value: Double) -> String {
        if value >= 100 { return String(Int(value.rounded())) }
        return LiveView.format(max(0, value))
    }

    /// `42s`, `3m 05s`, `2h 07m`.
    static func duration(_ seconds: Int) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m \(two(seconds % 60))s" }
        return "\(seconds / 3600)h \(two(seconds / 60 % 60))m"
    }
}
