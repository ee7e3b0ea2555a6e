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
import ConformanceServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Vapor

/// The frameworks the conformance server runs on.
enum Framework: String, CaseIterable, CustomStringConvertible, Sendable {
    case hummingbird, vapor
    var description: String { rawValue }
}

/// A conformance server on 127.0.0.1 and a free port.
struct ConformanceTestServer: Sendable {
    var base: String
    var stop: @Sendable () async throws -> Void
}

/// Runs `body` with the conformance server of `framework`, stopping it afterwards whatever
/// happens.
func withServer(_ framework: Framework, _ body: (ConformanceTestServer) async throws -> Void) async throws {
    let server: ConformanceTestServer
    switch framework {
    case .hummingbird:
        var logger = Logger(label: "conformance-test.hummingbird")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = HummingbirdConformance.application(port: 0, logger: logger) { port in
            portContinuation.yield(port)
        }
        let group = ServiceGroup(services: [app], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        server = ConformanceTestServer(base: "http://127.0.0.1:\(port)") {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    case .vapor:
        let app = try await VaporConformance.application(port: 0)
        app.logger.logLevel = .warning
        let port = try await VaporConformance.start(app)
        server = ConformanceTestServer(base: "http://127.0.0.1:\(port)") {
            try await VaporConformance.stop(app)
        }
    }
    do {
        try await body(server)
    } catch {
        try? await server.stop()
        throw error
    }
    try await server.stop()
}

/// A whole response, read to its end.
struct FullResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: String
}

extension HTTPClient {
    /// A client that asks for no coding, so responses arrive as the server writes them.
    static let test: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends a request and reads the whole response.
    func fetch(
        _ url: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> FullResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return FullResponse(
            status: Int(response.status.code),
            headers: response.headers,
            body: String(buffer: bytes)
        )
    }
}

/// Percent-encodes `text` for a query parameter value.
func queryEncode(_ text: String) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
