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
import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL
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
            the counts follow. Each page holds one long-lived stream. With --tls the demo serves \
            HTTPS and HTTP/2, so that a browser carries every window's stream over one \
            connection (over HTTP/1.1 a browser opens at most six connections to a host, one \
            per stream). With --backplane, start several processes on one PostgreSQL database: \
            they share the board.
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

    @Flag(
        help: ArgumentHelp(
            "Serve HTTPS with HTTP/2 (and HTTP/1.1, by ALPN). Without --cert and --key, with a self-signed certificate for localhost that the demo makes and keeps in a file it names."
        )
    )
    var tls = false

    @Option(
        help: ArgumentHelp(
            "The server's certificate chain, a PEM file (implies --tls; needs --key).",
            valueName: "path"
        )
    )
    var cert: String?

    @Option(help: ArgumentHelp("The certificate's private key, a PEM file (implies --tls).", valueName: "path"))
    var key: String?

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535")
        }
        guard (cert == nil) == (key == nil) else {
            throw ValidationError("--cert and --key go together")
        }
    }

    /// The TLS of the server, or `nil` for plain HTTP/1.1.
    func makeTLS() throws -> DemoTLS? {
        if let cert, let key {
            do {
                return try DemoTLS.load(certificate: cert, key: key)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        guard tls else { return nil }
        return try DemoTLS.selfSigned()
    }

    /// The server: HTTP/1.1, or with TLS HTTP/2 and HTTP/1.1 by ALPN.
    ///
    /// A page's stream lives as long as the page, so no timeout may end a connection that
    /// carries one: HTTP/2's idle timeout runs only while a connection has no stream at all
    /// (it closes connections left idle), there is no maximum connection age (it would end
    /// every stream on the connection), and streams have no idle timeout of their own (the
    /// SDK's keep-alive comments flow every 15 s anyway). A connection told to close at
    /// shutdown (GOAWAY) gets 5 s to finish its streams.
    static func server(tls: DemoTLS?) throws -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        var configuration = HTTP2UpgradeChannel.Configuration(
            idleTimeout: .seconds(300),
            gracefulCloseTimeout: .seconds(5),
            streamConfiguration: .init(idleTimeout: nil)
        )
        // Hummingbird 2.28.1's initializer drops its maxAgeTimeout parameter: set the property.
        configuration.maxAgeTimeout = nil
        return try .http2Upgrade(tlsConfiguration: tls.serverConfiguration, configuration: configuration)
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
            updates: PageStream(
                board: BoardRoutes(store: store, hub: hub, versions: versions),
                live: LiveView(),
                stats: stats,
                reactor: reactor
            ),
            form: SignupForm(),
            polls: Counter(label: DemoMetrics.Kind.polls.rawValue),
            datastarJS: javaScript
        )
        let router = Router(context: BasicDatastarRequestContext.self)
        routes.register(on: router)

        let tls = try makeTLS()
        if let tls { announce("datastar-demo TLS: \(tls.summary)") }
        // The URL a browser should open: the certificate names localhost.
        let scheme = tls == nil ? "http" : "https"
        let urlHost = tls != nil && ["127.0.0.1", "::1", "localhost"].contains(host) ? "localhost" : host
        let host = self.host
        let listener = postgres
        let announceLogger = logger
        var app = Application(
            router: router,
            server: try Self.server(tls: tls),
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
                announce("datastar-demo listening on \(scheme)://\(urlHost):\(channel.localAddress?.port ?? 0)")
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
