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

/// A server the Swift rows are compared with in the same run: the minimal C epoll server
/// (`bench/c-epoll-hub.c`) or the Node.js one (`bench/node-baseline.js`, plain `node:http`).
/// Each serves `GET /feed?hz=H`, `GET /sub` and `POST /publish` with the Swift servers' heads and
/// event bytes, and has one mode, shown in the rows' mode column.
enum Baseline: String, CaseIterable, Sendable {
    case cEpoll = "c-epoll"
    case node

    /// What the rows of this server show as their mode.
    var mode: String {
        switch self {
        case .cEpoll: "epoll"
        case .node: "http"
        }
    }

    /// Whether `name` (a `--frameworks` item) is a baseline rather than a Swift framework.
    static func isBaseline(_ name: String) -> Bool { Baseline(rawValue: name) != nil }
}

/// The baselines' commands for one run; a baseline the run asked for but cannot run is in
/// `skipped` with the reason, and its rows are left out.
struct BaselineServers: Sendable {
    /// The C server's executable.
    var cServer: URL?
    /// The `node` executable and the script it runs.
    var node: (executable: URL, script: URL)?
    /// Baselines asked for that this run cannot start, with why.
    var skipped: [Baseline: String] = [:]

    /// The executable and arguments that start `baseline` on a free port, or nil if it is not
    /// available in this run.
    func command(for baseline: Baseline) -> (executable: URL, arguments: [String])? {
        switch baseline {
        case .cEpoll: cServer.map { ($0, ["--port", "0"]) }
        case .node: node.map { ($0.executable, [$0.script.path, "--port", "0"]) }
        }
    }

    /// One line per skipped baseline, for the run's header.
    /// How the run's header names the baseline servers: ", C server …, node … …".
    var runDescription: String {
        (cServer.map { ", C server \($0.path)" } ?? "")
            + (node.map { ", node \($0.executable.path) \($0.script.path)" } ?? "")
    }

    var skipNotes: [String] {
        Baseline.allCases.compactMap { baseline in skipped[baseline].map { "\(baseline.rawValue): \($0)" } }
    }
}

extension DatastarBench {
    /// The baselines among `servers` (the servers of the rows to run): the C server compiled
    /// (or `--c-server`), `node` found (`--node`, or on `PATH`) with `bench/node-baseline.js`.
    /// A missing C compiler or source is an error; a missing `node` or script skips its rows.
    func baselineServers(for servers: Set<String>) throws -> BaselineServers {
        var baselines = BaselineServers()
        baselines.cServer = try baselineExecutable(needed: servers.contains(Baseline.cEpoll.rawValue))
        if servers.contains(Baseline.node.rawValue) {
            if let executable = NodeBaseline.executable(explicit: node) {
                if let script = CBaseline.locateSource(explicit: nodeScript, path: NodeBaseline.scriptPath) {
                    baselines.node = (executable, script)
                } else {
                    baselines.skipped[.node] = "skipped: no \(NodeBaseline.scriptPath) found (pass --node-script)"
                }
            } else {
                baselines.skipped[.node] =
                    node.map { "skipped: \($0) is not an executable" } ?? "skipped: no node on PATH (pass --node)"
            }
        }
        return baselines
    }
}

/// Finding the Node.js baseline: the `node` executable and `bench/node-baseline.js`.
enum NodeBaseline {
    static let scriptPath = "bench/node-baseline.js"

    /// `explicit` if it is an executable, else `node` in a directory of `PATH`; nil if none.
    static func executable(explicit: String?) -> URL? {
        let manager = FileManager.default
        if let explicit {
            return manager.isExecutableFile(atPath: explicit) ? URL(fileURLWithPath: explicit) : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("node")
            if manager.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
