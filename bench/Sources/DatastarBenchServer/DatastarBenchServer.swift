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
import Foundation
import NIOCore
import NIOPosix

/// How the benchmark server drives its streams.
enum BenchMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// One timer per event loop runs every connection's updater; `/sub` is a hub subscription.
    case reactor
    /// The naive way: a `Task.sleep` loop per connection; `/sub` is a task per subscriber fed
    /// by an `AsyncStream`.
    case task
}

/// The benchmark server: `GET /feed?hz=H` streams one `datastar-patch-signals` event every
/// 1/H s to each connection, `{"t":<send time, Unix µs>,"n":<counter>}`, driven either by the
/// reactor or by the naive per-connection loop with `Task.sleep`. `GET /sub` subscribes to
/// `POST /publish`, which sends one event `{"t":<send time, Unix µs>}` to every subscriber:
/// through the hub (reactor mode) or through an `AsyncStream` and a task per subscriber
/// (task mode).
@main
struct DatastarBenchServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datastar-bench-server",
        abstract: "Serves GET /feed?hz=H, GET /sub and POST /publish on 127.0.0.1 for datastar-bench."
    )

    enum Framework: String, ExpressibleByArgument, CaseIterable { case hummingbird, vapor }

    @Option(help: "The port to listen on (0 picks a free one; the bound port is printed).")
    var port: Int = 7400

    @Option(help: "hummingbird or vapor.")
    var framework: Framework = .hummingbird

    @Option(
        help:
            "reactor (one timer per event loop; /sub on the hub) or task (a task per connection: Task.sleep loop, or AsyncStream for /sub)."
    )
    var mode: BenchMode = .reactor

    @Option(help: "Event loop threads (default: one per core).")
    var threads: Int = System.coreCount

    func run() async throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let feed = Feed(mode: mode)
        let broadcast = Broadcast(mode: mode)
        switch framework {
        case .hummingbird: try await runHummingbird(feed: feed, broadcast: broadcast, port: port, group: group)
        case .vapor: try await runVapor(feed: feed, broadcast: broadcast, port: port, group: group)
        }
    }
}

/// Prints the bound port, the line `datastar-bench` waits for.
func announce(port: Int) {
    // Written with one unbuffered write(2), so a reading pipe sees it at once.
    let line = Array("datastar-bench-server listening on http://127.0.0.1:\(port)\n".utf8)
    _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
}
