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

import DatastarNIO
import Foundation
import DatastarVapor
import NIOCore
import Vapor

func runVapor(feed: Feed, broadcast: Broadcast, port: Int, group: any EventLoopGroup) async throws {
    let app = try await Application.make(
        Environment(name: "production", arguments: ["datastar-bench-server"]),
        .shared(group)
    )
    app.logger.logLevel = .warning
    app.servers.use(.datastar)
    app.http.server.configuration.hostname = "127.0.0.1"
    app.http.server.configuration.port = port
    app.http.server.configuration.backlog = 4096
    app.get("feed") { request -> Response in
        let hz: Int = request.query["hz"] ?? 1
        switch feed.mode {
        case .reactor: return try await feed.stream(hz: hz).encodeResponse(for: request)
        case .task: return try await DatastarResponse(feed.task(hz: hz)).encodeResponse(for: request)
        }
    }
    app.get("sub") { request -> Response in
        switch broadcast.mode {
        case .reactor: return try await broadcast.stream().encodeResponse(for: request)
        case .task: return try await DatastarResponse(broadcast.task()).encodeResponse(for: request)
        }
    }
    app.post("publish") { _ -> HTTPStatus in
        try broadcast.publish()
        return .noContent
    }
    app.get("heap") { _ in Heap.report() }
    app.post("heap", "trim") { _ in Heap.trim() }
    try await app.server.start(address: nil)
    announce(port: app.http.server.shared.localAddress?.port ?? 0)
    // Serves until SIGTERM or SIGINT, then shuts down gracefully as a deployed server does:
    // the application's Datastar streams end first (so their clients reconnect), then the
    // server. (datastar-bench's other scenarios stop the server with SIGKILL.)
    await waitForTerminationSignal()
    await app.server.shutdown()
    try await app.asyncShutdown()
}

/// Returns when the process receives SIGTERM or SIGINT (which no longer end it at once).
func waitForTerminationSignal() async {
    let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
    let sources = [SIGTERM, SIGINT].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { continuation.yield(number) }
        source.resume()
        return source
    }
    for await _ in signals { break }
    for source in sources { source.cancel() }
}
