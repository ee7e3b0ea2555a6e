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
import NIOConcurrencyHelpers

/// A `datastar-bench-server` child process.
final class ServerProcess {
    let process: Process
    let pid: Int32
    let port: Int

    /// The PID of the server that is running now (0 if none), for the signal handlers.
    static let current = NIOLockedValueBox<Int32>(0)

    private init(process: Process, port: Int) {
        self.process = process
        self.pid = process.processIdentifier
        self.port = port
    }

    /// Starts the server and waits (at most `timeout` seconds) for its
    /// `datastar-bench-server listening on http://127.0.0.1:PORT` line.
    static func launch(executable: URL, arguments: [String], timeout: Double) throws -> ServerProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        let ready = ReadyLine()
        try process.run()
        current.withLockedValue { $0 = process.processIdentifier }
        ready.startReading(fd: pipe.fileHandleForReading.fileDescriptor, keeping: pipe)

        switch ready.wait(timeout: timeout) {
        case .ready(let port):
            return ServerProcess(process: process, port: port)
        case .waiting:
            stop(process)
            throw BenchError.server("no \"listening on\" line within \(Int(timeout)) s")
        case .ended(let output):
            stop(process)
            let shown = output.isEmpty ? "no output" : "output: \(output.prefix(500))"
            let status = process.isRunning ? "still running" : "status \(process.terminationStatus)"
            throw BenchError.server("stopped output before listening (\(status)); \(shown)")
        }
    }

    var isRunning: Bool { process.isRunning }

    /// Throws if the server has exited (`phase` names when, for the message).
    func checkRunning(during phase: String) throws {
        guard isRunning else { throw BenchError.server("exited during \(phase)") }
    }

    /// Resident set size in KiB, or nil once the process is gone.
    var residentKiB: Int? { ProcFS.residentKiB(pid: String(pid)) }

    /// CPU time from `/proc/<pid>/stat` (clock-tick resolution).
    var cpuSeconds: Double? { ProcFS.cpuSeconds(pid: String(pid)) }

    /// CPU time from the threads' `schedstat` (nanosecond resolution).
    var scheduledSeconds: Double? { ProcFS.scheduledSeconds(pid: String(pid)) }

    /// Sends SIGTERM (a graceful shutdown, as a deploy does) and returns how many seconds the
    /// server took to exit (nil if it was still running after `timeout` seconds), and the CPU
    /// time it used meanwhile, as last read before it exited.
    func terminate(timeout: Double) -> (seconds: Double?, cpuSeconds: Double?) {
        let cpuBefore = cpuSeconds
        var cpuLast = cpuBefore
        let start = Clock.monotonicSeconds()
        kill(pid, SIGTERM)
        while process.isRunning {
            guard Clock.monotonicSeconds() - start < timeout else { return (nil, nil) }
            if let cpu = cpuSeconds { cpuLast = cpu }
            Clock.sleep(seconds: 0.002)
        }
        let cpu = cpuBefore.flatMap { before in cpuLast.map { $0 - before } }
        return (Clock.monotonicSeconds() - start, cpu)
    }

    /// The exit status, once the server has exited.
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Kills the server (SIGKILL) and waits up to 10 s for it to exit.
    func stop() {
        Self.stop(process)
    }

    private static func stop(_ process: Process) {
        let pid = process.processIdentifier
        if process.isRunning { kill(pid, SIGKILL) }
        let deadline = Clock.monotonicSeconds() + 10
        while process.isRunning && Clock.monotonicSeconds() < deadline {
            Clock.sleep(seconds: 0.01)
        }
        current.withLockedValue { if $0 == pid { $0 = 0 } }
    }

    /// Kills the current server, if any; safe from any thread.
    static func killCurrent() {
        let pid = current.withLockedValue { $0 }
        if pid > 0 { kill(pid, SIGKILL) }
    }
}

/// Reads the server's standard output on a thread of its own until it ends, and reports the
/// port from the "listening on" line; later output is drained so the server never blocks.
final class ReadyLine: Sendable {
    enum State: Sendable {
        case waiting
        case ready(Int)
        case ended(String)
    }

    private let state = NIOLockedValueBox(State.waiting)
    private let signal = ConditionLock(value: 0)

    func startReading(fd: Int32, keeping pipe: Pipe) {
        let thread = Thread { [self] in
            read(fd: fd)
            // The server is gone; release the read end now rather than whenever `Process`
            // lets go of the pipe.
            try? pipe.fileHandleForReading.close()
        }
        thread.name = "datastar-bench server stdout"
        thread.start()
    }

    func wait(timeout: Double) -> State {
        if signal.lock(whenValue: 1, timeoutSeconds: timeout) { signal.unlock() }
        return state.withLockedValue { $0 }
    }

    private func read(fd: Int32) {
        var output: [UInt8] = []
        var announced = false
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            guard !announced else { continue }
            output.append(contentsOf: chunk[0..<count])
            let text = String(decoding: output, as: UTF8.self)
            // Only whole lines: the port may not have arrived completely yet.
            let complete = text[..<(text.lastIndex(of: "\n") ?? text.startIndex)]
            for line in complete.split(separator: "\n") {
                guard let range = line.range(of: "listening on http://127.0.0.1:") else { continue }
                let digits = line[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), port > 0 {
                    announced = true
                    settle(.ready(port))
                }
            }
            if output.count > 65_536 { output.removeFirst(output.count - 65_536) }
        }
        if !announced {
            settle(.ended(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }

    private func settle(_ new: State) {
        state.withLockedValue { $0 = new }
        signal.lock()
        signal.unlock(withValue: 1)
    }
}
