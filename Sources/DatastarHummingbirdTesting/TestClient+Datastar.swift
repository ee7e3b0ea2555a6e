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

public import DatastarTesting
public import HTTPTypes
public import HummingbirdTesting
import NIOCore

extension TestClientProtocol {
    /// Sends what the Datastar client sends for an action — signals in the query (GET,
    /// DELETE) or a JSON body, `Datastar-Request: true` — and reads the response the way the
    /// client applies it.
    ///
    /// ```swift
    /// try await app.test(.router) { client in
    ///     let response = try await client.datastar(.post, "/greet", signals: ["name": "Ada"])
    ///     #expect(response.events == [.patchElements(#"<p id="greeting">Hello, Ada</p>"#)])
    /// }
    /// ```
    ///
    /// A reactor stream (`DatastarStream`) does not end by itself, so this call would wait for
    /// ever; test its updater with `withDatastarStreamProbe` instead.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - uri: the path (and query) of the action.
    ///   - signals: the signals the page holds; `nil` sends `{}`.
    ///   - lastEventID: the `Last-Event-ID` a reconnecting client sends.
    ///   - headers: more header fields to send.
    /// - Throws: ``DatastarTestError`` when the response is not one the client applies
    ///   (including a status other than 200 or 204), and whatever the test client throws.
    public func datastar(
        _ method: HTTPRequest.Method,
        _ uri: String,
        signals: (any Encodable)? = nil,
        lastEventID: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> DatastarTestResponse {
        let request = try DatastarTestRequest(
            method: method.rawValue,
            uri: uri,
            signals: signals,
            lastEventID: lastEventID
        )
        var fields = headers
        for field in request.headers {
            if let name = HTTPField.Name(field.name) { fields[name] = field.value }
        }
        let body = request.body.map { ByteBuffer(bytes: $0) }
        let response = try await executeRequest(uri: request.uri, method: method, headers: fields, body: body)
        return try response.datastar()
    }
}

extension TestResponse {
    /// Reads the response the way the Datastar client applies it: by status and content type.
    ///
    /// - Throws: ``DatastarTestError``.
    public func datastar() throws(DatastarTestError) -> DatastarTestResponse {
        try DatastarTestResponse(
            status: status.code,
            headers: headers.map { (name: $0.name.rawName, value: $0.value) },
            body: body.readableBytesView
        )
    }
}
