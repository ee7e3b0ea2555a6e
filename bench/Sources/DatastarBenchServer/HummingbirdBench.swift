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

import DatastarHummingbird
import DatastarNIO
import Hummingbird
import Logging
import NIOCore

func runHummingbird(feed: Feed, broadcast: Broadcast, port: Int, group: any EventLoopGroup) async throws {
    var logger = Logger(label: "datastar-bench-server")
    logger.logLevel = .warning
    let router = Router(context: BasicDatastarRequestContext.self)
    router.get("/feed") { request, context -> Response in
        let hz = request.uri.queryParameters.get("hz", as: Int.self) ?? 1
        switch feed.mode {
        case .reactor: return feed.stream(hz: hz).response(from: request, context: context)
        case .task: return DatastarResponse(feed.task(hz: hz)).response(from: request, context: context)
        }
    }
    router.get("/sub") { request, context -> Response in
        switch broadcast.mode {
        case .reactor: return broadcast.stream().response(from: request, context: context)
        case .task: return DatastarResponse(broadcast.task()).response(from: request, context: context)
        }
    }
    router.post("/publish") { _, _ -> HTTPResponse.Status in
        try broadcast.publish()
        return .noContent
    }
    router.get("/heap") { _, _ in Heap.report() }
    router.post("/heap/trim") { _, _ in Heap.trim() }
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil, backlog: 4096),
        onServerRunning: { channel in announce(port: channel.localAddress?.port ?? 0) },
        eventLoopGroupProvider: .shared(group),
        logger: logger
    )
    try await app.runService()
}
