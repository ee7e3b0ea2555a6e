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
import DatastarHummingbird
import DatastarNIO
import DatastarVapor
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// How many events each test stream (by key) has been asked to send, for the compression tests:
/// the client triggers event n, then waits until it has decoded it.
final class Triggers: Sendable {
    private struct State {
        var counts: [String: Int] = [:]
        var waiters: [(id: Int, key: String, count: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    func count(_ key: String) -> Int {
        state.withLockedValue { $0.counts[key, default: 0] }
    }

    /// Raises the count of `key` to `n` and wakes whoever waited for it.
    func trigger(_ key: String, n: Int) {
        let ready = state.withLockedValue { state in
            state.counts[key] = max(state.counts[key, default: 0], n)
            let count = state.counts[key]!
            let ready = state.waiters.filter { $0.key == key && $0.count <= count }
            state.waiters.removeAll { $0.key == key && $0.count <= count }
            return ready.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once the count of `key` has reached `n`; throws `CancellationError` if the
    /// waiting task is cancelled first (its client has gone, the server stops).
    func wait(_ key: String, for n: Int) async throws {
        let id = state.withLockedValue { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let now = state.withLockedValue { state -> Bool in
                    if state.counts[key, default: 0] >= n || Task.isCancelled { return true }
                    state.waiters.append((id, key, n, continuation))
                    return false
                }
                if now { continuation.resume() }
            }
            try Task.checkCancellation()
        } onCancel: {
            let waiter = state.withLockedValue { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}

/// The compression routes of the tests, the same on both frameworks.
struct CompressionRoutes: Sendable {
    let triggers: Triggers
    let reactor: DatastarReactor

    /// A list of `rows` similar rows marked with `data-n="n"`: large and repetitive, like a
    /// re-rendered fragment.
    static func fragment(n: Int, rows: Int) -> DatastarEvent {
        var html = #"<ul id="list" data-n="\#(n)">"#
        for row in 0..<rows {
            html += #"<li id="row-\#(row)" class="row">Row \#(row) of the list</li>"#
        }
        html += "</ul>"
        return .patchElements(html)
    }

    /// An async stream that sends event n once it is triggered, up to `events`, then ends.
    func asyncStream(key: String, events: Int, rows: Int) -> DatastarResponseBody {
        let triggers = self.triggers
        return { sse in
            for n in 1...max(1, events) {
                try await triggers.wait(key, for: n)
                try await sse.send(Self.fragment(n: n, rows: rows))
            }
        }
    }

    /// A reactor stream that sends event n once it is triggered, and closes after `events`.
    func reactorStream(key: String, events: Int, rows: Int) -> DatastarStream {
        let triggers = self.triggers
        return DatastarStream(every: .milliseconds(5), reactor: reactor) { sse in
            let next = sse.eventsSent + 1
            guard next <= triggers.count(key) else { return }
            try sse.send(Self.fragment(n: next, rows: rows))
            if next >= events { sse.close() }
        }
    }

    /// A reactor stream that never compresses: one event, then it closes.
    func uncompressed() -> DatastarStream {
        DatastarStream(keepAlive: .seconds(5), compression: .disabled, reactor: reactor) { sse in
            try sse.send(Self.fragment(n: 1, rows: 50))
            sse.close()
        }
    }

    /// gzip only, even for a client that prefers brotli.
    static let gzipOnly = DatastarCompression(preference: [.gzip, .identity])

    func register(on router: Hummingbird.Router<BasicDatastarRequestContext>) {
        router.post("/compress/trigger") { request, _ in
            let query = request.uri.queryParameters
            triggers.trigger(query.get("key") ?? "", n: query.get("n", as: Int.self) ?? 0)
            return HTTPResponse.Status.noContent
        }
        router.get("/compress/async") { request, _ in
            let query = request.uri.queryParameters
            let body = asyncStream(
                key: query.get("key") ?? "",
                events: query.get("events", as: Int.self) ?? 3,
                rows: query.get("rows", as: Int.self) ?? 200
            )
            return DatastarHummingbird.DatastarResponse(body)
        }
        router.get("/compress/reactor") { request, _ in
            let query = request.uri.queryParameters
            return reactorStream(
                key: query.get("key") ?? "",
                events: query.get("events", as: Int.self) ?? 3,
                rows: query.get("rows", as: Int.self) ?? 200
            )
        }
        router.get("/compress/off") { _, _ in uncompressed() }
        router.get("/compress/gzip-only") { _, _ in
            DatastarHummingbird.DatastarResponse(compression: Self.gzipOnly) { sse in
                try await sse.send(Self.fragment(n: 1, rows: 50))
            }
        }
        router.get("/compress/poll") { _, _ in
            DatastarPoll { sse in try sse.send(Self.fragment(n: 1, rows: 200)) }
        }
    }

    func register(on app: Vapor.Application) {
        app.post("compress", "trigger") { request in
            triggers.trigger(request.query["key"] ?? "", n: request.query["n"] ?? 0)
            return HTTPStatus.noContent
        }
        app.get("compress", "async") { request in
            DatastarVapor.DatastarResponse(
                asyncStream(
                    key: request.query["key"] ?? "",
                    events: request.query["events"] ?? 3,
                    rows: request.query["rows"] ?? 200
                )
            )
        }
        app.get("compress", "reactor") { request in
            reactorStream(
                key: request.query["key"] ?? "",
                events: request.query["events"] ?? 3,
                rows: request.query["rows"] ?? 200
            )
        }
        app.get("compress", "off") { _ in uncompressed() }
        app.get("compress", "gzip-only") { _ in
            DatastarVapor.DatastarResponse(compression: Self.gzipOnly) { sse in
                try await sse.send(Self.fragment(n: 1, rows: 50))
            }
        }
        app.get("compress", "poll") { _ in
            DatastarPoll { sse in try sse.send(Self.fragment(n: 1, rows: 200)) }
        }
    }
}
