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
import ServiceLifecycle
import Testing

@testable import DatastarPostgres

extension PostgresTests {
    /// Over the PostgreSQL that scripts/test starts (DATASTAR_TEST_POSTGRES_URL). Serialized: one
    /// test restarts the server.
    @Suite(
        "PostgresBackplane over a real PostgreSQL",
        .serialized,
        .timeLimit(.minutes(1)),
        .enabled(
            if: TestDatabase.isAvailable,
            "DATASTAR_TEST_POSTGRES_URL is not set; scripts/test starts a throwaway PostgreSQL and sets it"
        )
    )
    struct PostgresBackplaneTests {
        let channel = uniqueName("hub")
        let table = uniqueName("payloads")

        @Test("a message from A reaches B exactly once and not A; 100 messages keep their order")
        func deliveryAndOrder() async throws {
            let (a, inboxA) = try makeBackplane(origin: "A", channel: channel, table: table)
            let (b, inboxB) = try makeBackplane(origin: "B", channel: channel, table: table)
            try await running([a, b]) {
                try await a.waitUntilReady()
                try await b.waitUntilReady()

                let sent = (1...100).map { message("orders", "data: \($0)\n\n", eventID: "\($0)", origin: "A") }
                for message in sent { a.publish(message) }
                a.publish(message("orders", "data: end\n\n", eventID: "end", origin: "A"))
                let atB = try await inboxB.waitFor(101)
                #expect(Array(atB.prefix(100)) == sent)
                #expect(atB[100].eventID == "end", "no message arrived twice")

                // A's own messages come back to A's listener, which drops them: once A has B's
                // reply (sent after B had all of A's), A has seen all of its own.
                b.publish(message("replies", "data: from B\n\n", eventID: "b1", origin: "B"))
                let atA = try await inboxA.waitFor(1)
                #expect(atA.map(\.eventID) == ["b1"])
                a.publish(message("orders", "data: after\n\n", eventID: "after", origin: "A"))
                let atBAgain = try await inboxB.waitFor(102)
                #expect(atBAgain.count == 102)
                #expect(atBAgain[101].eventID == "after", "B did not receive its own message")
                #expect(inboxA.messages.count == 1)
            }
            try await TestDatabase.dropTable(table)
        }

        @Test("large payloads cross intact through the table; the threshold is exact")
        func largePayloads() async throws {
            let (a, _) = try makeBackplane(origin: "A", channel: channel, table: table)
            let (b, inboxB) = try makeBackplane(origin: "B", channel: channel, table: table)
            let topic = "room 42 | 100% ünïcødé 🙂"
            let eventID = "évènement|%7C%|=1"
            let coalescingKey = "clé | 50%"
            func sized(_ encodedBytes: Int, _ id: String) -> HubMessage {
                var m = message(topic, "", eventID: "\(eventID)-\(id)", coalescingKey: coalescingKey, origin: "A")
                let header = WireFormat.encode(m).utf8.count
                let (start, end) = ("data: ", "|%é\n\n")
                let padding = encodedBytes - header - start.utf8.count - end.utf8.count
                m.payload = ByteBuffer(string: start + String(repeating: "x", count: padding) + end)
                #expect(WireFormat.encode(m).utf8.count == encodedBytes)
                return m
            }
            let unit = "event: datastar-patch-elements\ndata: elements <li>ünïcødé 🙂 | 100% %7C</li>\n\n"
            var big = message(topic, "", eventID: eventID, coalescingKey: coalescingKey, origin: "A")
            big.payload = ByteBuffer(string: String(repeating: unit, count: 50 * 1024 / unit.utf8.count + 1))
            #expect(big.payload.readableBytes > 50 * 1024)
            var binary = message("binary", "", eventID: "bin", origin: "A")
            binary.payload = ByteBuffer(bytes: (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })

            try await running([a, b]) {
                try await a.waitUntilReady()
                try await b.waitUntilReady()
                let cases: [(HubMessage, storedRows: Int)] = [
                    (sized(7_900, "at"), 0),  // at the threshold: inline
                    (sized(7_901, "above"), 1),  // one byte above: through the table
                    (big, 2),
                    (binary, 3),
                ]
                for (index, (sent, rows)) in cases.enumerated() {
                    a.publish(sent)
                    let received = try await inboxB.waitFor(index + 1)[index]
                    #expect(received == sent)
                    #expect(Array(received.payload.readableBytesView) == Array(sent.payload.readableBytesView))
                    let stored = try await TestDatabase.rowCount(table: table)
                    #expect(stored == rows, "rows in the payload table after \(sent.eventID ?? "")")
                }
            }
            try await TestDatabase.dropTable(table)
        }

        @Test(
            "after a server restart both reconnect; what was queued during the outage arrives",
            .enabled(if: TestDatabase.canRestart, "DATASTAR_TEST_POSTGRES_RESTART is not set")
        )
        func restart() async throws {
            let (a, inboxA) = try makeBackplane(origin: "A", channel: channel, table: table)
            let (b, inboxB) = try makeBackplane(origin: "B", channel: channel, table: table)
            // Hold A's sender back until B listens again: NOTIFY does not replay, so what A sent
            // before B listened again would be lost — by design, and not what this test checks.
            let gate = Gate()
            a.setBeforeSenderReconnect { await gate.wait() }
            try await running([a, b]) {
                try await a.waitUntilReady()
                try await b.waitUntilReady()
                a.publish(message("t", "before", eventID: "before", origin: "A"))
                _ = try await inboxB.waitFor(1)
                let before = (a: a.status, b: b.status)

                let restart = Task { try await TestDatabase.restart() }
                try await a.waitFor("A's sender to notice the restart") { !$0.isSenderConnected }
                a.publish(message("t", "during", eventID: "during", origin: "A"))
                #expect(a.queuedMessageCount == 1)
                #expect(try await withTimeout(60, "the restart command") { try await restart.value } == 0)

                try await b.waitFor("B to listen again") { $0.isListening && $0.listenCount > before.b.listenCount }
                await gate.release()
                try await a.waitFor("A's sender to reconnect") {
                    $0.isSenderConnected && $0.senderConnectCount > before.a.senderConnectCount
                }
                #expect(try await inboxB.waitFor(2).map(\.eventID) == ["before", "during"])

                a.publish(message("t", "after", eventID: "after", origin: "A"))
                #expect(try await inboxB.waitFor(3).map(\.eventID) == ["before", "during", "after"])

                try await a.waitFor("A to listen again") { $0.isListening && $0.listenCount > before.a.listenCount }
                try await b.waitFor("B's sender to reconnect") { $0.isSenderConnected }
                b.publish(message("t", "from B", eventID: "b-after", origin: "B"))
                #expect(try await inboxA.waitFor(1).map(\.eventID) == ["b-after"])
                #expect(a.droppedMessageCount == 0)
            }
            try await TestDatabase.dropTable(table)
        }

        @Test("expired large-payload rows are deleted")
        func cleanup() async throws {
            var options = PostgresBackplane.Options()
            options.payloadRetention = .milliseconds(300)
            options.cleanupInterval = .milliseconds(100)
            let (a, _) = try makeBackplane(origin: "A", channel: channel, table: table, options: options)
            let (b, inboxB) = try makeBackplane(origin: "B", channel: channel, table: table)
            try await running([a, b]) {
                try await a.waitUntilReady()
                try await b.waitUntilReady()
                let large = message("t", String(repeating: "y", count: 20_000), eventID: "large", origin: "A")
                a.publish(large)
                a.publish(large)
                #expect(try await inboxB.waitFor(2) == [large, large])
                // Nothing to await from the database but the rows' absence: poll it, bounded.
                try await withTimeout(10, "the rows to be deleted") {
                    while try await TestDatabase.rowCount(table: table) > 0 {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
            }
            try await TestDatabase.dropTable(table)
        }

        @Test("an unreadable notification is logged and skipped; delivery goes on")
        func unreadable() async throws {
            let (a, _) = try makeBackplane(origin: "A", channel: channel, table: table)
            let (b, inboxB) = try makeBackplane(origin: "B", channel: channel, table: table)
            try await running([a, b]) {
                try await a.waitUntilReady()
                try await b.waitUntilReady()
                try await TestDatabase.withConnection { connection in
                    for junk in ["garbage", "ds1|i|broken", "ds9|i|o|t|||x", "ds1|r|C|999999999", "ds1|b|C|t|||@@@"] {
                        _ = try await connection.query("SELECT pg_notify(\(channel), \(junk))", logger: testLogger)
                            .collect()
                    }
                }
                let fine = message("t", "data: fine\n\n", eventID: "fine", origin: "A")
                a.publish(fine)
                #expect(try await inboxB.waitFor(1) == [fine])
                #expect(b.status.isListening)
                #expect(b.status.listenCount == 1, "no reconnection either")
            }
            try await TestDatabase.dropTable(table)
        }

        @Test("messages published before run() are sent when it starts; the bound drops the rest")
        func queuedBeforeRun() async throws {
            var options = PostgresBackplane.Options()
            options.maxQueuedMessages = 5
            let (a, _) = try makeBackplane(origin: "A", channel: channel, table: table, options: options)
            let (b, inboxB) = try makeBackplane(origin: "B", channel: channel, table: table)
            try await running([b]) {
                try await b.waitUntilListening()
                let sent = (1...8).map { message("t", "data: \($0)\n\n", eventID: "\($0)", origin: "A") }
                for message in sent { a.publish(message) }
                #expect(a.queuedMessageCount == 5)
                #expect(a.droppedMessageCount == 3)
                try await running([a]) {
                    let received = try await inboxB.waitFor(5)
                    #expect(received == Array(sent.prefix(5)))
                }
            }
            try await TestDatabase.dropTable(table)
        }

        @Test("identical messages in one batch are all delivered (PostgreSQL folds equal notifications)")
        func identicalMessages() async throws {
            let (a, _) = try makeBackplane(origin: "A", channel: channel, table: table)
            let (b, inboxB) = try makeBackplane(origin: "B", channel: channel, table: table)
            let same = message("t", "data: same\n\n", origin: "A")
            for _ in 0..<10 { a.publish(same) }  // queued before run: they go out in batches
            try await running([b]) {
                try await b.waitUntilListening()
                try await running([a]) {
                    let received = try await inboxB.waitFor(10)
                    #expect(received == Array(repeating: same, count: 10))
                }
            }
            try await TestDatabase.dropTable(table)
        }

        @Test("graceful shutdown sends what is queued, then run() returns")
        func gracefulShutdown() async throws {
            let (a, _) = try makeBackplane(origin: "A", channel: channel, table: table)
            let (b, inboxB) = try makeBackplane(origin: "B", channel: channel, table: table)
            try await running([b]) {
                try await b.waitUntilListening()
                let group = ServiceGroup(services: [a], logger: testLogger)
                let service = Task { try await group.run() }
                defer { service.cancel() }
                try await a.waitUntilReady()
                let sent = (1...200).map { message("t", "data: \($0)\n\n", eventID: "\($0)", origin: "A") }
                for message in sent { a.publish(message) }
                let shutdown = ContinuousClock.now
                await group.triggerGracefulShutdown()
                try await withTimeout(5, "the service group to stop") { try await service.value }
                #expect(ContinuousClock.now - shutdown < .seconds(2))
                #expect(a.queuedMessageCount == 0)
                #expect(try await inboxB.waitFor(200) == sent)
            }
            try await TestDatabase.dropTable(table)
        }
    }
}
