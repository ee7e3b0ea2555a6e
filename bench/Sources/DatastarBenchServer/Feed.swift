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

/// The feed, once per mode; both send the same bytes.
struct Feed: Sendable {
    let mode: BenchMode

    static func event(n: Int) -> DatastarEvent {
        .patchSignals(#"{"t":\#(microsecondsSinceEpoch()),"n":\#(n)}"#)
    }

    static func microsecondsSinceEpoch() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }

    /// The reactor way: one updater, run by the event loop's timer.
    func stream(hz: Int) -> DatastarStream {
        DatastarStream(every: .microseconds(1_000_000 / max(1, hz))) { sse in
            try sse.send(Self.event(n: sse.updates))
        }
    }

    /// The naive way: a loop with `Task.sleep` per connection.
    func task(hz: Int) -> DatastarResponseBody {
        { sse in
            var n = 0
            while true {
                try await Task.sleep(for: .microseconds(1_000_000 / max(1, hz)))
                n += 1
                try await sse.send(Self.event(n: n))
            }
        }
    }
}
