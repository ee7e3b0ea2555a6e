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

public import Datastar
public import DatastarNIO
public import Vapor

extension RoutesBuilder {
    /// Adds a route that answers with a Datastar stream.
    ///
    /// ```swift
    /// app.datastar(.GET, "clock") { req, sse in
    ///     try await sse.send(.patchElements(#"<time id="clock">\#(Date())</time>"#))
    /// }
    /// ```
    @discardableResult
    public func datastar(
        _ method: HTTPMethod,
        _ path: PathComponent...,
        use body: @escaping @Sendable (Request, ServerSentEventGenerator) async throws -> Void
    ) -> Route {
        on(method, path) { request in
            DatastarResponse { sse in try await body(request, sse) }
        }
    }

    /// Adds a route that reads the request's signals, then answers with a Datastar stream.
    /// Signals that cannot be read get a 4xx response that names the problem, before any
    /// stream starts. The route streams its body, so `limit` (1 MiB by default) is the only
    /// limit on the signals' size.
    ///
    /// ```swift
    /// app.datastar(.POST, "greet", signals: Greeting.self) { signals, sse in
    ///     try await sse.send(.patchElements(#"<p id="greeting">Hello, \#(signals.name)</p>"#))
    /// }
    /// ```
    ///
    /// Vapor routes any method by name, the client's `@query()` too: `app.datastar(.RAW(value:
    /// "QUERY"), "search", signals: Search.self) { … }` reads the signals from the QUERY
    /// request's body (NIO's HTTPMethod has no `.QUERY` case).
    @discardableResult
    public func datastar<Signals: Decodable & Sendable>(
        _ method: HTTPMethod,
        _ path: PathComponent...,
        signals: Signals.Type,
        limit: Int = DatastarSignals.defaultLimit,
        use body: @escaping @Sendable (Signals, ServerSentEventGenerator) async throws -> Void
    ) -> Route {
        on(method, path, body: .stream) { request in
            let signals = try await request.datastarSignals(Signals.self, limit: limit)
            return DatastarResponse { sse in try await body(signals, sse) }
        }
    }
}
