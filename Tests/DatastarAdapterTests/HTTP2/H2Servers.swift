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

import Datastar
import DatastarHummingbird
import DatastarNIO
import DatastarVapor
import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Vapor

/// A test server over TLS that offers HTTP/2 by ALPN (and HTTP/1.1 to clients that do not),
/// on 127.0.0.1 and a free port, with a certificate made for it.
struct H2Server: Sendable {
    let framework: Framework
    let port: Int
    let tls: TestTLS
    /// The reactor that drives the server's reactor streams.
    let reactor: DatastarReactor
    let stopAction: @Sendable () async throws -> Void

    var base: String { "https://127.0.0.1:\(port)" }

    /// The TCP connections clients opened to the server (each completed one TLS handshake).
    var acceptedConnections: Int { tls.handshakes.count }

    func stop() async throws { try await stopAction() }

    /// Starts a server of `framework` with every test route, as ``TestServer`` registers them.
    static func start(
        _ framework: Framework,
        gate: Gate = Gate(),
        probe: Probe = Probe(),
        hub: DatastarHub = DatastarHub()
    ) async throws -> H2Server {
        let tls = try TestTLS()
        switch framework {
        case .hummingbird:
            let reactor = DatastarReactor()
            let router = Hummingbird.Router(context: BasicDatastarRequestContext.self)
            TestRoutes.register(on: router, reactor: reactor, gate: gate, probe: probe, hub: hub)
            return try await startHummingbird(router: router, tls: tls, reactor: reactor)
        case .vapor:
            return try await startVapor(tls: tls, gate: gate, probe: probe, hub: hub)
        }
    }

    /// How the Hummingbird HTTP/2 connections are configured, read from HummingbirdHTTP2
    /// 2.28.1's `HTTP2ServerConnectionManager` and `HTTP2StreamChannel`:
    /// - `idleTimeout` only runs while the connection has no open stream (a stream's creation
    ///   cancels it), so it never cuts a long stream; none here.
    /// - `maxAgeTimeout` starts a graceful close after a fixed age, whatever the connection
    ///   carries: it would cut long streams, so none. (2.28.1's initializer drops its
    ///   `maxAgeTimeout` parameter; the property is what counts, so it is set.)
    /// - `gracefulCloseTimeout` bounds how long a connection that was sent GOAWAY (at server
    ///   shutdown) waits for its streams; 5 s, so that a stuck stream cannot hold up a test.
    /// - each stream's `idleTimeout` (the HTTP/1 stream configuration's) closes a stream with
    ///   neither reads nor writes for that long; none, as on the HTTP/1 test servers.
    static var hummingbirdHTTP2Configuration: HTTP2UpgradeChannel.Configuration {
        var configuration = HTTP2UpgradeChannel.Configuration(streamConfiguration: .init(idleTimeout: nil))
        configuration.idleTimeout = nil
        configuration.maxAgeTimeout = nil
        configuration.gracefulCloseTimeout = .seconds(5)
        return configuration
    }

    /// A Hummingbird server over TLS with HTTP/2 upgrade by ALPN, answering with `router`,
    /// whatever its request context.
    static func startHummingbird<Context: RequestContext>(
        router: Hummingbird.Router<Context>,
        tls: TestTLS,
        reactor: DatastarReactor
    ) async throws -> H2Server where Context: InitializableFromSource<ApplicationRequestContextSource> {
        var logger = Logger(label: "test.hummingbird.h2")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Hummingbird.Application(
            router: router,
            server: try .http2Upgrade(tlsConfiguration: tls.server, configuration: hummingbirdHTTP2Configuration),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton),
            logger: logger
        )
        let group = ServiceGroup(services: [app], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return H2Server(framework: .hummingbird, port: port, tls: tls, reactor: reactor) {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    /// A Vapor server over TLS that supports HTTP/2 and HTTP/1.1.
    private static func startVapor(tls: TestTLS, gate: Gate, probe: Probe, hub: DatastarHub) async throws -> H2Server {
        let app = try await Vapor.Application.make(
            Environment(name: "testing", arguments: ["test"]),
            .shared(MultiThreadedEventLoopGroup.singleton)
        )
        app.servers.use(.datastar)
        TestRoutes.register(on: app, gate: gate, probe: probe, hub: hub)
        app.logger.logLevel = .warning
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        // Vapor adds the ALPN protocols of `supportVersions` itself (h2, then http/1.1).
        var server = tls.server
        server.applicationProtocols = []
        app.http.server.configuration.tlsConfiguration = server
        app.http.server.configuration.supportVersions = [.two, .one]
        do {
            try await app.server.start(address: nil)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        let port = app.http.server.shared.localAddress?.port ?? 0
        return H2Server(framework: .vapor, port: port, tls: tls, reactor: app.datastar.reactor) {
            await app.server.shutdown()
            try await app.asyncShutdown()
        }
    }
}

/// Runs `body` with `server`, stopping it afterwards whatever happens.
func withH2Server(_ server: H2Server, _ body: (H2Server) async throws -> Void) async throws {
    do {
        try await body(server)
    } catch {
        try? await server.stop()
        throw error
    }
    try await server.stop()
}
