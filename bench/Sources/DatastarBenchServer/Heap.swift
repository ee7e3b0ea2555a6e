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

import CDatastarBenchSupport

/// `GET /heap` and `POST /heap/trim`: what the C allocator holds, so that the churn benchmark
/// can tell memory in use from memory freed but kept by malloc.
enum Heap {
    /// `in_use=<bytes> free_kept=<bytes> mmapped=<bytes>`.
    static func report() -> String {
        let stats = datastar_bench_heap()
        return "in_use=\(stats.in_use) free_kept=\(stats.free_kept) mmapped=\(stats.mmapped)\n"
    }

    /// Gives free memory back to the system, then reports.
    static func trim() -> String {
        _ = datastar_bench_heap_trim()
        return report()
    }
}
