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
import Datastar
import DatastarNIO
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// Reads a streaming response event by event (an event ends at a blank line), each within a
/// time limit.
struct EventReader: Sendable {
    /// The body's iterator, in a box that the task reading the next chunk (under a deadline)
    /// can take: that task is the only one using it until it has ended, and once a read has
    /// missed its deadline the reader is not read again.
    private final class Chunks: @unchecked Sendable {
        var iterator: HTTPClientResponse.Body.AsyncIterator
        init(_ iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }
        func next() async throws -> ByteBuffer? { try await iterator.next() }
    }

    private let chunks: Chunks
    private var pending = ""
    private var failure: (any Error)?
    /// How long one event may take to arrive.
    let limit: Duration
    /// What the reader reads, for the error when an event does not come.
    let label: String

    init(_ response: HTTPClientResponse, label: String = "the stream", limit: Duration = .seconds(20)) {
        chunks = Chunks(response.body.makeAsyncIterator())
        self.label = label
        self.limit = limit
    }

    /// The next event, without its blank line; `nil` when the response ends. Throws
    /// ``DeadlineExceeded`` when no complete event arrives within `limit`.
    mutating func next() async throws -> String? {
        if let failure { throw failure }
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while true {
            if let end = pending.range(of: "\n\n") {
                let event = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                return event
            }
            let chunks = self.chunks
            let chunk: ByteBuffer?
            do {
                chunk = try await withDeadline(max(deadline - clock.now, .zero), "an event on \(label)") {
                    try await chunks.next()
                }
            } catch {
                failure = error
                throw error
            }
            guard let chunk else { return nil }
            pending += String(buffer: chunk)
        }
    }
}

/// How a response ended.
enum ResponseEnding: Sendable, Equatable {
    /// The body ended normally: the Datastar client does not reopen the stream.
    case clean
    /// The connection closed (or the HTTP/2 stream was reset) before the body ended: the
    /// Datastar client reconnects.
    case networkError
}

extension EventReader {
    /// Reads the rest of the response and tells how it ended. A missed deadline is thrown.
    mutating func readToEnd() async throws -> ResponseEnding {
        do {
            while try await next() != nil {}
            return .clean
        } catch let error as DeadlineExceeded {
            throw error
        } catch {
            return .networkError
        }
    }
}

/// Runs `body` with `client`, and shuts the client down afterwards whatever happens.
func withClient(_ client: HTTPClient, _ body: (HTTPClient) async throws -> Void) async throws {
    do {
        try await body(client)
    } catch {
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
}

/// Runs `body` with a new event loop group of `threads` threads, and shuts it down afterwards
/// whatever happens.
func withEventLoopGroup(
    threads: Int,
    _ body: (MultiThreadedEventLoopGroup) async throws -> Void
) async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    do {
        try await body(group)
    } catch {
        try? await group.shutdownGracefully()
        throw error
    }
    try await group.shutdownGracefully()
}

/// A raw socket with a small receive buffer that sends `GET path` and never reads.
func openStalledClient(port: Int, path: String) async throws -> any Channel {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelOption(.autoRead, value: false)
        .channelOption(.socketOption(.so_rcvbuf), value: 4096)
        .connect(host: "127.0.0.1", port: port).get()
    try await channel.writeAndFlush(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
    return channel
}

/// Opens a stream and returns its reader.
func openStream(_ client: HTTPClient, _ url: String) async throws -> EventReader {
    let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(20))
    #expect(response.status == .ok)
    #expect(response.headers["Content-Type"] == ["text/event-stream"])
    return EventReader(response, label: url)
}

/// The tests that load the machine or measure time: one at a time, so that none of them shares
/// the two cores with another (the 1,000-stream test loads both).
@Suite("Streams that load the machine or measure time, one at a time", .serialized, .timeLimit(.minutes(2)))
enum MachineLoadTests {}

extension MachineLoadTests {
    @Suite("Reactor streams over real sockets", .timeLimit(.minutes(2)))
    struct ReactorTests {
        @Test("onConnect, then the updater on its interval", arguments: Framework.allCases)
        func updatesArrive(framework: Framework) async throws {
            try await withServer(framework) { server in
                var reader = try await openStream(.shared, "\(server.base)/reactor?hz=50")
                #expect(try await reader.next() == #"event: datastar-patch-signals\#ndata: signals {"connected":true}"#)
                for n in 1...5 {
                    #expect(try await reader.next() == #"event: datastar-patch-signals\#ndata: signals {"n":\#(n)}"#)
                }
            }
        }

        /// Sized for a debug build on a machine half as fast as a 2-core CI runner: 1,000 streams
        /// at 2 Hz (2,000 small events a second) that each read 3 events. At 10 Hz the client and
        /// server never caught up in a debug build when they shared two loops.
        @Test("1,000 streams on 2 event loops run on at most one timer per loop", arguments: Framework.allCases)
        func thousandStreams(framework: Framework) async throws {
            let count = 1_000
            let clock = ContinuousClock()
            let start = clock.now
            let probe = Probe()
            // The server runs on two event loops of its own, the client on two others: reading
            // 1,000 streams must not take the loops whose timers the test counts.
            try await withEventLoopGroup(threads: 2) { serverLoops in
                try await withEventLoopGroup(threads: 2) { clientLoops in
                    try await withServer(framework, probe: probe, group: serverLoops) { server in
                        var configuration = HTTPClient.Configuration()
                        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = count + 100
                        let client = HTTPClient(
                            eventLoopGroupProvider: .shared(clientLoops),
                            configuration: configuration
                        )
                        try await withClient(client) { client in
                            let url = "\(server.base)/reactor?hz=2"
                            // Every stream opens and gets onConnect's event, then two updates,
                            // in order; its reader keeps it open.
                            let opened = try await withDeadline(.seconds(60), "\(count) streams to open") {
                                try await Self.openStreams(count, of: url, with: client)
                            }
                            print("\(framework): \(count) streams open after \(clock.now - start)")
                            let readers = try await withDeadline(.seconds(30), "2 updates on every stream") {
                                try await Self.readUpdates(1...2, on: opened)
                            }
                            print("\(framework): \(count) streams open with 3 events each after \(clock.now - start)")
                            #expect(readers.count == count)
                            // The reactor holds exactly them, on one timer per event loop for
                            // their one interval.
                            #expect(await server.reactor.openStreams() == count)
                            let timers = await server.reactor.activeTimers()
                            #expect(timers >= 1 && timers <= 2, "timers: \(timers)")
                        }
                        // Shutting the client down closes its connections: every stream is
                        // closed, each exactly once.
                        var reasons: [String: Int] = [:]
                        for index in 1...count {
                            let reason = try await probe.next(within: .seconds(30), "stream \(index) to be closed")
                            reasons[reason, default: 0] += 1
                        }
                        print("\(framework): \(count) streams closed after \(clock.now - start): \(reasons)")
                        #expect(
                            Set(reasons.keys).isSubset(of: [
                                "disconnect clientGone skipped=false", "disconnect writeFailed skipped=false",
                            ])
                        )
                        #expect(await server.reactor.openStreams() == 0)
                        #expect(await server.reactor.activeTimers() == 0)
                    }
                }
            }
            // The server has shut down: had onDisconnect run twice for a stream, the probe would
            // hold the extra report.
            #expect(await probe.pendingCount() == 0)
        }

        /// Opens `count` streams of `url` and reads onConnect's event on each, with at most
        /// `window` connecting at a time: more would overflow the server's listen backlog (256),
        /// and the kernel retries a dropped connection only after a second, then three.
        static func openStreams(
            _ count: Int,
            of url: String,
            with client: HTTPClient,
            window: Int = 100
        ) async throws -> [EventReader] {
            try await withThrowingTaskGroup(of: EventReader.self) { tasks in
                let open: @Sendable () async throws -> EventReader = {
                    var reader = try await openStream(client, url)
                    try #require(
                        try await reader.next() == #"event: datastar-patch-signals\#ndata: signals {"connected":true}"#
                    )
                    return reader
                }
                for _ in 0..<min(window, count) { tasks.addTask(operation: open) }
                var readers: [EventReader] = []
                for try await reader in tasks {
                    readers.append(reader)
                    if readers.count + window <= count { tasks.addTask(operation: open) }
                }
                return readers
            }
        }

        /// Reads the updates numbered `updates` on every reader, in order.
        static func readUpdates(_ updates: ClosedRange<Int>, on readers: [EventReader]) async throws -> [EventReader] {
            try await withThrowingTaskGroup(of: EventReader.self) { tasks in
                for reader in readers {
                    tasks.addTask {
                        var reader = reader
                        for n in updates {
                            try #require(
                                try await reader.next() == #"event: datastar-patch-signals\#ndata: signals {"n":\#(n)}"#
                            )
                        }
                        return reader
                    }
                }
                var done: [EventReader] = []
                for try await reader in tasks { done.append(reader) }
                return done
            }
        }

        @Test("keep-alive comments arrive on time on a quiet stream", arguments: Framework.allCases)
        func keepAlives(framework: Framework) async throws {
            try await withServer(framework) { server in
                var reader = try await openStream(.shared, "\(server.base)/quiet?ka=200")
                let clock = ContinuousClock()
                let start = clock.now
                for k in 1...5 {
                    #expect(try await reader.next() == ":")
                    let elapsed = clock.now - start
                    // The k-th comment is due after k quiet periods of 200 ms, and the reactor
                    // visits a quiet stream every 50 ms: never early, at most 50 ms late each
                    // (plus slack for a loaded machine). Measured from the start, so one late
                    // arrival does not make the next look early.
                    #expect(elapsed >= .milliseconds(200 * k - 30), "comment \(k) after \(elapsed)")
                    #expect(elapsed <= .milliseconds(250 * k + 300), "comment \(k) after \(elapsed)")
                }
            }
        }

        @Test("a client that disconnects is closed, onDisconnect once", arguments: Framework.allCases)
        func disconnect(framework: Framework) async throws {
            let probe = Probe()
            try await withServer(framework, probe: probe) { server in
                try await withClient(HTTPClient(eventLoopGroupProvider: .singleton)) { client in
                    var reader = try await openStream(client, "\(server.base)/reactor?hz=50")
                    _ = try await reader.next()
                }
                let ending = try await probe.next()
                #expect(
                    ending.hasPrefix("disconnect clientGone") || ending.hasPrefix("disconnect writeFailed"),
                    "\(ending)"
                )
                #expect(await server.reactor.openStreams() == 0)
            }
            // The server has shut down: had onDisconnect run again, the probe would hold it.
            #expect(await probe.pendingCount() == 0)
        }

        @Test("an updater that throws closes only its own connection", arguments: Framework.allCases)
        func throwingUpdater(framework: Framework) async throws {
            let probe = Probe()
            try await withServer(framework, probe: probe) { server in
                var healthy = try await openStream(.shared, "\(server.base)/reactor?hz=50")
                var failing = try await openStream(.shared, "\(server.base)/throwing")
                var failingEvents = 0
                while try await failing.next() != nil { failingEvents += 1 }
                #expect(failingEvents == 2)
                #expect(try await probe.next() == "disconnect updaterThrew skipped=false")
                _ = try await healthy.next()
                let before = try #require(try await healthy.next())
                let after = try #require(try await healthy.next())
                #expect(before.contains(#""n":"#) && after.contains(#""n":"#))
            }
        }

        @Test("the app can close a stream; it ends cleanly", arguments: Framework.allCases)
        func appCloses(framework: Framework) async throws {
            let probe = Probe()
            try await withServer(framework, probe: probe) { server in
                var reader = try await openStream(.shared, "\(server.base)/closing")
                var events: [String] = []
                while let event = try await reader.next() { events.append(event) }
                #expect(events.count == 3)
                #expect(try await probe.next() == "disconnect closedByApp skipped=false")
            }
        }

        @Test("a client that stops reading skips updates and is closed", arguments: Framework.allCases)
        func stalledClient(framework: Framework) async throws {
            let probe = Probe()
            try await withServer(framework, probe: probe) { server in
                let channel = try await openStalledClient(port: server.port, path: "/flood")
                #expect(try await probe.next() == "disconnect unwritableTooLong skipped=true")
                try await channel.close()
            }
        }

        @Test("an async stream that only waits ends when its client goes", arguments: Framework.allCases)
        func asyncStreamNoticesGoneClient(framework: Framework) async throws {
            let probe = Probe()
            try await withServer(framework, probe: probe) { server in
                let clock = ContinuousClock()
                var start = clock.now
                try await withClient(HTTPClient(eventLoopGroupProvider: .singleton)) { client in
                    var reader = try await openStream(client, "\(server.base)/waiting?ka=200")
                    #expect(try await reader.next() == ": waiting")
                    start = clock.now
                }
                #expect(try await probe.next() == "async ended")
                // One keep-alive interval (200 ms) plus scheduling slack.
                #expect(clock.now - start < .milliseconds(600), "took \(clock.now - start)")
            }
        }

        @Test("shutdown with open streams completes within 2 s; every stream is told", arguments: Framework.allCases)
        func shutdown(framework: Framework) async throws {
            let probe = Probe()
            let server = try await TestServer.start(framework, probe: probe)
            let stop = {
                try await withDeadline(.seconds(20), "the \(framework) server to stop") { try await server.stop() }
            }
            var stopped = false
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 20
            do {
                try await withClient(HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)) {
                    client in
                    var readers: [EventReader] = []
                    for _ in 0..<10 {
                        var reader = try await openStream(client, "\(server.base)/reactor?hz=10")
                        _ = try await reader.next()
                        readers.append(reader)
                    }
                    var waiting = try await openStream(client, "\(server.base)/waiting?ka=10000")
                    #expect(try await waiting.next() == ": waiting")
                    let clock = ContinuousClock()
                    let start = clock.now
                    stopped = true
                    try await stop()
                    #expect(clock.now - start < .seconds(2), "shutdown took \(clock.now - start)")
                    var reasons: [String] = []
                    for _ in 0..<11 { reasons.append(try await probe.next()) }
                    #expect(reasons.filter { $0 == "disconnect serverShutdown skipped=false" }.count == 10)
                    #expect(reasons.contains("async ended"))
                    // Every stream ended as a network error, so that the Datastar client
                    // reconnects to the next process.
                    for index in readers.indices {
                        #expect(try await readers[index].readToEnd() == .networkError)
                    }
                    #expect(try await waiting.readToEnd() == .networkError)
                }
            } catch {
                if !stopped { try? await stop() }
                throw error
            }
        }

        @Test("a poll runs the updater once and ends", arguments: Framework.allCases)
        func poll(framework: Framework) async throws {
            try await withServer(framework) { server in
                let response = try await HTTPClient.test.fetch("\(server.base)/poll")
                #expect(response.status == 200)
                #expect(response.headers["Content-Type"] == ["text/event-stream"])
                #expect(response.body == "event: datastar-patch-signals\ndata: signals {\"n\":0}\n\n")
            }
        }
    }
}
