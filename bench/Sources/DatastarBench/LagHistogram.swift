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

/// A fixed histogram of lags in µs: 1 µs buckets below 10 ms, 100 µs buckets below 1 s (at
/// most 1 % off), 10 ms buckets below 60 s, and one overflow bucket. Recording is an index
/// computation and an increment; no allocation.
struct LagHistogram: Sendable {
    static let fineLimit: Int64 = 10_000
    static let midLimit: Int64 = 1_000_000
    static let midWidth: Int64 = 100
    static let coarseLimit: Int64 = 60_000_000
    static let coarseWidth: Int64 = 10_000
    static let fineBuckets = Int(fineLimit)
    static let midBuckets = Int((midLimit - fineLimit) / midWidth)
    static let coarseBuckets = Int((coarseLimit - midLimit) / coarseWidth)
    static let bucketCount = fineBuckets + midBuckets + coarseBuckets + 1

    private(set) var counts: [UInt64]
    private(set) var total: UInt64 = 0
    private(set) var sum: Int64 = 0
    private(set) var maximum: Int64 = 0

    init() {
        counts = Array(repeating: 0, count: Self.bucketCount)
    }

    @inline(__always)
    static func bucket(of microseconds: Int64) -> Int {
        let value = max(0, microseconds)
        if value < fineLimit { return Int(value) }
        if value < midLimit { return fineBuckets + Int((value - fineLimit) / midWidth) }
        if value < coarseLimit { return fineBuckets + midBuckets + Int((value - midLimit) / coarseWidth) }
        return bucketCount - 1
    }

    /// The value a bucket stands for, in µs: its middle (the overflow bucket: its lower bound).
    static func value(ofBucket index: Int) -> Double {
        if index < fineBuckets { return Double(index) }
        if index < fineBuckets + midBuckets {
            return Double(fineLimit + Int64(index - fineBuckets) * midWidth) + Double(midWidth) / 2
        }
        if index < bucketCount - 1 {
            let start = midLimit + Int64(index - fineBuckets - midBuckets) * coarseWidth
            return Double(start) + Double(coarseWidth) / 2
        }
        return Double(coarseLimit)
    }

    @inline(__always)
    mutating func record(_ microseconds: Int64) {
        counts[Self.bucket(of: microseconds)] &+= 1
        total &+= 1
        sum &+= microseconds
        if microseconds > maximum { maximum = microseconds }
    }

    mutating func reset() {
        counts.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        total = 0
        sum = 0
        maximum = 0
    }

    mutating func merge(_ other: LagHistogram) {
        counts.withUnsafeMutableBufferPointer { mine in
            other.counts.withUnsafeBufferPointer { theirs in
                for index in mine.indices { mine[index] &+= theirs[index] }
            }
        }
        total &+= other.total
        sum &+= other.sum
        maximum = max(maximum, other.maximum)
    }

    /// The `fraction` quantile (0…1) in µs, or nil when empty.
    func quantile(_ fraction: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, UInt64((Double(total) * fraction).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen &+= count
            if seen >= rank { return Self.value(ofBucket: index) }
        }
        return Self.value(ofBucket: counts.count - 1)
    }

    /// Mean lag in µs, or nil when empty.
    var mean: Double? { total > 0 ? Double(sum) / Double(total) : nil }
}
