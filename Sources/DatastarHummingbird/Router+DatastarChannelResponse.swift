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

public import Hummingbird
public import HTTPTypes

/// Routes whose handlers return a reactor stream, a hub subscription or a poll
/// (``DatastarChannelResponse``); only on a router whose context gives the channel.
extension RouterMethods where Context: DatastarRequestContext {
    /// Adds a route for `method` whose handler returns a reactor stream or a poll.
    @discardableResult
    public func on(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        use handler: @escaping @Sendable (Request, Context) async throws -> some DatastarChannelResponse
    ) -> Self {
        on(path, method: method) { request, context -> Response in
            try await handler(request, context).response(from: request, context: context)
        }
    }

    /// Adds a GET route whose handler returns a reactor stream or a poll.
    @discardableResult
    public func get(
        _ path: RouterPath = "",
        use handler: @escaping @Sendable (Request, Context) async throws -> some DatastarChannelResponse
    ) -> Self {
        on(path, method: .get, use: handler)
    }

    /// Adds a POST route whose handler returns a reactor stream or a poll.
    @discardableResult
    public func post(
        _ path: RouterPath = "",
        use handler: @escaping @Sendable (Request, Context) async throws -> some DatastarChannelResponse
    ) -> Self {
        on(path, method: .post, use: handler)
    }

    /// Adds a PUT route whose handler returns a reactor stream or a poll.
    @discardableResult
    public func put(
        _ path: RouterPath = "",
        use handler: @escaping @Sendable (Request, Context) async throws -> some DatastarChannelResponse
    ) -> Self {
        on(path, method: .put, use: handler)
    }

    /// Adds a PATCH route whose handler returns a reactor stream or a poll.
    @discardableResult
    public func patch(
        _ path: RouterPath = "",
        use handler: @escaping @Sendable (Request, Context) async throws -> some DatastarChannelResponse
    ) -> Self {
        on(path, method: .patch, use: handler)
    }

    /// Adds a DELETE route whose handler returns a reactor stream or a poll.
    @discardableResult
    public func delete(
        _ path: RouterPath = "",
        use handler: @escaping @Sendable (Request, Context) async throws -> some DatastarChannelResponse
    ) -> Self {
        on(path, method: .delete, use: handler)
    }

    /// Adds a QUERY route (the client's `@query()`) whose handler returns a reactor stream or
    /// a poll.
    @discardableResult
    public func query(
        _ path: RouterPath = "",
        use handler: @escaping @Sendable (Request, Context) async throws -> some DatastarChannelResponse
    ) -> Self {
        on(path, method: .datastarQuery, use: handler)
    }
}

extension HTTPRequest.Method {
    /// `QUERY`, spelled without the `.query` of newer swift-http-types releases so the SDK
    /// builds with older ones too.
    static let datastarQuery = HTTPRequest.Method("QUERY")!
}
