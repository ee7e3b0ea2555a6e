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
import NIOConcurrencyHelpers
import Testing

/// The waits the adapter tests rely on to fail instead of hanging.
@Suite("Bounded waits", .timeLimit(.minutes(1)))
struct WaitingTests {
    @Test("a report that does not come fails the wait with what it waited for; a later one is kept")
    func probeDeadline() async throws {
        let probe = Probe()
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: DeadlineExceeded.self) {
            try await probe.next(within: .milliseconds(200), "the answer")
        }
        #expect(clock.now - start >= .milliseconds(200))
        #expect(error?.description == "waited 0.2 seconds for the answer in vain")
        // The wait that ended took nothing with it: the next report goes to the next wait.
        await probe.report("late")
        #expect(try await probe.next(within: .seconds(5)) == "late")
        #expect(await probe.pendingCount() == 0)
    }

    @Test("work that ignores cancellation does not hold the caller past the deadline")
    func uncooperativeWork() async throws {
        let stuck = NIOLockedValueBox<CheckedContinuation<Void, Never>?>(nil)
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(200), "work that never ends") {
                // A wait that cancellation does not end.
                await withCheckedContinuation { continuation in stuck.withLockedValue { $0 = continuation } }
            }
        }
        #expect(clock.now - start < .seconds(10))
        // Let the abandoned work end.
        try await pollUntil(.seconds(5), "the work to start waiting") { stuck.withLockedValue { $0 != nil } }
        stuck.withLockedValue { $0 }?.resume()
    }

    @Test("a wait that finishes in time returns its value; an error inside is rethrown as it is")
    func inTime() async throws {
        #expect(try await withDeadline(.seconds(10), "a number") { 42 } == 42)
        struct Failure: Error {}
        await #expect(throws: Failure.self) {
            try await withDeadline(.seconds(10), "a failure") { throw Failure() }
        }
    }

    @Test("an event that does not come fails the read with the stream's address, and every read after it")
    func eventDeadline() async throws {
        try await withServer(.hummingbird) { server in
            // Only a keep-alive comment every 10 s: nothing arrives within the reader's limit.
            let url = "\(server.base)/quiet?ka=10000"
            let response = try await HTTPClient.test.execute(HTTPClientRequest(url: url), timeout: .seconds(20))
            var reader = EventReader(response, label: url, limit: .milliseconds(300))
            let first = await #expect(throws: DeadlineExceeded.self) { _ = try await reader.next() }
            #expect(first?.what == "an event on \(url)")
            await #expect(throws: DeadlineExceeded.self) { _ = try await reader.next() }
        }
    }
}
