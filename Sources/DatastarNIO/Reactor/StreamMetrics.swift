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

/// The reactor's metrics, through swift-metrics; each carries the dimension `reactor` with the
/// reactor's name.
///
/// - `datastar_streams_open` (meter): open reactor streams.
/// - `datastar_events_sent` (counter): events written to clients.
/// - `datastar_bytes_sent` (counter): bytes written to clients, keep-alives included.
/// - `datastar_streams_closed` (counter, dimension `reason`): ended streams by cause.
struct StreamMetrics: Sendable {
    let name: String
    let open: Meter
    let events: Counter
    let bytes: Counter

    init(reactorName name: String) {
        self.name = name
        open = Meter(label: "datastar_streams_open", dimensions: [("reactor", name)])
        events = Counter(label: "datastar_events_sent", dimensions: [("reactor", name)])
        bytes = Counter(label: "datastar_bytes_sent", dimensions: [("reactor", name)])
    }

    func closed(_ reason: StreamCloseReason) {
        Counter(label: "datastar_streams_closed", dimensions: [("reactor", name), ("reason", reason.label)])
            .increment()
    }
}
