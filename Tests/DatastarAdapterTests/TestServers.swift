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
import DatastarHummingbird
import DatastarNIO
import DatastarVapor
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import NIOCore
import NIOHTTP1
import NIOPosix
import Vapor

/// The two frameworks every adapter test runs on.
enum Framework: String, CaseIterable, CustomStringConvertible, Sendable {
    case hummingbird, vapor
    var description: String { rawValue }
}

/// Signals the extra test routes read.
struct Greeting: Decodable, Sendable {
    var name: String
    var times: Int
}

/// Routes used by the adapter tests beyond `/test`, written once against the generator API.
enum TestRoutes {
    /// Sends one event, waits for the gate, sends a second, ends.
    static func gated(_ gate: Gate) -> DatastarResponseBody {
        { sse in
            try await sse.send(.patchElements(#"<p id="first">1</p>"#))
            await gate.wait()
            try await sse.send(.patchElements(#"<p id="second">2</p>"#))
        }
    }

    /// Sends an event every 5 ms until a send throws, then reports how the stream ended; gives
    /// up after a minute (and reports that) if the client never goes.
    static func untilGone(_ probe: Probe) -> DatastarResponseBody {
        { sse in
            var sent = 0
            do {
                while sent < 12_000 {
                    try await sse.send(.patchSignals(json: ["n": .number(sent)]))
                    sent += 1
                    try await Task.sleep(for: .milliseconds(5))
                }
                await probe.report("the client stayed")
            } catch {
                await probe.report("\(error)")
            }
        }
    }

    /// Greets with the signals it read.
    static func greet(_ greeting: Greeting, _ sse: ServerSentEventGenerator) async throws {
        for _ in 0..<greeting.times {
            try await sse.send(.patchElements(#"<p id="greeting">Hello, \#(HTML.escape(greeting.name))</p>"#))
        }
    }

    /// Every test route on a Hummingbird router, the same for each test server (HTTP/1 or
    /// HTTP/2 over TLS).
    static func register(
        on router: Hummingbird.Router<BasicDatastarRequestContext>,
        reactor: DatastarReactor,
        gate: Gate,
        probe: Probe,
        hub: DatastarHub
    ) {
        ReactorRoutes(reactor: reactor, probe: probe, hub: hub).register(on: router)
        CompressionRoutes(triggers: Triggers(), reactor: reactor).register(on: router)
        PlainRoutes.register(on: router)
        router.get("/gated") { _, _ in DatastarResponse(gated(gate)) }
        router.get("/until-gone") { _, _ in DatastarResponse(untilGone(probe)) }
        router.datastar(.post, "/greet", signals: Greeting.self, use: greet)
        router.datastar(.get, "/greet", signals: Greeting.self, use: greet)
        router.datastar(.get, "/plain") { request, _, sse in
            try await sse.send(.patchSignals(json: ["datastar": .bool(request.isDatastarRequest)]))
        }
    }

    /// Every test route on a Vapor application, the same for each test server (HTTP/1 or
    /// HTTP/2 over TLS).
    static func register(on app: Vapor.Application, gate: Gate, probe: Probe, hub: DatastarHub) {
        ReactorRoutes(reactor: app.datastar.reactor, probe: probe, hub: hub).register(on: app)
        CompressionRoutes(triggers: Triggers(), reactor: app.datastar.reactor).register(on: app)
        PlainRoutes.register(on: app)
        app.get("gated") { _ in DatastarResponse(gated(gate)) }
        app.get("until-gone") { _ in DatastarResponse(untilGone(probe)) }
        app.datastar(.POST, "greet", signals: Greeting.self, use: greet)
        app.datastar(.GET, "greet", signals: Greeting.self, use: greet)
        app.datastar(.GET, "plain") { request, sse in
            try await sse.send(.patchSignals(json: ["datastar": .bool(request.isDatastarRequest)]))
        }
    }
}

/// The event loops of the test servers unless a test brings its own: two, as on the 2-core
/// machine the tests are sized for, and not those of the clients (`HTTPClient.test`,
/// `.shared` and the raw clients run on `MultiThreadedEventLoopGroup.singleton`), so that a
/// client that reads a lot does not take the server's loops from it. Lives as long as the
/// process, like the singleton.
let testServerGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)

/// A server that ended before it listened, without an error of its own.
struct ServerDidNotStart: Error {}

/// A running server of either framework, on 127.0.0.1 and a free port.
final class TestServer: Sendable {
    let framework: Framework
    let port: Int
    /// The reactor that drives this server's reactor streams.
    let reactor: DatastarReactor
    /// The hub of the server's `/hub/...` routes.
    let hub: DatastarHub
    private let stopAction: @Sendable () async throws -> Void

    private init(
        framework: Framework,
        port: Int,
        reactor: DatastarReactor,
        hub: DatastarHub,
        stop: @escaping @Sendable () async throws -> Void
    ) {
        self.framework = framework
        self.port = port
        self.reactor = reactor
        self.hub = hub
        self.stopAction = stop
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() async throws { try await stopAction() }

    static func start(
        _ framework: Framework,
        gate: Gate = Gate(),
        probe: Probe = Probe(),
        vaporCompression: HTTPServer.Configuration.ResponseCompressionConfiguration? = nil,
        hub: DatastarHub = DatastarHub(),
        group: (any EventLoopGroup)? = nil
    ) async throws -> TestServer {
        let group = group ?? testServerGroup
        switch framework {
        case .hummingbird: return try await startHummingbird(gate: gate, probe: probe, hub: hub, group: group)
        case .vapor:
            return try await startVapor(gate: gate, probe: probe, compression: vaporCompression, hub: hub, group: group)
        }
    }

    private static func startHummingbird(
        gate: Gate,
        probe: Probe,
        hub: DatastarHub,
        group: any EventLoopGroup
    ) async throws -> TestServer {
        let reactor = DatastarReactor()
        let router = Router(context: BasicDatastarRequestContext.self)
        TestRoutes.register(on: router, reactor: reactor, gate: gate, probe: probe, hub: hub)
        var logger = Logger(label: "test.hummingbird")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Hummingbird.Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: .shared(group),
            logger: logger
        )
        let group = ServiceGroup(services: [app], logger: logger)
        let task = Task {
            // A server that stops, or never starts, ends the wait for its port.
            defer { portContinuation.finish() }
            try await group.run()
        }
        let port: Int?
        do {
            port = try await withDeadline(.seconds(20), "the Hummingbird server to start") {
                await ports.first { _ in true }
            }
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        guard let port else {
            try await task.value
            throw ServerDidNotStart()
        }
        return TestServer(framework: .hummingbird, port: port, reactor: reactor, hub: hub) {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    private static func startVapor(
        gate: Gate,
        probe: Probe,
        compression: HTTPServer.Configuration.ResponseCompressionConfiguration?,
        hub: DatastarHub,
        group: any EventLoopGroup
    ) async throws -> TestServer {
        let app = try await Vapor.Application.make(Environment(name: "testing", arguments: ["test"]), .shared(group))
        app.servers.use(.datastar)
        TestRoutes.register(on: app, gate: gate, probe: probe, hub: hub)
        app.logger.logLevel = .warning
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        if let compression {
            app.http.server.configuration.responseCompression = compression
        }
        try await app.server.start(address: nil)
        let port = app.http.server.shared.localAddress?.port ?? 0
        return TestServer(framework: .vapor, port: port, reactor: app.datastar.reactor, hub: hub) {
            await app.server.shutdown()
            try await app.asyncShutdown()
        }
    }
}

/// Runs `body` with a server of `framework`, stopping it afterwards whatever happens.
func withServer(
    _ framework: Framework,
    gate: Gate = Gate(),
    probe: Probe = Probe(),
    vaporCompression: HTTPServer.Configuration.ResponseCompressionConfiguration? = nil,
    hub: DatastarHub = DatastarHub(),
    group: (any EventLoopGroup)? = nil,
    _ body: (TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start(
        framework,
        gate: gate,
        probe: probe,
        vaporCompression: vaporCompression,
        hub: hub,
        group: group
    )
    // Stopping ends every stream; a server that cannot stop fails the test instead of hanging it.
    let stop = { try await withDeadline(.seconds(20), "the \(framework) server to stop") { try await server.stop() } }
    do {
        try await body(server)
    } catch {
        try? await stop()
        throw error
    }
    try await stop()
}

/// A response read whole.
struct FullResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String
}

extension HTTPClient {
    /// The tests' client: `HTTPClient.shared` asks for gzip and deflate (and refuses bodies
    /// that inflate more than 25 times), so this one asks for no coding: streams arrive as the
    /// server writes them unless a test sends `Accept-Encoding` itself.
    static let test: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends a request and reads the whole response, within `limit` for both.
    func fetch(
        _ url: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        within limit: Duration = .seconds(20)
    ) async throws -> FullResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        // AsyncHTTPClient's timeout ends when the response head arrives; the deadline covers
        // the body too.
        return try await withDeadline(limit, "the response to \(method) \(url)") { [request] in
            let response = try await self.execute(request, timeout: .seconds(limit.components.seconds))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            return FullResponse(
                status: Int(response.status.code),
                headers: response.headers,
                body: String(buffer: bytes)
            )
        }
    }
}

/// Percent-encodes a query value so that every byte but unreserved characters is escaped.
func queryEncode(_ text: String) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
