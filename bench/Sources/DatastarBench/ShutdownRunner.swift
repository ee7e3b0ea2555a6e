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
import NIOPosix

/// One row of the shutdown scenario: a server with open streams gets SIGTERM, as in a deploy.
struct ShutdownRow: Sendable {
    var framework: String
    var mode: String
    var streams: Int
    var opened = 0
    /// Seconds from SIGTERM until the process exited; nil if it had not within the limit.
    var exitSeconds: Double?
    /// The server's CPU time from SIGTERM until it exited (as last read).
    var cpuSeconds: Double?
    /// Seconds from SIGTERM until the client saw the last stream end.
    var lastStreamSeconds: Double?
    var exitStatus: Int32?
    /// Streams whose body ended normally (the Datastar client does not reopen those).
    var endedCleanly = 0
    /// Streams cut by the closed connection (the Datastar client reconnects).
    var endedAsNetworkError = 0
    /// Streams still open on the client side after the server exited (and a grace period).
    var stillOpen = 0
    var failure: String?

    var label: String { "\(framework) \(mode) \(streams) streams" }

    var cells: [String] {
        [
            framework, mode, String(streams), String(opened),
            exitSeconds.map { format($0, 2) } ?? "did not exit", lastStreamSeconds.map { format($0, 2) } ?? "–",
            cpuSeconds.map { format($0, 2) } ?? "–", exitStatus.map { String($0) } ?? "–",
            String(endedAsNetworkError), String(endedCleanly), String(stillOpen), failure ?? "",
        ]
    }
}

extension DatastarBench {
    /// `--scenario shutdown`: for each framework × mode × stream count, opens the streams
    /// (`GET /feed?hz=1`), sends the server SIGTERM and measures how long it takes to exit and
    /// how each stream ended: as a network error (the Datastar client reconnects to the next
    /// process) or normally (the client never reopens it).
    func runShutdown() throws {
        let settings = try runSettings()
        let machine = MachineInfo.current()
        output(machine.description)
        let streamCounts = streams.integers ?? []
        var rows: [ShutdownRow] = []
        for framework in frameworkList.items {
            for mode in modeList.items {
                for count in streamCounts { rows.append(ShutdownRow(framework: framework, mode: mode, streams: count)) }
            }
        }
        output("run: \(rows.count) rows; server threads \(serverThreads); server \(settings.server.path)")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: clientThreads)
        defer { try? group.syncShutdownGracefully() }
        for index in rows.indices {
            let prefix = "[\(index + 1)/\(rows.count)] \(rows[index].label)"
            let harness = RowHarness(settings: settings, group: group) { Self.progress("\(prefix): \($0)") }
            measureShutdown(&rows[index], harness: harness)
            output("\(rows[index].label): \(rows[index].cells[4...10].joined(separator: " / "))")
        }
        var table = Table(
            headers: [
                "framework", "mode", "streams", "opened", "exit after SIGTERM (s)", "last stream ended (s)",
                "server CPU (s)", "status", "cut (reconnect)",
                "ended normally", "still open", "failure",
            ],
            alignments: [.left, .left, .right, .right, .right, .right, .right, .right, .right, .right, .right, .left]
        )
        table.rows = rows.map(\.cells)
        output("Shutdown with open streams (SIGTERM):", table)
        if rows.contains(where: { $0.failure != nil || $0.exitSeconds == nil }) { throw ExitCode(1) }
    }

    private func measureShutdown(_ row: inout ShutdownRow, harness: RowHarness) {
        let settings = harness.settings
        let arguments = [
            "--port", "0", "--framework", row.framework, "--mode", row.mode, "--threads", String(serverThreads),
        ]
        let server: ServerProcess
        do {
            server = try ServerProcess.launch(
                executable: settings.server,
                arguments: arguments,
                timeout: settings.startLimit
            )
        } catch {
            row.failure = "\(error)"
            return
        }
        var slots: [LoopSlot] = []
        defer {
            if !slots.isEmpty { StreamOpener(settings: settings, group: harness.group).closeAll(slots) { _ in } }
            server.stop()
        }
        do {
            slots = try LoopSlot.make(for: harness.group)
            let outcome = try StreamOpener(settings: settings, group: harness.group).open(
                count: row.streams,
                path: "/feed?hz=1",
                server: server,
                slots: slots
            )
            row.opened = try LoopSlot.snapshot(slots).opened
            if row.opened < row.streams {
                row.failure = "opened \(row.opened) of \(row.streams): \(outcome.reason ?? "unknown reason")"
                return
            }
            // Every stream has had its first tick before the signal.
            Clock.sleep(seconds: 1.5)
            harness.progress("SIGTERM to pid \(server.pid)")
            let signalled = Clock.monotonicSeconds()
            (row.exitSeconds, row.cpuSeconds) = server.terminate(timeout: 30)
            row.exitStatus = server.exitStatus
            // The last closes may still be on their way to the client's loops.
            let deadline = Clock.monotonicSeconds() + 5
            var snapshot = try LoopSlot.snapshot(slots)
            while snapshot.ended < row.opened && Clock.monotonicSeconds() < deadline {
                Clock.sleep(seconds: 0.05)
                snapshot = try LoopSlot.snapshot(slots)
            }
            if snapshot.ended > 0 { row.lastStreamSeconds = snapshot.lastEnd - signalled }
            row.endedCleanly = snapshot.endedCleanly
            row.endedAsNetworkError = snapshot.ended - snapshot.endedCleanly
            row.stillOpen = row.opened - snapshot.ended
        } catch {
            row.failure = "\(error)"
        }
    }
}
