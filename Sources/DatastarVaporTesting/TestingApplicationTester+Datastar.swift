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
import NIOCore
public import Vapor
public import VaporTesting

extension TestingApplicationTester {
    /// Sends what the Datastar client sends for an action — signals in the query (GET,
    /// DELETE) or a JSON body, `Datastar-Request: true` — and reads the response the way the
    /// client applies it.
    ///
    /// ```swift
    /// try await withApp(configure: routes) { app in
    ///     let response = try await app.testing().datastar(.POST, "/greet", signals: ["name": "Ada"])
    ///     #expect(response.events == [.patchElements(#"<p id="greeting">Hello, Ada</p>"#)])
    /// }
    /// ```
    ///
    /// A reactor stream (`DatastarStream`) does not end by itself, so this call would wait for
    /// ever; test its updater with `withDatastarStreamProbe` instead.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: the path (and query) of the action.
    ///   - signals: the signals the page holds; `nil` sends `{}`.
    ///   - lastEventID: the `Last-Event-ID` a reconnecting client sends.
    ///   - headers: more header fields to send.
    /// - Throws: ``DatastarTestError`` when the response is not one the client applies
    ///   (including a status other than 200 or 204), and whatever the tester throws.
    public func datastar(
        _ method: HTTPMethod,
        _ path: String,
        signals: (any Encodable)? = nil,
        lastEventID: String? = nil,
        headers: HTTPHeaders = [:]
    ) async throws -> DatastarTestResponse {
        var request = try TestingHTTPRequest(
            DatastarTestRequest(method: method.rawValue, uri: path, signals: signals, lastEventID: lastEventID)
        )
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        return try await performTest(request: request).datastar()
    }
}

extension TestingHTTPRequest {
    /// The request the Datastar client sends (see ``DatastarTestRequest``), for
    /// `performTest(request:)` or XCTVapor, whose `XCTHTTPRequest` is this type.
    public init(_ request: DatastarTestRequest) {
        var headers = HTTPHeaders()
        for field in request.headers { headers.add(name: field.name, value: field.value) }
        self.init(
            method: HTTPMethod(rawValue: request.method),
            url: URI(string: request.uri),
            headers: headers,
            body: ByteBuffer(bytes: request.body ?? [])
        )
    }
}

extension TestingHTTPResponse {
    /// Reads the response the way the Datastar client applies it: by status and content type.
    /// XCTVapor's `XCTHTTPResponse` is this type, so it works in XCTest too.
    ///
    /// - Throws: ``DatastarTestError``.
    public func datastar() throws(DatastarTestError) -> DatastarTestResponse {
        try DatastarTestResponse(
            status: Int(status.code),
            headers: headers.map { (name: $0.name, value: $0.value) },
            body: body.readableBytesView
        )
    }
}
