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

/// The reactor routes of the tests, the same on both frameworks; what they observe goes to the
/// probe as text.
struct ReactorRoutes: Sendable {
    let reactor: DatastarReactor
    let probe: Probe
    let hub: DatastarHub

    /// `onDisconnect` for every test stream: reports `disconnect <reason>`.
    var reportDisconnect: DatastarStream.DisconnectHandler {
        let probe = self.probe
        return { connection, reason in
            let skipped = connection.skippedUpdates
            Task { await probe.report("disconnect \(reason.label) skipped=\(skipped > 0)") }
        }
    }

    /// Sends `{"n":<update>}` every `1/hz` s; `onConnect` sends `{"connected":true}`. With
    /// `end`, the stream ends normally on shutdown (``ShutdownBehavior/end``).
    func counter(hz: Int, end: Bool = false) -> DatastarStream {
        DatastarStream(
            every: .milliseconds(1000 / max(1, hz)),
            reactor: reactor,
            onShutdown: end ? .end : .reconnect,
            onConnect: { sse in try sse.send(.patchSignals(#"{"connected":true}"#)) },
            onDisconnect: reportDisconnect,
            update: Self.count
        )
    }

    static let count: DatastarStream.Updater = { sse in
        try sse.send(.patchSignals(#"{"n":\#(sse.updates)}"#))
    }

    /// No updater: only keep-alive comments every `keepAlive` milliseconds.
    func quiet(keepAlive: Int) -> DatastarStream {
        DatastarStream(keepAlive: .milliseconds(keepAlive), reactor: reactor, onDisconnect: reportDisconnect)
    }

    /// Counts at 50 Hz and throws at the third update.
    func throwing() -> DatastarStream {
        struct Boom: Error {}
        return DatastarStream(every: .milliseconds(20), reactor: reactor, onDisconnect: reportDisconnect) { sse in
            if sse.updates == 3 { throw Boom() }
            try Self.count(sse)
        }
    }

    /// Closes itself at the third update.
    func closing() -> DatastarStream {
        DatastarStream(every: .milliseconds(20), reactor: reactor, onDisconnect: reportDisconnect) { sse in
            try Self.count(sse)
            if sse.updates == 3 { sse.close() }
        }
    }

    /// 64 KiB every 10 ms, closed after 500 ms unwritable.
    func flood() -> DatastarStream {
        let payload = String(repeating: "x", count: 64 << 10)
        return DatastarStream(
            every: .milliseconds(10),
            unwritableTimeout: .milliseconds(500),
            reactor: reactor,
            onDisconnect: reportDisconnect
        ) { sse in
            try sse.send(.patchElements(#"<p id="flood">\#(payload)</p>"#))
        }
    }

    /// How long each update of a `/heavy` stream keeps its event loop busy, in microseconds;
    /// 0 until a test turns the load on.
    static let heavyMicroseconds = NIOLockedValueBox(0)

    /// Counts at 50 Hz, and keeps the loop busy for `heavyMicroseconds` at each update: a
    /// stand-in for updaters that render a lot, to overload a loop on purpose.
    func heavy() -> DatastarStream {
        DatastarStream(every: .milliseconds(20), keepAlive: .seconds(60), reactor: reactor) { sse in
            let busy = Self.heavyMicroseconds.withLockedValue { $0 }
            if busy > 0 {
                let clock = ContinuousClock()
                let end = clock.now + .microseconds(busy)
                while clock.now < end {}
            }
            try Self.count(sse)
        }
    }

    /// An async stream that only waits (a minute at most, like an app waiting for something
    /// that does not come); reports when its closure ends.
    func waiting(keepAlive: Int) -> DatastarResponseBody {
        let probe = self.probe
        return { sse in
            do {
                try await sse.sendComment("waiting")
                try await Task.sleep(for: .seconds(60))
            } catch {
                await probe.report("async ended")
                throw error
            }
        }
    }

    /// A hub subscription to `topic`; `onConnect` sends `{"resume":"<how>"}` after what was
    /// replayed.
    func subscription(topic: String, limit: Int?) -> DatastarStream {
        DatastarStream(
            subscribingTo: [topic],
            on: hub,
            backlogLimit: limit ?? HubSubscription.defaultBacklogLimit,
            reactor: reactor,
            onConnect: { sse in
                let resume: String
                switch sse.resume {
                case .replayed(let count): resume = "replayed:\(count)"
                case .gap: resume = "gap"
                case .fresh, nil: resume = "fresh"
                }
                try sse.send(.patchSignals(#"{"resume":"\#(resume)"}"#))
            },
            onDisconnect: reportDisconnect
        )
    }

    /// Publishes `{"n":<n>,"pad":"x…"}` (with `pad` bytes of padding) to `topic`, with the
    /// event id `id` if given.
    func publish(topic: String, n: Int, id: String?, pad: Int) throws {
        let padding = String(repeating: "x", count: max(0, pad))
        try hub.publish(.patchSignals(#"{"n":\#(n),"pad":"\#(padding)"}"#, eventID: id), to: topic)
    }

    func register(on router: Hummingbird.Router<BasicDatastarRequestContext>) {
        router.get("/hub/sub") { request, _ in
            let query = request.uri.queryParameters
            return subscription(topic: query.get("topic") ?? "t", limit: query.get("limit", as: Int.self))
        }
        router.post("/hub/publish") { request, _ in
            let query = request.uri.queryParameters
            try publish(
                topic: query.get("topic") ?? "t",
                n: query.get("n", as: Int.self) ?? 0,
                id: query.get("id"),
                pad: query.get("pad", as: Int.self) ?? 0
            )
            return HTTPResponse.Status.noContent
        }
        router.get("/reactor") { request, _ in
            let query = request.uri.queryParameters
            return counter(hz: query.get("hz", as: Int.self) ?? 10, end: query.get("end") != nil)
        }
        router.get("/poll") { _, _ in DatastarPoll(counter(hz: 10)) }
        router.get("/quiet") { request, _ in
            quiet(keepAlive: request.uri.queryParameters.get("ka", as: Int.self) ?? 200)
        }
        router.get("/throwing") { _, _ in throwing() }
        router.get("/closing") { _, _ in closing() }
        router.get("/flood") { _, _ in flood() }
        router.get("/heavy") { _, _ in heavy() }
        router.get("/waiting") { request, _ in
            let keepAlive = request.uri.queryParameters.get("ka", as: Int.self) ?? 200
            return DatastarHummingbird.DatastarResponse(
                keepAlive: .milliseconds(keepAlive),
                onShutdown: request.uri.queryParameters.get("end") != nil ? .end : .reconnect,
                waiting(keepAlive: keepAlive)
            )
        }
    }

    func register(on app: Vapor.Application) {
        app.get("hub", "sub") { request in
            subscription(topic: request.query["topic"] ?? "t", limit: request.query["limit"])
        }
        app.post("hub", "publish") { request in
            try publish(
                topic: request.query["topic"] ?? "t",
                n: request.query["n"] ?? 0,
                id: request.query["id"],
                pad: request.query["pad"] ?? 0
            )
            return HTTPStatus.noContent
        }
        app.get("reactor") { request in
            counter(hz: request.query["hz"] ?? 10, end: request.query[String.self, at: "end"] != nil)
        }
        app.get("poll") { _ in DatastarPoll(counter(hz: 10)) }
        app.get("quiet") { request in quiet(keepAlive: request.query["ka"] ?? 200) }
        app.get("throwing") { _ in throwing() }
        app.get("closing") { _ in closing() }
        app.get("flood") { _ in flood() }
        app.get("heavy") { _ in heavy() }
        app.get("waiting") { request in
            let keepAlive: Int = request.query["ka"] ?? 200
            return DatastarVapor.DatastarResponse(
                keepAlive: .milliseconds(keepAlive),
                onShutdown: request.query[String.self, at: "end"] != nil ? .end : .reconnect,
                waiting(keepAlive: keepAlive)
            )
        }
    }
}
