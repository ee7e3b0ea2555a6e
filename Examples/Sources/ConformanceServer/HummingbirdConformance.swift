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

import Datastar
public import DatastarHummingbird
public import Hummingbird
public import Logging

/// The conformance app on Hummingbird.
public enum HummingbirdConformance {
    /// The router with `/test` for GET and POST.
    public static func router() -> Router<BasicDatastarRequestContext> {
        let router = Router(context: BasicDatastarRequestContext.self)
        router.middlewares.add(LogRequestsMiddleware(.info))
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/test", method: method) { request, _ in
                let signals = try await request.datastarSignals(JSONValue.self)
                let events: [DatastarEvent]
                do {
                    events = try ConformanceCase.events(from: signals)
                } catch {
                    throw HTTPError(.badRequest, message: "\(error)")
                }
                return DatastarResponse { sse in
                    for event in events { try await sse.send(event) }
                }
            }
        }
        return router
    }

    /// The application, listening on 127.0.0.1 at `port` (0 picks a free port; `onRunning`
    /// receives the one bound).
    public static func application(
        port: Int,
        logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
