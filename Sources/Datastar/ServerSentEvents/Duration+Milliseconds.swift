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

extension Duration {
    /// The duration in whole milliseconds, truncated toward zero, saturating at `Int64.max`
    /// and `Int64.min` for durations too long to count in an `Int64` of milliseconds.
    ///
    /// Used for the SSE `retry:` field and the retry options of backend actions, so a huge
    /// duration is sent as the longest one there is instead of trapping on overflow.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let saturated: Int64 = seconds < 0 ? .min : .max
        let (secondsPart, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return saturated }
        // Less than one second either way, so this is within -999...999.
        let millisecondsPart = attoseconds / 1_000_000_000_000_000
        let (total, sumOverflow) = secondsPart.addingReportingOverflow(millisecondsPart)
        if sumOverflow { return millisecondsPart < 0 ? .min : .max }
        return total
    }
}
