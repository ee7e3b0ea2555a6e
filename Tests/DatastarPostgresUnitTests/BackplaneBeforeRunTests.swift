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

import DatastarPostgres
import Logging
import Testing

/// What a backplane does without a database: before ``PostgresBackplane/run()``, or without
/// ever running it.
@Suite("PostgresBackplane before run(): attach, publish, wait", .timeLimit(.minutes(1)))
struct BackplaneBeforeRunTests {
    @Test("a second attach is ignored with an error log: the first hub keeps the backplane")
    func secondAttach() throws {
        let logs = CapturedLogs()
        let backplane = try PostgresBackplane(url: "postgres://user@localhost/db", logger: logs.logger)
        backplane.attach(origin: "first") { _ in }
        #expect(logs.records.isEmpty, "the first attach logs nothing")

        backplane.attach(origin: "second") { _ in }
        backplane.attach(origin: "third") { _ in }
        let records = logs.records
        #expect(records.map(\.level) == [.error, .error])
        // Each later attach names "first" as the origin in place: "second" did not replace it.
        #expect(records.map { $0.metadata["datastar.postgres.origin"] } == [.string("first"), .string("first")])
        #expect(
            records.map { $0.metadata["datastar.postgres.ignored_origin"] } == [.string("second"), .string("third")]
        )
    }

    @Test("the queue is bounded by count and by bytes; what does not fit is dropped with an error log")
    func boundedQueue() throws {
        var options = PostgresBackplane.Options()
        options.maxQueuedMessages = 3
        let logs = CapturedLogs()
        let byCount = try PostgresBackplane(url: "postgres://user@localhost/db", options: options, logger: logs.logger)
        for index in 0..<5 {
            byCount.publish(message("t", "payload \(index)", eventID: "\(index)", origin: "o"))
        }
        #expect(byCount.queuedMessageCount == 3)
        #expect(byCount.droppedMessageCount == 2)
        let drops = logs.records.filter { $0.level == .error }
        #expect(drops.map { $0.metadata["datastar.postgres.event_id"] } == [.string("3"), .string("4")])
        #expect(drops.allSatisfy { $0.metadata["datastar.postgres.topic"] == .string("t") })

        options = PostgresBackplane.Options()
        options.maxQueuedBytes = 3_000
        let byBytes = try PostgresBackplane(url: "postgres://user@localhost/db", options: options)
        let kilobyte = String(repeating: "x", count: 1_000)
        for index in 0..<5 {
            byBytes.publish(message("t", kilobyte, eventID: "\(index)", origin: "o"))
        }
        #expect(byBytes.queuedMessageCount == 2)
        #expect(byBytes.droppedMessageCount == 3)
    }

    @Test("waitForStatus returns at once when its condition holds already")
    func waitReturnsAtOnce() async throws {
        let backplane = try PostgresBackplane(url: "postgres://user@localhost/db")
        try await backplane.waitForStatus { $0 == PostgresBackplane.Status() }
        #expect(backplane.status == PostgresBackplane.Status())
    }

    @Test("waitForStatus ends with CancellationError when its task is cancelled")
    func waitCancels() async throws {
        let backplane = try PostgresBackplane(url: "postgres://user@localhost/db")
        let task = Task { try await backplane.waitUntilListening() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
