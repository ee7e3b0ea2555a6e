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
public import Vapor

extension Request {
    /// Whether the request comes from the Datastar client (`Datastar-Request: true`).
    public var isDatastarRequest: Bool {
        DatastarHTTP.isDatastarRequest(headerValue: headers.first(name: DatastarHTTP.requestHeaderName))
    }

    /// Reads the request's Datastar signals into a `Decodable` type: from the `datastar` query
    /// parameter for GET and DELETE, from the JSON body for POST, PUT, PATCH and QUERY (the
    /// client's `@query()`, since 1.0.4).
    ///
    /// ```swift
    /// let signals = try await req.datastarSignals(Search.self)
    /// ```
    ///
    /// Vapor collects bodies up to `app.routes.defaultMaxBodySize` (16 KiB) before a handler
    /// runs; register routes with `body: .stream` (the `datastar(_:_:signals:)` route sugar
    /// does) so that `limit` applies instead.
    ///
    /// - Parameter limit: the largest accepted size of the signals, in bytes (1 MiB by default).
    /// - Throws: ``Datastar/SignalsError``, which Vapor turns into a 400, 405 or 413 response
    ///   that names the problem.
    public func datastarSignals<Signals: Decodable>(
        _ type: Signals.Type = Signals.self,
        limit: Int = DatastarSignals.defaultLimit
    ) async throws -> Signals {
        var body: [UInt8]?
        if SignalsLocation(method: method.rawValue) == .body {
            do {
                body = try await self.body.collect(max: limit).get().map { Array($0.readableBytesView) } ?? []
            } catch let error as any AbortError where error.status == .payloadTooLarge {
                throw SignalsError.tooLarge(limit: limit)
            }
        }
        return try DatastarSignals.decode(type, method: method.rawValue, query: url.query, body: body, limit: limit)
    }
}

extension SignalsError: AbortError {
    /// The HTTP status of the error: 400, 405 or 413.
    public var status: HTTPResponseStatus { HTTPResponseStatus(statusCode: httpStatusCode) }

    /// The message of the response body.
    public var reason: String { description }
}
