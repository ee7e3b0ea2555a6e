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

import CoreMetrics
import NIOConcurrencyHelpers

/// The figures of the stats card, read from the SDK's own swift-metrics: the demo bootstraps
/// this factory, and the reactor and the hub report to it like to any metrics backend.
///
/// - `datastar_streams_open` (the reactor's meter): open streams;
/// - `datastar_events_sent` (the reactor's counter): events written to clients, hub
///   deliveries included;
/// - `datastar_hub_messages` (the hub's counter): messages published or received through the
///   backplane;
/// - `datastar_demo_polls` (the demo's own counter): one-shot `DatastarPoll` responses, which
///   no reactor sees.
///
/// Every other metric is dropped.
final class DemoMetrics: MetricsFactory, Sendable {
    /// The metrics the demo keeps.
    enum Kind: String, CaseIterable, Sendable {
        case streamsOpen = "datastar_streams_open"
        case eventsSent = "datastar_events_sent"
        case hubMessages = "datastar_hub_messages"
        case polls = "datastar_demo_polls"
    }

    /// One counter or meter: a number behind a lock.
    final class Figure: CounterHandler, MeterHandler, Sendable {
        let kind: Kind
        private let value = NIOLockedValueBox<Double>(0)

        init(kind: Kind) { self.kind = kind }

        var current: Double { value.withLockedValue { $0 } }

        func increment(by amount: Int64) { value.withLockedValue { $0 += Double(amount) } }
        func reset() { value.withLockedValue { $0 = 0 } }
        func set(_ newValue: Int64) { value.withLockedValue { $0 = Double(newValue) } }
        func set(_ newValue: Double) { value.withLockedValue { $0 = newValue } }
        func increment(by amount: Double) { value.withLockedValue { $0 += amount } }
        func decrement(by amount: Double) { value.withLockedValue { $0 -= amount } }
    }

    /// Every handler made so far; several instances of one metric (one per reactor or hub)
    /// add up.
    private let figures = NIOLockedValueBox<[Figure]>([])

    /// The sum of every handler of a metric.
    func total(_ kind: Kind) -> Double {
        figures.withLockedValue { figures in
            figures.reduce(0) { $0 + ($1.kind == kind ? $1.current : 0) }
        }
    }

    private func figure(_ label: String) -> Figure? {
        guard let kind = Kind(rawValue: label) else { return nil }
        let figure = Figure(kind: kind)
        figures.withLockedValue { $0.append(figure) }
        return figure
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        figure(label) ?? NOOPMetricsHandler.instance
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        figure(label) ?? NOOPMetricsHandler.instance
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        NOOPMetricsHandler.instance
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) { destroy(handler) }
    func destroyMeter(_ handler: any MeterHandler) { destroy(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private func destroy(_ handler: AnyObject) {
        figures.withLockedValue { $0.removeAll { $0 === handler } }
    }
}

/// Per-second rates, sampled once a second from ``DemoMetrics``.
final class Rates: Sendable {
    /// What the stats card shows about rates.
    struct Snapshot: Sendable {
        var eventsPerSecond: Double = 0
        var pollsPerSecond: Double = 0
    }

    private struct State {
        var snapshot = Snapshot()
        var lastEvents: Double = 0
        var lastPolls: Double = 0
        var lastSample: ContinuousClock.Instant?
    }

    private let state = NIOLockedValueBox(State())
    private let metrics: DemoMetrics

    init(metrics: DemoMetrics) { self.metrics = metrics }

    var snapshot: Snapshot { state.withLockedValue { $0.snapshot } }

    /// Takes a sample: the rates since the previous one.
    func sample(now: ContinuousClock.Instant = .now) {
        let events = metrics.total(.eventsSent)
        let polls = metrics.total(.polls)
        state.withLockedValue { state in
            if let last = state.lastSample {
                let elapsed =
                    Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds)
                if elapsed > 0 {
                    state.snapshot.eventsPerSecond = (events - state.lastEvents) / elapsed
                    state.snapshot.pollsPerSecond = (polls - state.lastPolls) / elapsed
                }
            }
            state.lastEvents = events
            state.lastPolls = polls
            state.lastSample = now
        }
    }

    /// Samples once a second until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            sample()
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
        }
    }
}
