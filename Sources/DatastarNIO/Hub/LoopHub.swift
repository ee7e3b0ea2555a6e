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

import NIOCore

/// The hub's subscribers on one event loop, by topic. Touched only on that loop.
final class LoopHub {
    let eventLoop: any EventLoop
    private var subscribers: [String: [DatastarConnection]] = [:]

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func add(_ connection: DatastarConnection, to topics: [String]) {
        eventLoop.assertInEventLoop()
        for topic in Set(topics) {
            connection.hubPositions[topic] = subscribers[topic, default: []].count
            subscribers[topic, default: []].append(connection)
        }
    }

    func remove(_ connection: DatastarConnection) {
        eventLoop.assertInEventLoop()
        for (topic, index) in connection.hubPositions {
            guard var list = subscribers[topic], list.indices.contains(index), list[index] === connection else {
                continue
            }
            let last = list.removeLast()
            if last !== connection {
                list[index] = last
                last.hubPositions[topic] = index
            }
            subscribers[topic] = list.isEmpty ? nil : list
        }
        connection.hubPositions = [:]
    }

    /// Writes each message to every subscriber of its topic on this loop, in order; each
    /// subscriber without compression gets the message's one buffer (or, for transports that
    /// take HTTP/1 chunks, the one chunk framed from it on this loop); a compressed subscriber
    /// compresses the payload on its own stream.
    func deliver(_ batch: [HubDelivery]) {
        eventLoop.assertInEventLoop()
        var reactors: [ObjectIdentifier: LoopReactor] = [:]
        for delivery in batch {
            guard let list = subscribers[delivery.message.topic] else { continue }
            let payload = delivery.message.payload
            var chunk: ByteBuffer?
            // Backwards over a snapshot: a subscriber closed during its write is swapped out
            // of the live list, and the snapshot still holds each of the others once.
            var index = list.count - 1
            while index >= 0 {
                let connection = list[index]
                index -= 1
                guard delivery.sequence > connection.hubSequence, let reactor = connection.loopReactor else {
                    continue
                }
                connection.hubSequence = delivery.sequence
                let bytes: ByteBuffer
                if connection.compressor != nil {
                    bytes = payload
                } else if connection.writesHTTP1Chunks {
                    bytes = chunk ?? HTTP1Chunk.frame(payload)
                    chunk = bytes
                } else {
                    bytes = payload
                }
                reactor.deliver(bytes, coalescingKey: delivery.message.coalescingKey, to: connection)
                reactors[ObjectIdentifier(reactor)] = reactor
            }
        }
        for reactor in reactors.values { reactor.reportMetrics() }
    }
}
