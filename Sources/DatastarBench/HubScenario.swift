import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

extension DatastarBench {
    /// The hub rows, grouped by subscriber count and rate: the C baseline first, then each mode
    /// on each framework.
    var hubMatrix: [HubRowSpec] {
        var specs: [HubRowSpec] = []
        let servers = frameworkList.items
        for count in streams.integers ?? [] {
            for rate in hzList.integers ?? [] {
                if servers.contains(HubRowSpec.baselineServer) {
                    specs.append(
                        HubRowSpec(server: HubRowSpec.baselineServer, mode: "epoll", subscribers: count, hz: rate)
                    )
                }
                for mode in modeList.items {
                    for server in servers where server != HubRowSpec.baselineServer {
                        specs.append(HubRowSpec(server: server, mode: mode, subscribers: count, hz: rate))
                    }
                }
            }
        }
        return specs
    }

    /// `--scenario hub`: every row of `hubMatrix`, then the tables and the JSON.
    func runHub() throws {
        let machine = MachineInfo.current()
        let specs = hubMatrix
        var baseline: URL?
        if specs.contains(where: { $0.server == HubRowSpec.baselineServer }) {
            if let cServer {
                baseline = URL(fileURLWithPath: cServer)
            } else {
                guard let source = CBaseline.locateSource(explicit: cSource) else {
                    throw ValidationError(
                        "no \(CBaseline.sourcePath) here or above this executable; pass --c-source or --c-server"
                    )
                }
                baseline = try CBaseline.build(source: source, compiler: cc)
            }
        }
        let settings = RunSettings(
            server: serverExecutable,
            warmup: warmupSeconds,
            duration: durationSeconds,
            serverThreads: serverThreads,
            sources: try (0..<sources).map { try SocketAddress(ipAddress: "127.0.0.\($0 + 2)", port: 0) }
        )
        let settingsDescription = [
            "scenario": "hub",
            "server": settings.server.path,
            "cServer": baseline?.path ?? "",
            "serverThreads": String(serverThreads),
            "clientThreads": String(clientThreads),
            "sources": String(sources),
            "warmupSeconds": String(warmupSeconds),
            "durationSeconds": String(durationSeconds),
        ]
        output(machine.description)
        output(
            "run: hub scenario, \(specs.count) rows; server threads \(serverThreads) (C server: 1), client threads "
                + "\(clientThreads), \(sources) source addresses, warm-up \(format(warmupSeconds, 1)) s of "
                + "publishing, window \(format(durationSeconds, 1)) s; server \(settings.server.path)"
                + (baseline.map { ", C server \($0.path)" } ?? "")
        )
        output("")

        let group = MultiThreadedEventLoopGroup(numberOfThreads: clientThreads)
        defer { try? group.syncShutdownGracefully() }
        var results: [HubRowResult] = []
        for (number, spec) in specs.enumerated() {
            let prefix = "[\(number + 1)/\(specs.count)] \(spec.label)"
            let runner = HubRowRunner(settings: settings, group: group, baseline: baseline) { message in
                Self.progress("\(prefix): \(message)")
            }
            let result = runner.run(spec)
            results.append(result)
            output(result.summary)
        }

        let comparisons = HubComparison.all(in: results)
        output("")
        output(
            "Results (\(format(durationSeconds, 0)) s of publishing after \(format(warmupSeconds, 0)) s warm-up; "
                + "lag = receipt − the event's \"t\"; server µs/delivery = server utime+stime ÷ deliveries):"
        )
        output("")
        output(Report.hubTable(results).render(markdown: markdown))
        if !comparisons.isEmpty {
            output("")
            output(
                "Against the goal (p99 ≤ \(Int(HubComparison.latencyGoalMs)) ms, server CPU per delivery ≤ "
                    + "\(format(HubComparison.cpuGoalRatio, 1))× the C epoll server's, delivered ≥ "
                    + "\(HubComparison.deliveryGoalPercent) %):"
            )
            output("")
            output(Report.hubGoalTable(comparisons).render(markdown: markdown))
        }
        if let json {
            let report = HubBenchReport(
                machine: machine,
                settings: settingsDescription,
                rows: results,
                comparisons: comparisons
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
            output("")
            output("wrote \(json)")
        }
        if results.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
    }
}
