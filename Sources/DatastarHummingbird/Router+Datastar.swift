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
public import Hummingbird
public import HTTPTypes
import NIOCore

extension RouterMethods {
    /// Adds a route that answers with a Datastar stream.
    ///
    /// ```swift
    /// router.datastar(.get, "/clock") { request, context, sse in
    ///     try await sse.send(.patchElements(#"<time id="clock">\#(Date())</time>"#))
    /// }
    /// ```
    @discardableResult
    public func datastar(
        _ method: HTTPRequest.Method,
        _ path: RouterPath,
        use body: @escaping @Sendable (Request, Context, ServerSentEventGenerator) async throws -> Void
    ) -> Self {
        on(path, method: method) { request, context in
            DatastarResponse { sse in try await body(request, context, sse) }
        }
    }

    /// Adds a route that reads the request's signals, then answers with a Datastar stream.
    /// Signals that cannot be read get a 4xx response that names the problem, before any
    /// stream starts.
    ///
    /// ```swift
    /// router.datastar(.post, "/greet", signals: Greeting.self) { signals, sse in
    ///     try await sse.send(.patchElements(#"<p id="greeting">Hello, \#(signals.name)</p>"#))
    /// }
    /// ```
    ///
    /// Any method routes, the client's `@query()` too: `router.datastar(.query, "/search",
    /// signals: Search.self) { … }` reads the signals from the QUERY request's body.
    @discardableResult
    public func datastar<Signals: Decodable & Sendable>(
        _ method: HTTPRequest.Method,
        _ path: RouterPath,
        signals: Signals.Type,
        limit: Int = DatastarSignals.defaultLimit,
        use body: @escaping @Sendable (Signals, ServerSentEventGenerator) async throws -> Void
    ) -> Self {
        on(path, method: method) { request, _ in
            let signals = try await request.datastarSignals(Signals.self, limit: limit)
            return DatastarResponse { sse in try await body(signals, sse) }
        }
    }
}
