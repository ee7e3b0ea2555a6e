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

import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Readers for the Linux `/proc` file system: resident memory and CPU time of a process.
enum ProcFS {
    /// Reads a whole file with plain POSIX calls (`/proc` files report a size of 0, so this
    /// reads until end of file); nil if it cannot be opened.
    static func contents(of path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Resident set size in KiB (`VmRSS` in `/proc/<pid>/status`).
    static func residentKiB(pid: String) -> Int? {
        guard let status = contents(of: "/proc/\(pid)/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2 else { return nil }
            return Int(fields[1])
        }
        return nil
    }

    /// How many files the process has open (the entries of `/proc/<pid>/fd`); nil if unreadable.
    static func openFiles(pid: String) -> Int? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else {
            return nil
        }
        return entries.count
    }

    /// User plus system CPU time in clock ticks: fields 14 and 15 of `/proc/<pid>/stat`.
    static func cpuTicks(pid: String) -> Int? {
        guard let stat = contents(of: "/proc/\(pid)/stat"), let paren = stat.lastIndex(of: ")") else {
            return nil
        }
        // The command name (field 2) may hold spaces; fields after it start at field 3.
        let fields = stat[stat.index(after: paren)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// Clock ticks per second, the unit of `cpuTicks`.
    static let ticksPerSecond: Double = {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? Double(ticks) : 100
    }()

    /// CPU time in seconds from `/proc/<pid>/stat`, or nil.
    static func cpuSeconds(pid: String) -> Double? {
        cpuTicks(pid: pid).map { Double($0) / ticksPerSecond }
    }

    /// CPU time in seconds with nanosecond resolution: the sum of `sum_exec_runtime` (first
    /// field of `/proc/<pid>/task/<tid>/schedstat`) over the live threads; nil if unavailable.
    static func scheduledSeconds(pid: String) -> Double? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else {
            return nil
        }
        var nanoseconds = 0
        for task in tasks {
            guard let line = contents(of: "/proc/\(pid)/task/\(task)/schedstat"),
                let first = line.split(separator: " ").first,
                let value = Int(first)
            else { continue }
            nanoseconds += value
        }
        return Double(nanoseconds) / 1e9
    }

    /// The soft and hard limits on open files.
    static func openFileLimits() -> (soft: Int, hard: Int) {
        var limit = rlimit()
        guard getrlimit(fileLimit, &limit) == 0 else { return (1024, 1024) }
        return (clampedLimit(limit.rlim_cur), clampedLimit(limit.rlim_max))
    }

    /// Raises the soft limit on open files to the hard limit; returns the new soft limit.
    @discardableResult
    static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(fileLimit, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(fileLimit, &limit)
        }
        return openFileLimits().soft
    }

    #if os(Linux)
        private static let fileLimit = Int32(RLIMIT_NOFILE.rawValue)
    #else
        private static let fileLimit = RLIMIT_NOFILE
    #endif

    private static func clampedLimit(_ value: rlim_t) -> Int {
        value >= rlim_t(Int.max) ? Int.max : Int(value)
    }
}

/// Wall-clock and monotonic time.
enum Clock {
    /// Wall-clock time in µs since the Unix epoch (`CLOCK_REALTIME`), the server's time base.
    @inline(__always)
    static func wallMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) &* 1_000_000 &+ Int64(now.tv_nsec) / 1_000
    }

    /// Monotonic time in seconds, for measuring intervals.
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Sleeps for `seconds` (restarting after signals).
    static func sleep(seconds: Double) {
        let end = monotonicSeconds() + seconds
        while true {
            let left = end - monotonicSeconds()
            guard left > 0 else { return }
            var request = timespec(tv_sec: Int(left), tv_nsec: Int((left - Double(Int(left))) * 1e9))
            var remaining = timespec()
            _ = nanosleep(&request, &remaining)
        }
    }
}

/// What the benchmark ran on.
struct MachineInfo: Codable, Sendable {
    var cores: Int
    var cpuModel: String
    var memoryKiB: Int
    var kernel: String

    static func current() -> MachineInfo {
        let cpuinfo = ProcFS.contents(of: "/proc/cpuinfo") ?? ""
        let model =
            cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let meminfo = ProcFS.contents(of: "/proc/meminfo") ?? ""
        let memory =
            meminfo.split(separator: "\n")
            .first { $0.hasPrefix("MemTotal:") }
            .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
            .flatMap { Int($0) } ?? 0
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        let kernel = "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))"
        return MachineInfo(cores: System.coreCount, cpuModel: model, memoryKiB: memory, kernel: kernel)
    }

    var description: String {
        let gib = Double(memoryKiB) / 1_048_576
        return "machine: \(cores) cores (nproc), \(cpuModel), \(String(format: "%.1f", gib)) GiB RAM, \(kernel)"
    }
}
