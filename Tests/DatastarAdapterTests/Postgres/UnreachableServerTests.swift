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
import Logging
import NIOCore
import PostgresNIO
import Testing

@testable import DatastarPostgres

/// A backplane whose server does not answer: it needs a local port, not a database.
@Suite("PostgresBackplane without a server", .timeLimit(.minutes(1)))
struct UnreachableServerTests {
    @Test("run() keeps retrying an unreachable server and returns promptly when cancelled")
    func unreachable() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        var options = PostgresBackplane.Options()
        options.initialReconnectDelay = .milliseconds(10)
        options.maxReconnectDelay = .milliseconds(50)
        let logs = LogStream(level: .warning)
        let backplane = try PostgresBackplane(
            url: "postgres://user@127.0.0.1:\(port)/db?connect_timeout=1",
            options: options,
            logger: logs.logger
        )
        backplane.publish(message("t", "queued", origin: "o"))
        let task = Task { try await backplane.run() }
        // Every failed attempt logs a warning: await three of each connection's.
        try await withTimeout(15, "three failed attempts of the sender and of the listener") {
            var (sender, listener) = (0, 0)
            for await entry in logs.entries {
                if entry.message.hasPrefix("PostgresBackplane sender cannot connect") { sender += 1 }
                if entry.message.hasPrefix("PostgresBackplane listener cannot listen") { listener += 1 }
                if sender >= 3, listener >= 3 { return }
            }
        }
        #expect(backplane.status == .init())
        #expect(backplane.queuedMessageCount == 1)
        let cancelled = ContinuousClock.now
        task.cancel()
        try await withTimeout(5, "run() to return") { try await task.value }
        #expect(ContinuousClock.now - cancelled < .seconds(2))
        #expect(backplane.queuedMessageCount == 1, "a message not sent stays queued")
    }
}
