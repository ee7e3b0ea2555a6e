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

import NIOConcurrencyHelpers

// Waits that end: every wait of the adapter tests is on an event, and every one is bounded, so
// that a test that cannot get what it waits for fails with what it waited for instead of hanging.

/// A wait that took longer than its limit.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var what: String
    var limit: Duration
    var description: String { "waited \(limit) for \(what) in vain" }
}

/// Runs `body` and returns what it returns, or throws ``DeadlineExceeded`` once `limit` has
/// passed (cancelling `body`).
///
/// The caller is resumed at the deadline even if `body` ignores cancellation: such a `body` is
/// left behind, still running, and the test fails instead of hanging. `body` runs in a task that
/// inherits the caller's task-local values (the current test, for `#expect`), and is cancelled
/// when the caller is.
func withDeadline<T: Sendable>(
    _ limit: Duration,
    _ what: @autoclosure () -> String,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>(what: what(), limit: limit)
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, body)
        }
    } onCancel: {
        race.cancel()
    }
}

/// The two tasks of ``withDeadline(_:_:_:)`` and the continuation that the first to end
/// resumes.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
        var cancelled = false
    }

    private let state = NIOLockedValueBox(State())
    private let what: String
    private let limit: Duration

    init(what: String, limit: Duration) {
        self.what = what
        self.limit = limit
    }

    func start(_ continuation: CheckedContinuation<T, any Error>, _ body: @escaping @Sendable () async throws -> T) {
        state.withLockedValue { $0.continuation = continuation }
        let work = Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            self.finish(result)
        }
        let timer = Task {
            // The deadline itself: the one sleep here that is meant as one.
            do { try await Task.sleep(for: limit) } catch { return }
            self.finish(.failure(DeadlineExceeded(what: what, limit: limit)))
        }
        let cancelled = state.withLockedValue { state in
            state.work = work
            state.timer = timer
            return state.cancelled
        }
        if cancelled { work.cancel() }
    }

    func cancel() {
        let work = state.withLockedValue { state in
            state.cancelled = true
            return state.work
        }
        work?.cancel()
    }

    private func finish(_ result: Result<T, any Error>) {
        let (continuation, work, timer) = state.withLockedValue { state in
            defer { state.continuation = nil }
            return (state.continuation, state.work, state.timer)
        }
        guard let continuation else { return }
        work?.cancel()
        timer?.cancel()
        continuation.resume(with: result)
    }
}

/// Polls `condition` every few milliseconds until it holds, and throws ``DeadlineExceeded``
/// if it does not within `limit`. Only for what has no event to wait on (a count the library
/// exposes as a plain property, say); the caller says why in a comment.
func pollUntil(
    _ limit: Duration,
    _ what: @autoclosure () -> String,
    every interval: Duration = .milliseconds(5),
    until condition: @escaping @Sendable () async -> Bool
) async throws {
    try await withDeadline(limit, what()) {
        while await !condition() {
            try await Task.sleep(for: interval)
        }
    }
}

/// What a test route reports back to the test: the events a stream sent before it ended and
/// how it ended. The test reads reports one at a time, each within a time limit.
actor Probe {
    private var messages: [String] = []
    private var waiters: [(id: Int, continuation: CheckedContinuation<String, any Error>)] = []
    private var nextID = 0

    func report(_ message: String) {
        if waiters.isEmpty {
            messages.append(message)
        } else {
            waiters.removeFirst().continuation.resume(returning: message)
        }
    }

    /// How many reports wait to be read.
    func pendingCount() -> Int { messages.count }

    /// The next report; throws ``DeadlineExceeded`` (naming `what`) if none comes within
    /// `limit`, and `CancellationError` if the task is cancelled first. A report never goes to
    /// a wait that has ended: the next one gets it.
    func next(within limit: Duration = .seconds(20), _ what: String = "a report from the server") async throws -> String
    {
        if !messages.isEmpty { return messages.removeFirst() }
        let id = nextID
        nextID += 1
        let timer = Task {
            do { try await Task.sleep(for: limit) } catch { return }
            self.end(id, DeadlineExceeded(what: what, limit: limit))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.end(id, CancellationError()) }
        }
    }

    /// Ends the wait `id` with `error`, unless a report has ended it already.
    private func end(_ id: Int, _ error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }
}

/// A gate a stream waits on until the test opens it.
actor Gate {
    private var open = false
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextID = 0

    /// Returns once the gate is open, or once the waiting task is cancelled (a route whose
    /// client has gone, a server that stops, a test past its deadline): a closed gate holds
    /// nothing forever.
    func wait() async {
        if open { return }
        let id = nextID
        nextID += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }

    func release() {
        open = true
        for waiter in waiters.values { waiter.resume() }
        waiters.removeAll()
    }
}
