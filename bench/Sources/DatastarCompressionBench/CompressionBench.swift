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

import ArgumentParser
import Datastar
@_spi(Compressor) import DatastarNIO
import Foundation
import NIOCore

import CDatastarBenchSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Measures per-stream compression of Datastar events: ratio, CPU per frame and memory per
/// stream, for each coding this build has, against the naive way (a fresh compressor per
/// event, as a per-response compressor would do) in the same run.
@main
struct CompressionBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datastar-bench-compression",
        abstract: "Compression ratio, CPU per frame and memory per stream of Datastar event streams."
    )

    @Option(help: "Frames of the large board workload.")
    var boardFrames = 200

    @Option(help: "Cells of the board (about 75 bytes each).")
    var cells = 1600

    @Option(help: "Cells toggled between two board frames.")
    var changes = 3

    @Option(help: "Small signal patches.")
    var signalEvents = 5000

    @Option(help: "Streams opened to measure memory per stream.")
    var streams = 40

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    func run() throws {
        let workloads = [
            Workload(name: "signals", events: try signalPatches(count: signalEvents)),
            Workload(name: "board", events: try boardFrames(frames: boardFrames, cells: cells, changes: changes)),
        ]
        var results: [Result] = []
        for workload in workloads {
            for profile in Profile.all {
                results.append(try measure(profile, on: workload))
            }
        }
        printTable(results, workloads: workloads)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Signal patches like a live dashboard's: a few numbers and a time, ~100 bytes each.
    func signalPatches(count: Int) throws -> [ByteBuffer] {
        var random = SplitMix(seed: 7)
        return try (0..<count).map { index throws in
            let cpu = Double(random.next() % 10_000) / 100
            let memory = 1_000 + random.next() % 500
            let event = try DatastarEvent.patchSignals(
                json: [
                    "cpu": .number(cpu), "memory": .number(Double(memory)),
                    "time": .string("12:\(10 + index / 600 % 50):\(10 + index / 10 % 50).\(index % 10)00"),
                ]
            )
            return ByteBuffer(bytes: try event.encoded())
        }
    }

    /// A board of checkboxes re-rendered whole each frame, with a few cells changed.
    func boardFrames(frames: Int, cells: Int, changes: Int) throws -> [ByteBuffer] {
        var random = SplitMix(seed: 1)
        var on = [Bool](repeating: false, count: cells)
        return try (0..<frames).map { _ in
            for _ in 0..<changes { on[Int(random.next() % UInt64(cells))].toggle() }
            var html = #"<div id="board" class="grid">"#
            for cell in 0..<cells {
                html += #"<button id="c\#(cell)" class="cell\#(on[cell] ? " on" : "")" "#
                html += #"data-on:click="@post('/board/\#(cell)')"></button>"#
            }
            html += "</div>"
            return ByteBuffer(bytes: try DatastarEvent.patchElements(html).encoded())
        }
    }

    func measure(_ profile: Profile, on workload: Workload) throws -> Result {
        let inputBytes = workload.events.reduce(0) { $0 + $1.readableBytes }
        var outputBytes = 0
        var firstBytes = 0
        var cpu = Duration.zero
        var compressor = try profile.compression.makeCompressor(for: profile.coding)
        for (index, event) in workload.events.enumerated() {
            let started = threadCPUTime()
            if profile.perEvent {
                compressor = try profile.compression.makeCompressor(for: profile.coding)
            }
            var size = event.readableBytes
            if let compressor {
                size = try compressor.compress(event).readableBytes
                if profile.perEvent { size += try compressor.finish().readableBytes }
            }
            cpu += threadCPUTime() - started
            outputBytes += size
            if index == 0 { firstBytes = size }
        }
        let steadyInput = inputBytes - workload.events[0].readableBytes
        let steadyOutput = outputBytes - firstBytes
        return Result(
            workload: workload.name,
            profile: profile.name,
            coding: profile.coding.rawValue,
            settings: profile.settings,
            events: workload.events.count,
            meanEventBytes: inputBytes / workload.events.count,
            firstEventBytes: firstBytes,
            steadyBytesPerEvent: Double(steadyOutput) / Double(max(1, workload.events.count - 1)),
            steadyRatio: Double(steadyInput) / Double(max(1, steadyOutput)),
            microsecondsPerEvent: cpu.microseconds / Double(workload.events.count),
            kibPerStream: profile.perEvent ? 0 : try memoryPerStream(profile, warmWith: workload.events[0])
        )
    }

    /// The heap a stream's compressor keeps, once warm: the allocator's bytes in use (its heap
    /// and its mmap'd blocks) before and after opening `streams` compressors and compressing
    /// one event on each.
    func memoryPerStream(_ profile: Profile, warmWith event: ByteBuffer) throws -> Double {
        let before = heapInUse()
        var open: [DatastarCompressor] = []
        for _ in 0..<streams {
            guard let compressor = try profile.compression.makeCompressor(for: profile.coding) else { return 0 }
            _ = try compressor.compress(event)
            open.append(compressor)
        }
        let after = heapInUse()
        withExtendedLifetime(open) {}
        return Double(after - before) / Double(streams) / 1024
    }

    func printTable(_ results: [Result], workloads: [Workload]) {
        for workload in workloads {
            let rows = results.filter { $0.workload == workload.name }
            print(
                "\n\(workload.name): \(workload.events.count) events of \(rows.first?.meanEventBytes ?? 0) bytes on average"
            )
            print(
                "| profile | settings | first event, bytes | later events, bytes each | ratio | CPU µs/event | KiB/stream |"
            )
            print("|---|---|---:|---:|---:|---:|---:|")
            for row in rows {
                let memory = row.kibPerStream > 0 ? String(format: "%.0f", row.kibPerStream) : "—"
                print(
                    "| \(row.profile) | \(row.settings) | \(row.firstEventBytes) | "
                        + String(
                            format: "%.1f | %.1f:1 | %.1f | ",
                            row.steadyBytesPerEvent,
                            row.steadyRatio,
                            row.microsecondsPerEvent
                        )
                        + "\(memory) |"
                )
            }
        }
    }
}

/// Events to compress, in order, as one stream.
struct Workload {
    var name: String
    var events: [ByteBuffer]
}

/// One way of compressing a stream.
struct Profile {
    var name: String
    var coding: ContentCoding
    var compression = DatastarCompression.automatic
    /// A fresh compressor per event: the naive way.
    var perEvent = false

    var settings: String {
        switch coding {
        case .brotli:
            let options = compression.brotli
            return "quality \(options.quality), window 2^\(options.windowBits), block 2^\(options.blockBits)"
        case .zstd:
            let options = compression.zstd
            let tables = options.hashLog.map { "tables 2^\($0)/2^\(options.chainLog ?? 0)" } ?? "the level's tables"
            return "level \(options.level), window 2^\(options.windowLog), \(tables)"
        case .gzip, .deflate:
            let options = compression.zlib
            return "level \(options.level), window 2^\(options.windowBits), memLevel \(options.memoryLevel)"
        case .identity: return "—"
        }
    }

    static var all: [Profile] {
        var profiles = [Profile(name: "identity", coding: .identity)]
        for coding in DatastarCompression.availableCodings where coding != .identity {
            profiles.append(Profile(name: "\(coding) per stream (default)", coding: coding))
        }
        for coding in DatastarCompression.availableCodings where coding != .identity {
            profiles.append(Profile(name: "\(coding) per event (naive)", coding: coding, perEvent: true))
        }
        if DatastarCompression.availableCodings.contains(.brotli) {
            var small = DatastarCompression.automatic
            small.brotli.blockBits = 16
            profiles.append(Profile(name: "br per stream, 64 KiB blocks", coding: .brotli, compression: small))
            var lean = DatastarCompression.automatic
            lean.brotli = BrotliOptions(quality: 4, windowBits: 17, blockBits: 16)
            profiles.append(Profile(name: "br per stream, lean", coding: .brotli, compression: lean))
        }
        if DatastarCompression.availableCodings.contains(.zstd) {
            var stronger = DatastarCompression.automatic
            stronger.zstd.level = 9
            profiles.append(Profile(name: "zstd per stream, level 9", coding: .zstd, compression: stronger))
            var levelTables = DatastarCompression.automatic
            levelTables.zstd.hashLog = nil
            levelTables.zstd.chainLog = nil
            profiles.append(
                Profile(name: "zstd per stream, level 3's own tables", coding: .zstd, compression: levelTables)
            )
            var lean = DatastarCompression.automatic
            lean.zstd = ZstdOptions(level: 1, windowLog: 15, hashLog: 12, chainLog: 12)
            profiles.append(Profile(name: "zstd per stream, lean", coding: .zstd, compression: lean))
        }
        var leanZlib = DatastarCompression.automatic
        leanZlib.zlib = ZlibOptions(level: 6, windowBits: 13, memoryLevel: 5)
        profiles.append(Profile(name: "gzip per stream, lean", coding: .gzip, compression: leanZlib))
        return profiles
    }
}

/// One row of the results.
struct Result: Codable {
    var workload: String
    var profile: String
    var coding: String
    var settings: String
    var events: Int
    var meanEventBytes: Int
    var firstEventBytes: Int
    var steadyBytesPerEvent: Double
    var steadyRatio: Double
    var microsecondsPerEvent: Double
    var kibPerStream: Double
}

/// A small, seeded random number generator, so every run compresses the same frames.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// CPU time of the calling thread.
func threadCPUTime() -> Duration {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
}

/// Bytes the C allocator has handed out and not taken back: its heap plus its mmap'd blocks.
func heapInUse() -> Int {
    Int(datastar_bench_heap_in_use())
}

extension Duration {
    var microseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }
}
