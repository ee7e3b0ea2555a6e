import AsyncHTTPClient
import Datastar
import DatastarNIO
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// Reads a streaming response event by event (an event ends at a blank line).
struct EventReader {
    var chunks: HTTPClientResponse.Body.AsyncIterator
    var pending = ""

    init(_ response: HTTPClientResponse) {
        chunks = response.body.makeAsyncIterator()
    }

    /// The next event, without its blank line; `nil` when the response ends.
    mutating func next() async throws -> String? {
        while true {
            if let end = pending.range(of: "\n\n") {
                let event = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                return event
            }
            guard let chunk = try await chunks.next() else { return nil }
            pending += String(buffer: chunk)
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
    let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
    #expect(response.status == .ok)
    #expect(response.headers["Content-Type"] == ["text/event-stream"])
    return EventReader(response)
}

/// The tests that load the machine or measure time: one at a time, so that none of them shares
/// the two cores with another (the 1,000-stream test loads both).
@Suite("Streams that load the machine or measure time, one at a time", .serialized)
enum MachineLoadTests {}

extension MachineLoadTests {
    @Suite("Reactor streams over real sockets")
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

        @Test("1,000 streams on 2 event loops run on at most one timer per loop", arguments: Framework.allCases)
        func thousandStreams(framework: Framework) async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1_100
            let probe = Probe()
            let count = 1_000
            try await withServer(framework, probe: probe, group: group) { server in
                try await withClient(HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)) {
                    client in
                    let ready = Probe()
                    let gate = Gate()
                    try await withThrowingTaskGroup(of: Int.self) { tasks in
                        for _ in 0..<count {
                            tasks.addTask {
                                var reader = try await openStream(client, "\(server.base)/reactor?hz=10")
                                var received = 0
                                while received < 4, try await reader.next() != nil { received += 1 }
                                await ready.report("ready")
                                // Keep the stream open until the reactor has been inspected.
                                await gate.wait()
                                return received
                            }
                        }
                        for _ in 0..<count { _ = await ready.next() }
                        // Every stream is open and has had updates: the reactor holds exactly them,
                        // on one timer per event loop for their one interval.
                        #expect(await server.reactor.openStreams() == count)
                        let timers = await server.reactor.activeTimers()
                        #expect(timers >= 1 && timers <= 2, "timers: \(timers)")
                        await gate.release()
                        var delivered = 0
                        for try await received in tasks { delivered += received }
                        #expect(delivered == count * 4)
                    }
                }
                // Closing the client's connections closes every stream, each exactly once.
                var reasons: Set<String> = []
                for _ in 0..<count { reasons.insert(await probe.next()) }
                #expect(
                    reasons.isSubset(of: [
                        "disconnect clientGone skipped=false", "disconnect writeFailed skipped=false",
                    ])
                )
                #expect(await server.reactor.openStreams() == 0)
                #expect(await server.reactor.activeTimers() == 0)
            }
            #expect(await probe.pendingCount() == 0)
            try await group.shutdownGracefully()
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
                let ending = await probe.next()
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
                #expect(await probe.next() == "disconnect updaterThrew skipped=false")
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
                #expect(await probe.next() == "disconnect closedByApp skipped=false")
            }
        }

        @Test("a client that stops reading skips updates and is closed", arguments: Framework.allCases)
        func stalledClient(framework: Framework) async throws {
            let probe = Probe()
            try await withServer(framework, probe: probe) { server in
                let channel = try await openStalledClient(port: server.port, path: "/flood")
                #expect(await probe.next() == "disconnect unwritable skipped=true")
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
                #expect(await probe.next() == "async ended")
                // One keep-alive interval (200 ms) plus scheduling slack.
                #expect(clock.now - start < .milliseconds(600), "took \(clock.now - start)")
            }
        }

        @Test("shutdown with open streams completes within 2 s; every stream is told", arguments: Framework.allCases)
        func shutdown(framework: Framework) async throws {
            let probe = Probe()
            let server = try await TestServer.start(framework, probe: probe)
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 20
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
                try await server.stop()
                #expect(clock.now - start < .seconds(2), "shutdown took \(clock.now - start)")
                var reasons: [String] = []
                for _ in 0..<11 { reasons.append(await probe.next()) }
                #expect(reasons.filter { $0 == "disconnect shutdown skipped=false" }.count == 10)
                #expect(reasons.contains("async ended"))
                // Every stream ended cleanly: each reader reaches the end of its response.
                for index in readers.indices {
                    while try await readers[index].next() != nil {}
                }
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
