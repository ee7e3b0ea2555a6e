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
public import Hummingbird
public import HTTPTypes
import NIOCore

extension Request {
    /// Whether the request comes from the Datastar client (`Datastar-Request: true`).
    public var isDatastarRequest: Bool {
        DatastarHTTP.isDatastarRequest(headerValue: headers[HTTPField.Name(DatastarHTTP.requestHeaderName)!])
    }

    /// Reads the request's Datastar signals into a `Decodable` type: from the `datastar` query
    /// parameter for GET and DELETE, from the JSON body for POST, PUT, PATCH and QUERY (the
    /// client's `@query()`, since 1.0.4).
    ///
    /// ```swift
    /// let signals = try await request.datastarSignals(Search.self)
    /// ```
    ///
    /// - Parameter limit: the largest accepted size of the signals, in bytes (1 MiB by default).
    /// - Throws: ``Datastar/SignalsError``, which Hummingbird turns into a 400, 405 or 413
    ///   response that names the problem.
    public func datastarSignals<Signals: Decodable>(
        _ type: Signals.Type = Signals.self,
        limit: Int = DatastarSignals.defaultLimit
    ) async throws -> Signals {
        var body: [UInt8]?
        if SignalsLocation(method: method.rawValue) == .body {
            var collected: [UInt8] = []
            for try await chunk in self.body {
                guard collected.count + chunk.readableBytes <= limit else {
                    throw SignalsError.tooLarge(limit: limit)
                }
                collected.append(contentsOf: chunk.readableBytesView)
            }
            body = collected
        }
        return try DatastarSignals.decode(type, method: method.rawValue, query: uri.query, body: body, limit: limit)
    }
}

extension SignalsError: HTTPResponseError {
    /// The HTTP status of the error: 400, 405 or 413.
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: httpStatusCode) }

    /// A plain-text response that names the problem.
    public func response(from request: Request, context: some RequestContext) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: description + "\n"))
        )
    }
}
