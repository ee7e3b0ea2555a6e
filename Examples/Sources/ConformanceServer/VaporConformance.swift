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
import DatastarVapor
public import Vapor

/// The conformance app on Vapor.
public enum VaporConformance {
    /// Adds `/test` for GET and POST to `app`.
    public static func configure(_ app: Application) {
        for method in [HTTPMethod.GET, .POST] {
            app.on(method, "test", body: .stream) { request in
                let signals = try await request.datastarSignals(JSONValue.self)
                let events: [DatastarEvent]
                do {
                    events = try ConformanceCase.events(from: signals)
                } catch {
                    throw Abort(.badRequest, reason: "\(error)")
                }
                return DatastarResponse { sse in
                    for event in events { try await sse.send(event) }
                }
            }
        }
    }

    /// A Vapor application that ignores the process's command line (Vapor parses it by
    /// default) and listens on 127.0.0.1 at `port`.
    public static func application(port: Int) async throws -> Application {
        let app = try await Application.make(Environment(name: "production", arguments: ["conformance"]))
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        configure(app)
        return app
    }
}

extension VaporConformance {
    /// Starts `app`'s server and returns the port it listens on; stop it with
    /// ``stop(_:)``.
    public static func start(_ app: Application) async throws -> Int {
        try await app.server.start(address: nil)
        return app.http.server.shared.localAddress?.port ?? app.http.server.configuration.port
    }

    /// Stops a server started with ``start(_:)`` and shuts the application down.
    public static func stop(_ app: Application) async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    /// Runs the conformance app with Vapor's `serve` command until the process receives
    /// SIGINT or SIGTERM.
    public static func run(port: Int) async throws {
        let app = try await Application.make(
            Environment(
                name: "production",
                arguments: ["conformance", "serve", "--hostname", "127.0.0.1", "--port", String(port)]
            )
        )
        configure(app)
        do {
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
