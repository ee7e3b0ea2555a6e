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
import Foundation

/// `GET /sub` and `POST /publish`: every publish sends one `datastar-patch-signals` event,
/// `{"t":<send time, Unix µs>}`, to every subscriber — through the hub (reactor mode) or through
/// an `AsyncStream` per subscriber drained by the subscriber's own task (task mode).
struct Broadcast: Sendable {
    /// The topic every subscriber subscribes to.
    static let topic = "bench"

    let mode: BenchMode
    let hub = DatastarHub(name: "bench")
    let naive = NaiveHub()

    static func event() -> DatastarEvent {
        .patchSignals(#"{"t":\#(Feed.microsecondsSinceEpoch())}"#)
    }

    /// Sends one fresh event to every subscriber.
    func publish() throws {
        switch mode {
        case .reactor: try hub.publish(Self.event(), to: Self.topic)
        case .task: naive.publish(Self.event())
        }
    }

    /// The hub way: a reactor stream subscribed to the topic; the hub encodes each event once
    /// and writes the same bytes to every subscriber on each event loop.
    func stream() -> DatastarStream {
        DatastarStream(subscribingTo: [Self.topic], on: hub)
    }

    /// The naive way: one task per subscriber, which encodes and sends every event it is given.
    func task() -> DatastarResponseBody {
        { [naive] sse in
            let (events, continuation) = AsyncStream.makeStream(
                of: DatastarEvent.self,
                bufferingPolicy: .bufferingNewest(1024)
            )
            let id = naive.add(continuation)
            defer { naive.remove(id) }
            for await event in events {
                try await sse.send(event)
            }
        }
    }
}

/// The subscribers of task mode: one `AsyncStream` continuation each; `publish` yields the
/// event to every one of them.
final class NaiveHub: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [Int: AsyncStream<DatastarEvent>.Continuation] = [:]
    private var nextID = 0

    func add(_ continuation: AsyncStream<DatastarEvent>.Continuation) -> Int {
        lock.withLock {
            nextID += 1
            subscribers[nextID] = continuation
            return nextID
        }
    }

    func remove(_ id: Int) {
        let continuation = lock.withLock { subscribers.removeValue(forKey: id) }
        continuation?.finish()
    }

    func publish(_ event: DatastarEvent) {
        let all = lock.withLock { Array(subscribers.values) }
        for continuation in all { continuation.yield(event) }
    }
}
