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
import CoreMetrics
import Datastar
import DatastarHummingbird
import DatastarNIO
import DatastarPostgres
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Foundation

/// `datastar-demo`: the SDK at work in one page — a live view by push or pull, a shared board
/// over the hub, a validated form, and live counts.
@main
struct DatastarDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datastar-demo",
        abstract: "Serves the swift-datastar demo app (Hummingbird).",
        discussion: """
            Open the printed address in a browser, and in a second window to see the board and \
            the counts follow. With --backplane, start several processes on one PostgreSQL \
            database: they share the board.
            """
    )

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: Int = 8080

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL URL (postgres://user@host:port/db): carry hub messages and keep the board there, so several processes share it.",
            valueName: "url"
        )
    )
    var backplane: String?

    @Option(
        name: .customLong("datastar-js"),
        help: ArgumentHelp(
            "Serve this file as the Datastar client (at /datastar.js) instead of loading it from the CDN.",
            valueName: "path"
        )
    )
    var datastarJS: String?

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535")
        }
    }

    func run() async throws {
        var logger = Logger(label: "datastar-demo")
        logger.logLevel = .info

        // The stats card reads the SDK's own metrics: bootstrap before any reactor or hub exists.
        let metrics = DemoMetrics()
        MetricsSystem.bootstrap(metrics)

        var clientScript = DatastarClientScript.cdn()
        var clientLabel = "CDN"
        var javaScript: ByteBuffer?
        if let datastarJS {
            guard let data = FileManager.default.contents(atPath: datastarJS) else {
                throw ValidationError("--datastar-js: cannot read \(datastarJS)")
            }
            javaScript = ByteBuffer(bytes: data)
            clientScript = .selfHosted(path: "/datastar.js")
            clientLabel = "local file"
        }

        let reactor = DatastarReactor(name: "demo")
        let versions = BoardVersions()
        let store: any BoardStore
        let hub: DatastarHub
        var services: [any Service] = []
        var postgres: PostgresBackplane?
        var backplaneLabel = "in-process"
        if let backplane {
            let configuration: PostgresConnection.Configuration
            let postgresBackplane: PostgresBackplane
            do {
                configuration = try PostgresBackplane.connectionConfiguration(url: backplane)
                postgresBackplane = try PostgresBackplane(configuration: configuration, channel: "datastar_demo")
            } catch {
                throw ValidationError("--backplane: \(error)")
            }
            hub = DatastarHub(
                name: "demo",
                backplane: NewestBoardBackplane(inner: postgresBackplane, versions: versions)
            )
            store = PostgresBoardStore(configuration: configuration, logger: logger)
            services.append(postgresBackplane)
            postgres = postgresBackplane
            backplaneLabel = "PostgreSQL"
        } else {
            hub = DatastarHub(name: "demo")
            store = MemoryBoardStore()
        }
        // A newer board replaces one still waiting for a slow client.
        hub.configure(BoardRoutes.topic, HubTopicOptions(policy: .coalesce))

        let rates = Rates(metrics: metrics)
        let stats = Stats(metrics: metrics, rates: rates, hub: hub, start: .now)
        let routes = DemoRoutes(
            page: Page(client: clientScript, clientLabel: clientLabel, backplaneLabel: backplaneLabel),
            live: LiveView(reactor: reactor),
            board: BoardRoutes(store: store, hub: hub, versions: versions, reactor: reactor, stats: stats),
            form: SignupForm(),
            stats: stats,
            polls: Counter(label: DemoMetrics.Kind.polls.rawValue),
            datastarJS: javaScript
        )
        let router = Router(context: BasicDatastarRequestContext.self)
        routes.register(on: router)

        let host = self.host
        let listener = postgres
        let announceLogger = logger
        var app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                if let listener {
                    // Announce once this process hears the others (or after 10 s, with a warning).
                    let listening = await withTaskGroup(of: Bool.self) { group in
                        group.addTask { (try? await listener.waitUntilListening()) != nil }
                        group.addTask {
                            try? await Task.sleep(for: .seconds(10))
                            return false
                        }
                        let first = await group.next() ?? false
                        group.cancelAll()
                        return first
                    }
                    if !listening { announceLogger.warning("the PostgreSQL backplane is not listening yet") }
                }
                announce("datastar-demo listening on http://\(host):\(channel.localAddress?.port ?? 0)")
            },
            logger: logger
        )
        // Services start in order and stop in reverse: the backplane outlives the server.
        services.append(RatesService(rates: rates))
        app.addServices(services)
        try await app.runService()
        if let store = store as? PostgresBoardStore { await store.close() }
    }
}

/// Samples ``Rates`` once a second while the app runs.
struct RatesService: Service {
    let rates: Rates

    func run() async throws {
        await cancelWhenGracefulShutdown { await rates.run() }
    }
}

/// Writes a line to stdout with one unbuffered write, so a reading pipe sees it at once.
func announce(_ text: String) {
    let line = Array("\(text)\n".utf8)
    _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
}
