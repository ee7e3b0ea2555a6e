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

extension Array {
    /// Gives back the capacity a crowd that has left needed: when fewer than a quarter of more
    /// than 64 slots are in use, the elements move, in order, to storage twice their count.
    mutating func releaseSparseCapacity() {
        guard capacity > 64, count < capacity / 4 else { return }
        var smaller: [Element] = []
        smaller.reserveCapacity(count * 2)
        smaller.append(contentsOf: self)
        self = smaller
    }
}
