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

/// A comma-separated list of option values, e.g. `1000,10000`.
struct CommaList: ExpressibleByArgument, Sendable {
    var items: [String]

    init(_ items: [String]) {
        self.items = items
    }

    init?(argument: String) {
        let items = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty, !items.contains("") else { return nil }
        self.items = items
    }

    var defaultValueDescription: String { items.joined(separator: ",") }

    /// The items as whole numbers, or nil if one is not.
    var integers: [Int]? {
        let values = items.compactMap { Int($0) }
        return values.count == items.count ? values : nil
    }
}

/// The load client: runs `datastar-bench-server` once per combination of framework, mode,
/// stream count and rate, holds that many SSE streams open from 127.0.0.x, and reports events/s,
/// delivery, lag, server CPU and memory per stream. `--scenario hub` measures broadcast
/// instead: N subscribers of `GET /sub`, `POST /publish` at a fixed rate, against a minimal C
/// epoll server doing the same job.
@main
struct DatastarBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datastar-bench",
        abstract: "Load-tests datastar-bench-server over loopback and prints one row per combination.",
        discussion: """
            feed (default): for each framework × mode × streams × hz, starts the server as a \
            child process, opens the streams (GET /feed?hz=H) from 127.0.0.2… with NIO, waits \
            --warmup seconds, then measures for --duration seconds: events received, lag from \
            the event's send time to its receipt, server CPU (/proc/PID/stat) and server RSS \
            growth per stream.

            feed and hub also run the baselines named in --frameworks: c-epoll (a minimal C epoll \
            server, compiled from bench/c-epoll-hub.c) and node (bench/node-baseline.js on plain \
            node:http; its rows are skipped if there is no node). After the results, a table sets \
            every row's server CPU per event (delivery) and RSS per stream (subscriber) against the \
            c-epoll row of the same run.

            hub: for each subscriber count (--streams) × server (--frameworks, including c-epoll, \
            a minimal C epoll server compiled from bench/c-epoll-hub.c) × mode (hub: the reactor \
            hub; task: an AsyncStream and a task per subscriber), opens the subscribers \
            (GET /sub), publishes (POST /publish, pipelined on one keep-alive connection, on a \
            fixed schedule) at --hz per second for --warmup and then --duration seconds, and \
            reports deliveries, publish-to-receipt \
            latency, server CPU per delivery, RSS per subscriber, and each row against the C \
            server.

            shutdown: for each framework × mode × streams, opens the streams (GET /feed?hz=1), \
            sends the server SIGTERM, and reports how long it took to exit and how each stream \
            ended: cut (the Datastar client reconnects) or normally (it does not).

            churn: for each server, opens --streams steady subscribers, publishes to them at --hz, \
            and meanwhile starts --churn-rate connections per second for --duration seconds (a C \
            epoll client): each reads its response head, holds the stream --churn-hold seconds, \
            sends a FIN and waits for the server to close. Reports connections that timed out, the \
            FIN-to-close latency, and the server's RSS and open files before and after.

            Every table also gives accepts/s: the streams opened ÷ the seconds it took to open them \
            (the open phase gives up after 60 s). The feed rows also publish to an empty topic at \
            10/s during the window (POST /publish), a short request whose answer time shows \
            whether the server still serves requests while it feeds the streams.
            """
    )

    /// What to measure.
    enum Scenario: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// Per-connection timers: `GET /feed?hz=H`.
        case feed
        /// Broadcast: `GET /sub` and `POST /publish`.
        case hub
        /// SIGTERM with open streams: time to exit, and how the streams ended.
        case shutdown
        /// Connections that come and go (`GET /sub`, then a FIN) over steady subscribers.
        case churn
    }

    static let frameworkNames = ["hummingbird", "vapor"]
    static let modeNames = ["reactor", "task"]
    static let hubServerNames = ["hummingbird", "vapor", HubRowSpec.baselineServer]
    /// The servers the feed and hub scenarios can run: the frameworks and the baselines.
    static let comparedServerNames = frameworkNames + Baseline.allCases.map(\.rawValue)
    static let hubModeNames = ["hub", "task"]

    @Option(
        help:
            "feed (a timer per stream), hub (broadcast to subscribers, against a C epoll server), churn (connections that come and go) or shutdown (SIGTERM with open streams)."
    )
    var scenario: Scenario = .feed

    @Option(help: "churn: connections started per second.")
    var churnRate = 1000

    @Option(help: "churn: seconds a connection holds its stream after the response head before its FIN.")
    var churnHold = 0.5

    @Option(help: "churn: seconds each phase of a connection may take (handshake, response head, the server's close).")
    var churnTimeout = 5.0

    @Option(help: "The server executable (default: datastar-bench-server next to this executable).")
    var server: String?

    @Option(
        help: """
            Servers, comma-separated: hummingbird, vapor; with --scenario feed or hub also the baselines c-epoll \
            and node; with --scenario churn also c-epoll. (default: feed hummingbird,vapor; hub and churn \
            hummingbird,vapor,c-epoll)
            """
    )
    var frameworks: CommaList?

    @Option(help: "Server modes, comma-separated: reactor, task; with --scenario hub: hub, task. (default: both)")
    var modes: CommaList?

    @Option(help: "Stream (subscriber) counts, comma-separated.")
    var streams = CommaList(["1000", "10000"])

    @Option(
        help:
            "Events per second per stream, comma-separated; with --scenario hub: publishes per second. (default: 1,10; hub: 10)"
    )
    var hz: CommaList?

    @Option(
        help:
            "Seconds between opening the last stream and measuring; hub: seconds of publishing before measuring. (default: 3; hub: 2)"
    )
    var warmup: Double?

    @Option(help: "Seconds of measurement per row. (default: 10; hub: 15)")
    var duration: Double?

    @Option(help: "The C baseline executable (default: compile bench/c-epoll-hub.c into .build/).")
    var cServer: String?

    @Option(help: "The C baseline's source (default: bench/c-epoll-hub.c, found from here or this executable).")
    var cSource: String?

    @Option(help: "The node executable of the node baseline (default: node on PATH; without one its rows are skipped).")
    var node: String?

    @Option(help: "The node baseline's script (default: bench/node-baseline.js, found from here or this executable).")
    var nodeScript: String?

    @Option(help: "hub: the C compiler.")
    var cc = "cc"

    @Option(help: "Event loop threads of the server (default: one per core).")
    var serverThreads: Int = System.coreCount

    @Option(help: "Event loop threads of this client.")
    var clientThreads: Int = 2

    @Option(help: "Source addresses to spread connections over: 127.0.0.2 … 127.0.0.(N+1).")
    var sources: Int = 16

    @Option(help: "Also write every result to this file as JSON.")
    var json: String?

    @Flag(help: "Print the tables as Markdown.")
    var markdown = false

    /// Files the client keeps open besides its sockets (event loops, pipes, /proc reads…).
    static let reservedFiles = 256

    /// Whether the scenario serves `GET /sub` (and so has the C baseline).
    var broadcasts: Bool { scenario != .feed }
    var frameworkList: CommaList {
        frameworks ?? CommaList(broadcasts ? Self.hubServerNames : Self.frameworkNames)
    }
    var modeList: CommaList {
        modes ?? CommaList(scenario == .churn ? ["hub"] : broadcasts ? Self.hubModeNames : Self.modeNames)
    }
    var hzList: CommaList { hz ?? CommaList(broadcasts ? ["10"] : ["1", "10"]) }
    var warmupSeconds: Double { warmup ?? (scenario == .hub ? 2 : 3) }
    var durationSeconds: Double { duration ?? (scenario == .churn ? 45 : scenario == .hub ? 15 : 10) }
    /// Whether a row runs datastar-bench-server (not only the baselines).
    var needsSwiftServer: Bool {
        frameworkList.items.contains { !Baseline.isBaseline($0) }
    }

    /// The servers `--frameworks` may name in this scenario.
    var allowedServerNames: [String] {
        switch scenario {
        case .feed, .hub: Self.comparedServerNames
        case .churn, .shutdown: Self.hubServerNames
        }
    }

    mutating func validate() throws {
        let hub = broadcasts
        guard churnRate > 0, churnRate <= 20_000 else { throw ValidationError("--churn-rate must be 1…20000") }
        guard churnHold >= 0, churnHold <= 60 else { throw ValidationError("--churn-hold must be 0…60 s") }
        guard churnTimeout > 0, churnTimeout <= 60 else { throw ValidationError("--churn-timeout must be 0…60 s") }
        try checkNames(frameworkList, allowed: allowedServerNames, option: "--frameworks")
        try checkNames(modeList, allowed: hub ? Self.hubModeNames : Self.modeNames, option: "--modes")
        let limit = ProcFS.openFileLimits().hard
        let maximumStreams = max(0, limit - Self.reservedFiles)
        let streamCounts = try checkIntegers(streams, option: "--streams", range: 1...100_000)
        if let largest = streamCounts.max(), largest > maximumStreams {
            throw ValidationError(
                "--streams \(largest) is more than this process may open (at most \(maximumStreams) with an open-file limit of \(limit))"
            )
        }
        _ = try checkIntegers(hzList, option: "--hz", range: 1...1000)
        guard warmupSeconds.isFinite, (0...3600).contains(warmupSeconds) else {
            throw ValidationError("--warmup must be between 0 and 3600 seconds")
        }
        guard durationSeconds.isFinite, durationSeconds > 0, durationSeconds <= 3600 else {
            throw ValidationError("--duration must be more than 0 and at most 3600 seconds")
        }
        guard (1...256).contains(serverThreads) else { throw ValidationError("--server-threads must be 1…256") }
        guard (1...256).contains(clientThreads) else { throw ValidationError("--client-threads must be 1…256") }
        guard (1...254).contains(sources) else {
            throw ValidationError("--sources must be 1…254 (addresses 127.0.0.2 … 127.0.0.255)")
        }
        let ports = Self.ephemeralPortCount()
        if let largest = streamCounts.max(), largest > sources * ports {
            throw ValidationError(
                "--streams \(largest) needs more than \(ports) local ports on each of \(sources) source addresses; raise --sources"
            )
        }
        let executable = serverExecutable
        guard !needsSwiftServer || FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ValidationError(
                "no server executable at \(executable.path); build it with "
                    + "`swift build -c release --package-path bench` or pass --server PATH"
            )
        }
        if let json {
            let directory = URL(fileURLWithPath: json).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw ValidationError("--json: no directory \(directory)") }
        }
    }

    func run() throws {
        ProcFS.raiseOpenFileLimit()
        let interrupts = Interrupts.install()
        defer { withExtendedLifetime(interrupts) {} }
        if scenario == .hub { return try runHub() }
        if scenario == .shutdown { return try runShutdown() }
        if scenario == .churn { return try runChurn() }
        let warmup = warmupSeconds
        let duration = durationSeconds

        let machine = MachineInfo.current()
        let baselines = try baselineServers(for: Set(matrix.map(\.framework)))
        let specs = matrix.filter { Baseline(rawValue: $0.framework).map { baselines.skipped[$0] == nil } ?? true }
        let settings = try runSettings()
        output(machine.description)
        output(
            "run: \(specs.count) rows; server threads \(serverThreads) (C and Node servers: 1), client threads "
                + "\(clientThreads), \(sources) source addresses, warm-up \(format(warmup, 1)) s, window "
                + "\(format(duration, 1)) s; server \(settings.server.path)"
                + baselines.runDescription
        )
        for note in baselines.skipNotes { output(note) }
        output("")

        let results = runRows(specs, settings: settings, label: \.label) { spec, harness in
            RowRunner(harness: harness, baselines: baselines).run(spec)
        }
        let ratios = ModeRatio.all(in: results)
        let baselineRatios = BaselineRatio.all(in: results)
        output(
            "Results (\(format(duration, 0)) s window after \(format(warmup, 0)) s warm-up):",
            Report.resultsTable(results)
        )
        if !baselineRatios.isEmpty {
            output(
                "Against the c-epoll row of this run (server CPU per event; RSS growth per stream, which leaves "
                    + "out the kernel's socket buffers):",
                Report.baselineTable(
                    baselineRatios,
                    unit: RowResult.unitName,
                    connection: RowResult.connectionName
                )
            )
        }
        if !ratios.isEmpty {
            output("Server CPU per event, task ÷ reactor:", Report.ratioTable(ratios))
        }
        try finish(
            BenchReport(
                machine: machine,
                settings: settingsDescription.merging(baselineSettings(baselines)) { $1 },
                rows: results,
                ratios: ratios,
                baselineRatios: baselineRatios
            ),
            rows: results
        )
    }

    /// The baselines' commands and skip notes, as the JSON's settings record them.
    func baselineSettings(_ baselines: BaselineServers) -> [String: String] {
        var settings = ["cServer": baselines.cServer?.path ?? ""]
        if let node = baselines.node {
            settings["node"] = node.executable.path
            settings["nodeScript"] = node.script.path
        }
        for (baseline, note) in baselines.skipped { settings["skipped.\(baseline.rawValue)"] = note }
        return settings
    }

    /// What every row runs with, in either scenario.
    func runSettings() throws -> RunSettings {
        RunSettings(
            server: serverExecutable,
            warmup: warmupSeconds,
            duration: durationSeconds,
            serverThreads: serverThreads,
            sources: try (0..<sources).map { try SocketAddress(ipAddress: "127.0.0.\($0 + 2)", port: 0) }
        )
    }

    /// The settings the JSON records, in either scenario.
    var settingsDescription: [String: String] {
        [
            "server": serverExecutable.path,
            "serverThreads": String(serverThreads),
            "clientThreads": String(clientThreads),
            "sources": String(sources),
            "warmupSeconds": String(warmupSeconds),
            "durationSeconds": String(durationSeconds),
        ]
    }

    /// Runs `specs` one after another, each with a harness on one client event loop group,
    /// and prints each row's summary as soon as it is done.
    func runRows<Spec, Row: MeasuredRow>(
        _ specs: [Spec],
        settings: RunSettings,
        label: (Spec) -> String,
        _ run: (Spec, RowHarness) -> Row
    ) -> [Row] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: clientThreads)
        defer { try? group.syncShutdownGracefully() }
        var results: [Row] = []
        for (number, spec) in specs.enumerated() {
            let prefix = "[\(number + 1)/\(specs.count)] \(label(spec))"
            let harness = RowHarness(settings: settings, group: group) { message in
                Self.progress("\(prefix): \(message)")
            }
            let result = run(spec, harness)
            results.append(result)
            output(result.summary)
        }
        return results
    }

    /// Writes `report` to `--json` if asked, then exits with status 1 if any row failed.
    func finish<Document: Encodable, Row: MeasuredRow>(_ report: Document, rows: [Row]) throws {
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
            output("")
            output("wrote \(json)")
        }
        if rows.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
    }

    /// Every combination, grouped by stream count and rate: the baselines first (c-epoll, node;
    /// one row each, whatever `--modes` says), then each framework in each mode.
    var matrix: [RowSpec] {
        var specs: [RowSpec] = []
        let servers = frameworkList.items
        for count in streams.integers ?? [] {
            for rate in hzList.integers ?? [] {
                for baseline in Baseline.allCases where servers.contains(baseline.rawValue) {
                    specs.append(RowSpec(framework: baseline.rawValue, mode: baseline.mode, streams: count, hz: rate))
                }
                for framework in servers where !Baseline.isBaseline(framework) {
                    for mode in modeList.items {
                        specs.append(RowSpec(framework: framework, mode: mode, streams: count, hz: rate))
                    }
                }
            }
        }
        return specs
    }

    /// `--server`, or `datastar-bench-server` in this executable's directory.
    var serverExecutable: URL {
        if let server { return URL(fileURLWithPath: server) }
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("datastar-bench-server")
    }

    /// The size of the kernel's ephemeral port range (`ip_local_port_range`).
    static func ephemeralPortCount() -> Int {
        let range = ProcFS.contents(of: "/proc/sys/net/ipv4/ip_local_port_range")?
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            .compactMap { Int($0) }
        guard let range, range.count == 2, range[1] >= range[0] else { return 28_232 }
        return range[1] - range[0] + 1
    }

    func checkNames(_ list: CommaList, allowed: [String], option: String) throws {
        for item in list.items where !allowed.contains(item) {
            throw ValidationError("\(option): unknown value '\(item)' (allowed: \(allowed.joined(separator: ", ")))")
        }
        if Set(list.items).count != list.items.count { throw ValidationError("\(option): a value is listed twice") }
    }

    private func checkIntegers(_ list: CommaList, option: String, range: ClosedRange<Int>) throws -> [Int] {
        guard let values = list.integers else {
            throw ValidationError("\(option): '\(list.items.joined(separator: ","))' is not a list of whole numbers")
        }
        for value in values where !range.contains(value) {
            throw ValidationError("\(option): \(value) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        if Set(values).count != values.count { throw ValidationError("\(option): a value is listed twice") }
        return values
    }

    /// A result line on standard output, flushed at once so partial runs are useful.
    func output(_ line: String) {
        print(line)
        fflush(nil)
    }

    /// A table under its title, each after a blank line.
    func output(_ title: String, _ table: Table) {
        output("")
        output(title)
        output("")
        output(table.render(markdown: markdown))
    }

    /// A progress line on standard error.
    static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Kills the server child on SIGINT, SIGTERM or SIGHUP before exiting.
enum Interrupts {
    static func install() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                ServerProcess.killCurrent()
                FileHandle.standardError.write(Data("\ndatastar-bench: interrupted; server killed\n".utf8))
                fflush(nil)
                _exit(128 + number)
            }
            source.resume()
            return source
        }
    }
}
