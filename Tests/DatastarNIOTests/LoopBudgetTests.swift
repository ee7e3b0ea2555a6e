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
import DatastarNIO
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

/// The reactor's timers and the hub's deliveries work in runs of a budget and give the loop
/// back to I/O between runs; these tests check, in virtual time, that nothing is visited twice
/// or skipped in a round, that order stays fair, and that a task queued meanwhile runs before
/// the rest of the round.
@Suite("Loop task budget: yielding to I/O, on a testing event loop", .timeLimit(.minutes(1)))
struct LoopBudgetTests {
    let loop = NIOAsyncTestingEventLoop()

    init() {
        _ = testMetrics
    }

    /// Registers `count` streams that record their id at each update; returns the transports
    /// and the ids, in registration order.
    func register(
        _ count: Int,
        reactor: DatastarReactor,
        visits: NIOLockedValueBox<[UInt64]>,
        every interval: Duration = .milliseconds(100)
    ) async -> (transports: [RecordingTransport], ids: [UInt64]) {
        var transports: [RecordingTransport] = []
        var ids: [UInt64] = []
        for _ in 0..<count {
            let transport = RecordingTransport(loop: loop)
            let id = reactor.makeConnectionID()
            reactor.register(
                DatastarStream(every: interval, keepAlive: .seconds(60), reactor: reactor) { sse in
                    visits.withLockedValue { $0.append(sse.id) }
                    try sse.send(.patchSignals(#"{"n":\#(sse.updates)}"#))
                },
                id: id,
                transport: transport
            )
            transports.append(transport)
            ids.append(id)
        }
        await loop.run()
        return (transports, ids)
    }

    @Test("a firing visits its slot in runs of the budget; a task queued meanwhile runs before the rest")
    func firingYields() async throws {
        let reactor = DatastarReactor(
            name: "budget-yields",
            maxSlots: 1,
            taskBudget: LoopTaskBudget(connections: 3, time: nil)
        )
        let visits = NIOLockedValueBox<[UInt64]>([])
        let (transports, _) = await register(10, reactor: reactor, visits: visits)
        let start = loop.now

        // The firing's first run: three connections, then the loop is given back.
        await loop.advanceTime(to: start + .milliseconds(100))
        #expect(visits.withLockedValue { $0.count } == 3)
        // "I/O" that arrived meanwhile: runs before the round goes on.
        let order = NIOLockedValueBox<[String]>([])
        loop.execute { order.withLockedValue { $0.append("io at \(visits.withLockedValue { $0.count })") } }
        await loop.advanceTime(by: .milliseconds(1))
        #expect(order.withLockedValue { $0 } == ["io at 3"])
        #expect(visits.withLockedValue { $0.count } == 10)
        // Every connection once in the round.
        #expect(transports.allSatisfy { $0.written.count == 1 })
        #expect(Set(visits.withLockedValue { $0 }).count == 10)
        await reactor.shutdown()
    }

    @Test("over many rounds every connection is visited once per round, in the same order")
    func fairAcrossRounds() async throws {
        let reactor = DatastarReactor(
            name: "budget-fair",
            maxSlots: 1,
            taskBudget: LoopTaskBudget(connections: 4, time: nil)
        )
        let visits = NIOLockedValueBox<[UInt64]>([])
        let (transports, ids) = await register(10, reactor: reactor, visits: visits)
        await loop.advanceTime(by: .milliseconds(550))
        let all = visits.withLockedValue { $0 }
        #expect(all.count == 50)
        let rounds = stride(from: 0, to: all.count, by: 10).map { Array(all[$0..<$0 + 10]) }
        for round in rounds {
            #expect(Set(round) == Set(ids), "a round visited \(round)")
            #expect(round == rounds[0], "the order changed between rounds")
        }
        #expect(transports.allSatisfy { $0.written.count == 5 })
        await reactor.shutdown()
    }

    @Test("a close between two runs of a round neither repeats nor skips another connection")
    func closeBetweenRuns() async throws {
        let reactor = DatastarReactor(
            name: "budget-close",
            maxSlots: 1,
            taskBudget: LoopTaskBudget(connections: 3, time: nil)
        )
        let visits = NIOLockedValueBox<[UInt64]>([])
        let (transports, ids) = await register(10, reactor: reactor, visits: visits)
        let start = loop.now
        await loop.advanceTime(to: start + .milliseconds(100))
        let first = visits.withLockedValue { $0 }
        #expect(first.count == 3)
        // Close one not yet visited: the last connection (already visited) takes its place.
        let unvisited = try #require(ids.first { !first.contains($0) })
        reactor.close(id: unvisited, on: loop, reason: .closedByApp)
        await loop.advanceTime(by: .milliseconds(1))
        let round = visits.withLockedValue { $0 }
        #expect(round.count == 9, "\(round)")
        #expect(Set(round) == Set(ids).subtracting([unvisited]))
        // The next round visits the nine once each.
        await loop.advanceTime(to: start + .milliseconds(201))
        let next = Array(visits.withLockedValue { $0 }.dropFirst(9))
        #expect(next.count == 9)
        #expect(Set(next) == Set(ids).subtracting([unvisited]))
        #expect(transports.filter { $0.written.count == 2 }.count == 9)
        await reactor.shutdown()
    }

    @Test("a connection added during a round waits for the next one")
    func addDuringRound() async throws {
        let reactor = DatastarReactor(
            name: "budget-add",
            maxSlots: 1,
            taskBudget: LoopTaskBudget(connections: 2, time: nil)
        )
        let visits = NIOLockedValueBox<[UInt64]>([])
        let (_, ids) = await register(4, reactor: reactor, visits: visits)
        let start = loop.now
        await loop.advanceTime(to: start + .milliseconds(100))
        #expect(visits.withLockedValue { $0.count } == 2)
        let (_, added) = await register(1, reactor: reactor, visits: visits)
        await loop.advanceTime(by: .milliseconds(1))
        let round = visits.withLockedValue { $0 }
        #expect(Set(round) == Set(ids), "\(round)")
        await loop.advanceTime(to: start + .milliseconds(201))
        let next = Array(visits.withLockedValue { $0 }.dropFirst(4))
        #expect(Set(next) == Set(ids + added))
        await reactor.shutdown()
    }

    @Test("the hub writes a message to its subscribers in runs; each gets every message once, in order")
    func hubDeliveryYields() async throws {
        let reactor = DatastarReactor(name: "budget-hub")
        let hub = DatastarHub(name: "budget-hub", taskBudget: LoopTaskBudget(connections: 4, time: nil))
        var transports: [RecordingTransport] = []
        for _ in 0..<10 {
            let transport = RecordingTransport(loop: loop)
            reactor.register(DatastarStream(subscribingTo: ["t"], on: hub, reactor: reactor), transport: transport)
            transports.append(transport)
        }
        await loop.run()
        let all = transports
        try hub.publish(.patchSignals(#"{"m":1}"#), to: "t")
        try hub.publish(.patchSignals(#"{"m":2}"#), to: "t")
        let order = NIOLockedValueBox<[Int]>([])
        await loop.run()
        // The first run wrote to four subscribers and yielded.
        #expect(transports.map(\.written.count).reduce(0, +) == 4)
        loop.execute {
            order.withLockedValue { $0.append(all.map(\.written.count).reduce(0, +)) }
        }
        await loop.advanceTime(by: .milliseconds(1))
        #expect(order.withLockedValue { $0 } == [4])
        let one = "event: datastar-patch-signals\ndata: signals {\"m\":1}\n\n"
        let two = "event: datastar-patch-signals\ndata: signals {\"m\":2}\n\n"
        for transport in transports {
            #expect(transport.written == [one, two])
        }
        await reactor.shutdown()
    }

    @Test("a subscriber closed while a message is half written does not get it; the others do, once")
    func hubCloseMidMessage() async throws {
        let reactor = DatastarReactor(name: "budget-hub-close")
        let hub = DatastarHub(name: "budget-hub-close", taskBudget: LoopTaskBudget(connections: 3, time: nil))
        var transports: [RecordingTransport] = []
        var ids: [UInt64] = []
        for _ in 0..<8 {
            let transport = RecordingTransport(loop: loop)
            let id = reactor.makeConnectionID()
            reactor.register(
                DatastarStream(subscribingTo: ["t"], on: hub, reactor: reactor),
                id: id,
                transport: transport
            )
            transports.append(transport)
            ids.append(id)
        }
        await loop.run()
        try hub.publish(.patchSignals(#"{"m":1}"#), to: "t")
        await loop.run()
        let unwritten = try #require(transports.indices.first { transports[$0].written.isEmpty })
        reactor.close(id: ids[unwritten], on: loop, reason: .closedByApp)
        await loop.advanceTime(by: .milliseconds(1))
        for (index, transport) in transports.enumerated() {
            #expect(transport.written.count == (index == unwritten ? 0 : 1))
        }
        await reactor.shutdown()
    }
}
