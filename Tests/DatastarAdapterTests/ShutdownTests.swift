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
import DatastarNIO
import Testing

extension MachineLoadTests {
    /// What a deploy does to open pages: the server shuts down, the Datastar client (which
    /// reopens a stream only after a network error) reconnects to the next process.
    @Suite("Server shutdown over real sockets", .timeLimit(.minutes(2)))
    struct ShutdownTests {
        @Test(
            "on shutdown every kind of stream ends as a network error, unless it chose to end; each is told once",
            arguments: Framework.allCases
        )
        func endings(framework: Framework) async throws {
            let probe = Probe()
            let server = try await TestServer.start(framework, probe: probe)
            var stopped = false
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 10
            do {
                try await withClient(HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)) {
                    client in
                    // Each stream's first event says it is open (and registered).
                    let paths = [
                        "/reactor?hz=10", "/reactor?hz=10&end=1", "/hub/sub?topic=shutdown", "/waiting?ka=10000",
                        "/waiting?ka=10000&end=1",
                    ]
                    var readers: [EventReader] = []
                    for path in paths {
                        var reader = try await openStream(client, "\(server.base)\(path)")
                        _ = try await reader.next()
                        readers.append(reader)
                    }
                    stopped = true
                    let clock = ContinuousClock()
                    let start = clock.now
                    try await withDeadline(.seconds(20), "the \(framework) server to stop") { try await server.stop() }
                    #expect(clock.now - start < .seconds(2), "shutdown took \(clock.now - start)")
                    var endings: [ResponseEnding] = []
                    for index in readers.indices { endings.append(try await readers[index].readToEnd()) }
                    #expect(endings == [.networkError, .clean, .networkError, .networkError, .clean])
                    var reports: [String] = []
                    for _ in paths { reports.append(try await probe.next()) }
                    #expect(
                        reports.sorted()
                            == ["async ended", "async ended"]
                            + Array(repeating: "disconnect serverShutdown skipped=false", count: 3)
                    )
                    #expect(await probe.pendingCount() == 0)
                }
            } catch {
                if !stopped { try? await server.stop() }
                throw error
            }
        }

        @Test(
            "a subscriber that reconnects with Last-Event-ID resumes in the same process, and is told of the gap in the next",
            arguments: Framework.allCases
        )
        func resumeAcrossRestart(framework: Framework) async throws {
            let first = try await TestServer.start(framework)
            var stopped = false
            do {
                var subscription = try await subscribe(first.base, topic: "restart")
                #expect(subscription.resume == "fresh")
                try await publishOverHTTP(first.base, topic: "restart", n: 1, id: "r1")
                #expect(try await subscription.reader.next() == published(1, id: "r1"))
                // A second subscriber misses r2 and r3 while away, and gets them back.
                try await publishOverHTTP(first.base, topic: "restart", n: 2, id: "r2")
                try await publishOverHTTP(first.base, topic: "restart", n: 3, id: "r3")
                let resumed = try await subscribe(first.base, topic: "restart", lastEventID: "r1")
                #expect(resumed.resume == "replayed:2")
                #expect(resumed.replayed == [published(2, id: "r2"), published(3, id: "r3")])
                stopped = true
                try await withDeadline(.seconds(20), "the \(framework) server to stop") { try await first.stop() }
                #expect(try await subscription.reader.readToEnd() == .networkError)
            } catch {
                if !stopped { try? await first.stop() }
                throw error
            }
            // The next process has an empty history: the client is told, and gets the full state.
            try await withServer(framework) { second in
                let back = try await subscribe(second.base, topic: "restart", lastEventID: "r3")
                #expect(back.resume == "gap")
                #expect(back.replayed.isEmpty)
            }
        }
    }
}
