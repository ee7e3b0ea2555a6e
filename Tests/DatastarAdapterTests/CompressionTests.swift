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

import AsyncHTTPClient
import Datastar
import DatastarNIO
import Foundation
import NIOConcurrencyHelpers
import Testing

/// The Python that runs `scripts/decode_stream.py`, with the `brotli` and `zstandard` modules:
/// `./scripts/test` sets DATASTAR_TEST_PYTHON.
enum DecoderClient {
    static let python = ProcessInfo.processInfo.environment["DATASTAR_TEST_PYTHON"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static var isAvailable: Bool { python != nil }
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/decode_stream.py").path

    static let launchLock = NIOLock()

    /// What the decoder saw.
    struct Report: Decodable {
        var ok: Bool
        var error: String?
        var coding: String?
        var compressed_bytes: Int?
        var compressed_per_event: [Int]?
        var decoded_bytes: Int?
        var ended: Bool?
    }

    /// Runs the decoder against a stream and returns its report.
    static func run(
        stream: String,
        trigger: String?,
        accept: String,
        expect: ContentCoding,
        events: Int,
        expectEnd: Bool,
        waitFirst: Bool = false
    ) async throws -> Report {
        var arguments = [
            script, "--stream", stream, "--accept", accept, "--expect", expect.rawValue, "--events", "\(events)",
        ]
        if let trigger { arguments += ["--trigger", trigger] }
        if expectEnd { arguments.append("--expect-end") }
        if waitFirst { arguments.append("--wait-first") }
        // The decoder gives up on its own after 15 s without progress on an event; the deadline
        // covers the whole run, and stops the process if it is not over by then.
        let data = try await withDeadline(.seconds(45), "the decoder on \(stream) (\(accept))") { [arguments] in
            try await runDecoder(arguments)
        }
        let report = try JSONDecoder().decode(Report.self, from: data.output)
        #expect(data.status == (report.ok ? 0 : 1))
        return report
    }

    /// Runs the decoder with `arguments` until it exits, or until the task is cancelled (then
    /// it stops the process); returns its exit status and output.
    private static func runDecoder(_ arguments: [String]) async throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let status: Int32 = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do {
                    // Foundation's Process.run is not safe to call from several threads at once.
                    // Under the lock, cancellation either comes before (and nothing starts) or
                    // after the launch (and stops the process).
                    try launchLock.withLock {
                        try Task.checkCancellation()
                        try process.run()
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            launchLock.withLock {
                if process.isRunning { process.terminate() }
            }
        }
        try Task.checkCancellation()
        return (status, output.fileHandleForReading.readDataToEndOfFile())
    }
}

/// The codings this build can produce, identity included.
let testedCodings = DatastarCompression.availableCodings

extension MachineLoadTests {
    /// With the tests that load the machine: its clients wait on the server with a time limit.
    @Suite(
        "Compressed streams, decoded event by event by Python's own decoders",
        .enabled(if: DecoderClient.isAvailable, "set DATASTAR_TEST_PYTHON (./scripts/test does)"),
        .timeLimit(.minutes(2))
    )
    struct CompressionTests {
        @Test("async and reactor streams: each event decodes as soon as it arrives", arguments: Framework.allCases)
        func streamsDecodeEventByEvent(framework: Framework) async throws {
            try await withServer(framework) { server in
                for kind in ["async", "reactor"] {
                    for coding in testedCodings {
                        let key = "\(kind)-\(coding)"
                        let report = try await DecoderClient.run(
                            stream: "\(server.base)/compress/\(kind)?key=\(key)&events=4&rows=200",
                            trigger: "\(server.base)/compress/trigger?key=\(key)",
                            accept: coding.rawValue,
                            expect: coding,
                            events: 4,
                            expectEnd: true
                        )
                        #expect(report.ok, "\(framework) \(kind) \(coding): \(report.error ?? "")")
                        #expect(report.ended == true, "\(framework) \(kind) \(coding): the coding's end marker")
                        guard coding != .identity else { continue }
                        // A report without its sizes would check nothing: it fails instead.
                        let compressed = try #require(report.compressed_bytes, "\(framework) \(kind) \(coding)")
                        let decoded = try #require(report.decoded_bytes, "\(framework) \(kind) \(coding)")
                        let perEvent = try #require(report.compressed_per_event, "\(framework) \(kind) \(coding)")
                        try #require(perEvent.count == 4, "\(framework) \(kind) \(coding): \(perEvent)")
                        // 4 fragments of ~16 KB of similar rows.
                        #expect(
                            compressed * 10 < decoded,
                            "\(framework) \(kind) \(coding): \(compressed) of \(decoded)"
                        )
                        // Later events reuse the stream's context: far cheaper than the first.
                        #expect(perEvent[3] * 3 < perEvent[0], "\(framework) \(kind) \(coding): \(perEvent)")
                    }
                }
            }
        }

        @Test(
            "hub subscriptions: compressed per stream, each event decodes as it arrives",
            arguments: Framework.allCases
        )
        func hubSubscriptionsDecodeEventByEvent(framework: Framework) async throws {
            try await withServer(framework) { server in
                for coding in testedCodings {
                    let topic = "compressed-\(coding)"
                    let report = try await DecoderClient.run(
                        stream: "\(server.base)/hub/sub?topic=\(topic)",
                        trigger: "\(server.base)/hub/publish?topic=\(topic)&pad=3000",
                        accept: "\(coding.rawValue), identity;q=0.5",
                        expect: coding,
                        events: 5,
                        expectEnd: false,
                        // The subscription's onConnect event: it is subscribed.
                        waitFirst: true
                    )
                    #expect(report.ok, "\(framework) hub \(coding): \(report.error ?? "")")
                    if coding != .identity {
                        let compressed = try #require(report.compressed_bytes, "\(framework) hub \(coding)")
                        #expect(compressed * 10 < 5 * 3000, "\(framework) hub \(coding): \(compressed) bytes")
                    }
                }
            }
        }

        @Test("negotiation: server preference, q=0, per-route override, opt-out, polls", arguments: Framework.allCases)
        func negotiation(framework: Framework) async throws {
            try await withServer(framework) { server in
                let best = testedCodings.first!
                // The server's preference wins over the client's order; q=0 refuses.
                let preferred = try await HTTPClient.test.fetch(
                    "\(server.base)/poll",
                    headers: [("Accept-Encoding", "identity, deflate, gzip, zstd, br")]
                )
                #expect(preferred.headers.first(name: "Content-Encoding") == (best == .identity ? nil : best.rawValue))
                #expect(preferred.headers.first(name: "Vary") == "Accept-Encoding")
                let refused = try await HTTPClient.test.fetch(
                    "\(server.base)/poll",
                    headers: [("Accept-Encoding", "br;q=0, zstd;q=0, gzip;q=0, deflate")]
                )
                #expect(refused.headers.first(name: "Content-Encoding") == "deflate")
                // Identity, and the answer still varies with the header.
                let plain = try await HTTPClient.test.fetch(
                    "\(server.base)/poll",
                    headers: [("Accept-Encoding", "identity")]
                )
                #expect(plain.headers.first(name: "Content-Encoding") == nil)
                #expect(plain.headers.first(name: "Vary") == "Accept-Encoding")
                #expect(plain.body.contains("event: datastar-patch-signals"))
                // A client that refuses everything still gets an uncompressed stream.
                let nothing = try await HTTPClient.test.fetch(
                    "\(server.base)/poll",
                    headers: [("Accept-Encoding", "*;q=0")]
                )
                #expect(nothing.status == 200)
                #expect(nothing.headers.first(name: "Content-Encoding") == nil)
                #expect(nothing.body.contains("event: datastar-patch-signals"))
                // Opted out: neither Content-Encoding nor Vary.
                let off = try await HTTPClient.test.fetch(
                    "\(server.base)/compress/off",
                    headers: [("Accept-Encoding", "br, zstd, gzip, deflate")]
                )
                #expect(off.headers.first(name: "Content-Encoding") == nil)
                #expect(off.headers.first(name: "Vary") == nil)
                #expect(off.body.contains(#"data-n="1""#))
                // A route that offers gzip only, to a client that prefers brotli.
                let gzipOnly = try await DecoderClient.run(
                    stream: "\(server.base)/compress/gzip-only",
                    trigger: nil,
                    accept: "br, zstd, gzip",
                    expect: .gzip,
                    events: 1,
                    expectEnd: true
                )
                #expect(gzipOnly.ok, "\(framework) gzip-only: \(gzipOnly.error ?? "")")
                // A poll is compressed whole, and ends properly.
                for coding in testedCodings {
                    let poll = try await DecoderClient.run(
                        stream: "\(server.base)/compress/poll",
                        trigger: nil,
                        accept: coding.rawValue,
                        expect: coding,
                        events: 1,
                        expectEnd: true
                    )
                    #expect(poll.ok, "\(framework) poll \(coding): \(poll.error ?? "")")
                }
            }
        }
    }
}
