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
import NIOPosix
import Testing

/// The signals event the test routes publish.
func published(_ n: Int, pad: Int = 0, id: String? = nil) -> String {
    let idLine = id.map { "id: \($0)\n" } ?? ""
    let padding = String(repeating: "x", count: pad)
    return "event: datastar-patch-signals\n\(idLine)data: signals {\"n\":\(n),\"pad\":\"\(padding)\"}"
}

/// POSTs `/hub/publish` and expects 204.
func publishOverHTTP(_ base: String, topic: String = "t", n: Int, id: String? = nil, pad: Int = 0) async throws {
    var url = "\(base)/hub/publish?topic=\(queryEncode(topic))&n=\(n)&pad=\(pad)"
    if let id { url += "&id=\(queryEncode(id))" }
    let response = try await HTTPClient.test.fetch(url, method: .POST)
    #expect(response.status == 204)
}

/// Opens a hub subscription, optionally resuming, and reads its `onConnect` event
/// (`{"resume":...}`) after whatever was replayed; returns the reader, the replayed events and
/// the resume kind.
func subscribe(
    _ base: String,
    topic: String = "t",
    lastEventID: String? = nil
) async throws -> (reader: EventReader, replayed: [String], resume: String) {
    var request = HTTPClientRequest(url: "\(base)/hub/sub?topic=\(queryEncode(topic))")
    if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
    let response = try await HTTPClient.test.execute(request, timeout: .seconds(20))
    #expect(response.status == .ok)
    var reader = EventReader(response, label: "the subscription to \(topic)")
    var replayed: [String] = []
    while let event = try await reader.next() {
        if let range = event.range(of: #"{"resume":""#) {
            let resume = event[range.upperBound...].dropLast(2)
            return (reader, replayed, String(resume))
        }
        replayed.append(event)
    }
    Issue.record("the subscription ended before onConnect's event")
    return (reader, replayed, "")
}

extension MachineLoadTests {
    /// With the other tests that load the machine: the slow-client test measures time.
    @Suite("Hub subscriptions over real sockets", .timeLimit(.minutes(2)))
    struct HubTests {
        @Test("a publish reaches every subscriber, on every event loop, in order", arguments: Framework.allCases)
        func fanOut(framework: Framework) async throws {
            try await withServer(framework) { server in
                // Six streams (HTTPClient.test keeps at most eight connections per host), spread
                // over the server's two event loops.
                var readers: [EventReader] = []
                for _ in 0..<6 {
                    let subscription = try await subscribe(server.base)
                    #expect(subscription.resume == "fresh")
                    readers.append(subscription.reader)
                }
                #expect(server.hub.subscriberCount(of: "t") == 6)
                for n in 1...5 { try await publishOverHTTP(server.base, n: n) }
                for index in readers.indices {
                    for n in 1...5 {
                        #expect(try await readers[index].next() == published(n))
                    }
                }
            }
        }

        @Test(
            "resume: a client that reconnects with Last-Event-ID gets exactly what it missed",
            arguments: Framework.allCases
        )
        func resume(framework: Framework) async throws {
            try await withServer(framework) { server in
                var first = try await subscribe(server.base).reader
                for n in 1...3 { try await publishOverHTTP(server.base, n: n, id: "e\(n)") }
                var lastID: String?
                for n in 1...3 {
                    let event = try await first.next()
                    #expect(event == published(n, id: "e\(n)"))
                    lastID = event?.split(separator: "\n").first { $0.hasPrefix("id: ") }.map {
                        String($0.dropFirst(4))
                    }
                }
                #expect(lastID == "e3")
                // Meanwhile, other events are published: to the topic, and to another one.
                for n in 4...7 { try await publishOverHTTP(server.base, n: n, id: "e\(n)") }
                try await publishOverHTTP(server.base, topic: "other", n: 100, id: "o1")

                let back = try await subscribe(server.base, lastEventID: lastID)
                #expect(back.resume == "replayed:4")
                #expect(back.replayed == (4...7).map { published($0, id: "e\($0)") })
                var reader = back.reader
                try await publishOverHTTP(server.base, n: 8, id: "e8")
                #expect(try await reader.next() == published(8, id: "e8"))

                let unknown = try await subscribe(server.base, lastEventID: "not-an-id")
                #expect(unknown.resume == "gap")
                #expect(unknown.replayed.isEmpty)
            }
        }

        @Test(
            "a client that stops reading is cut at its backlog limit; the others keep receiving on time",
            arguments: Framework.allCases
        )
        func stalledSubscriber(framework: Framework) async throws {
            let probe = Probe()
            try await withServer(framework, probe: probe) { server in
                let pad = 4 << 10
                let start = ContinuousClock.now
                let base = server.base
                // Four healthy clients read every event; each returns how many it read and the
                // worst delay it saw.
                let readers = Task {
                    try await withThrowingTaskGroup(of: (count: Int, worst: Duration).self) { group in
                        for _ in 0..<4 {
                            group.addTask {
                                var reader = try await subscribe(base, topic: "load").reader
                                var count = 0
                                var worst = Duration.zero
                                // Until the last event (`"n":-1`), published after the others.
                                while let event = try await reader.next(), !event.contains(#""n":-1,"#) {
                                    guard let stamp = event.firstMatch(of: /"n":(\d+)/)?.1, let micros = Int(stamp)
                                    else { continue }
                                    count += 1
                                    worst = max(worst, (ContinuousClock.now - start) - .microseconds(micros))
                                }
                                return (count, worst)
                            }
                        }
                        var results: [(count: Int, worst: Duration)] = []
                        for try await result in group { results.append(result) }
                        return results
                    }
                }
                // The hub counts subscribers but tells no one when the count changes: poll it.
                let hub = server.hub
                let stalled: any Channel
                do {
                    try await pollUntil(.seconds(20), "4 healthy subscribers") { hub.subscriberCount(of: "load") >= 4 }
                    stalled = try await openStalledClient(port: server.port, path: "/hub/sub?topic=load&limit=65536")
                    try await pollUntil(.seconds(20), "the stalled subscriber") { hub.subscriberCount(of: "load") >= 5 }
                } catch {
                    readers.cancel()
                    throw error
                }

                // Publish 4 KiB events, each stamped with its time, one a millisecond (the sleep
                // paces the publisher), until the stalled client is cut (at most 4,000 events:
                // 16 MiB).
                let routes = ReactorRoutes(reactor: server.reactor, probe: probe, hub: server.hub)
                let publisher = Task {
                    var n = 0
                    while n < 4000, !Task.isCancelled {
                        n += 1
                        let micros = (ContinuousClock.now - start) / .microseconds(1)
                        try routes.publish(topic: "load", n: Int(micros), id: nil, pad: pad)
                        do { try await Task.sleep(for: .milliseconds(1)) } catch { break }
                    }
                    return n
                }
                let cut: String
                do {
                    cut = try await probe.next(within: .seconds(30), "the stalled client to be cut")
                } catch {
                    publisher.cancel()
                    readers.cancel()
                    try? await stalled.close()
                    throw error
                }
                #expect(cut.hasPrefix("disconnect backlog"), "\(cut)")
                let cutAfter = ContinuousClock.now - start
                publisher.cancel()
                let sent = (try? await publisher.value) ?? -1
                #expect(sent < 4000, "the stalled client was cut after \(cutAfter)")
                try await stalled.close()
                // The last event ends the healthy readers; then look at what they got.
                try routes.publish(topic: "load", n: -1, id: nil, pad: 0)
                let results = try await readers.value
                #expect(results.count == 4)
                for result in results {
                    print(
                        "\(framework): stalled client cut after \(cutAfter); a healthy client read \(result.count) events, worst delay \(result.worst)"
                    )
                    #expect(result.count == sent)
                    // A stalled client that held up the others would delay them until it was cut
                    // for good (its unwritable timeout, 30 s); 2 s leaves room for a loaded
                    // machine (other tests, builds) without hiding that.
                    #expect(result.worst < .seconds(2), "worst delay \(result.worst) for a healthy client")
                }
            }
        }

        @Test(
            "small events: a client that stops reading is cut near its backlog limit, however big the socket's buffer",
            arguments: Framework.allCases
        )
        func stalledSubscriberSmallEvents(framework: Framework) async throws {
            // On HTTP/1.1 the stream's channel is the socket, whose unsent bytes count (on Vapor,
            // the channel found under its body writer).
            let probe = Probe()
            try await withServer(framework, probe: probe) { server in
                let limit = 16 << 10
                let hub = server.hub
                let stalled = try await openStalledClient(
                    port: server.port,
                    path: "/hub/sub?topic=small&limit=\(limit)"
                )
                try await pollUntil(.seconds(20), "the stalled subscriber") { hub.subscriberCount(of: "small") >= 1 }
                // ~100-byte events, ten a millisecond, until the client is cut (at most 20,000:
                // 2 MB, less than Linux lets a socket's send buffer grow to).
                let routes = ReactorRoutes(reactor: server.reactor, probe: probe, hub: hub)
                let publisher = Task {
                    var n = 0
                    while n < 20_000, !Task.isCancelled {
                        n += 1
                        try routes.publish(topic: "small", n: n, id: nil, pad: 40)
                        if n % 10 == 0 {
                            do { try await Task.sleep(for: .milliseconds(1)) } catch { break }
                        }
                    }
                    return n
                }
                let cut: String
                do {
                    cut = try await probe.next(within: .seconds(60), "the stalled client to be cut")
                } catch {
                    publisher.cancel()
                    try? await stalled.close()
                    throw error
                }
                publisher.cancel()
                let sent = (try? await publisher.value) ?? -1
                try await stalled.close()
                #expect(cut == "disconnect backlogExceeded skipped=false")
                // What was published before the cut: the limit, a quarter more (how often the
                // socket is asked), and what the client's small receive buffer took.
                let bytes = sent * (published(sent, pad: 40).utf8.count + 2)
                print("small events: the stalled client was cut after \(sent) events, \(bytes) bytes; limit \(limit)")
                #expect(bytes > limit && bytes < limit + limit / 4 + (64 << 10), "\(bytes) bytes before the cut")
            }
        }
    }
}
