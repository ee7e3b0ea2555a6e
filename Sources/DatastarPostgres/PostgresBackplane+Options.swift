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

public import NIOCore
internal import PostgresNIO

extension PostgresBackplane {
    /// Limits and timings of a ``PostgresBackplane``.
    public struct Options: Sendable {
        /// How many messages may wait to be sent; beyond that, new messages are dropped.
        /// Default 10,000.
        public var maxQueuedMessages: Int = 10_000
        /// How many bytes (mostly payload) may wait to be sent; beyond that, new messages are
        /// dropped. Default 16 MiB.
        public var maxQueuedBytes: Int = 16 * 1024 * 1024
        /// Encoded messages longer than this many bytes go through the payload table rather
        /// than in the `NOTIFY` payload. Default 7,900; values above 7,999 count as 7,999
        /// (PostgreSQL's limit is 8,000 bytes, exclusive).
        public var inlinePayloadLimit: Int = 7_900
        /// How long a large payload's row is kept for the listeners to read it. Default 60
        /// seconds.
        public var payloadRetention: Duration = .seconds(60)
        /// How often, at most, the sender deletes expired rows of the payload table. Default 10
        /// seconds.
        public var cleanupInterval: Duration = .seconds(10)
        /// The first wait before reconnecting; it doubles after every failed attempt. Default
        /// 100 ms.
        public var initialReconnectDelay: Duration = .milliseconds(100)
        /// The longest wait between two reconnection attempts. Default 5 seconds.
        public var maxReconnectDelay: Duration = .seconds(5)
        /// On graceful shutdown, how long the sender may take to send what is still queued
        /// before ``PostgresBackplane/run()`` returns. Default 1 second.
        public var shutdownFlushTimeout: Duration = .seconds(1)
        /// How many queued messages, at most, one statement sends. Default 100.
        public var maxMessagesPerStatement: Int = 100
        /// The event loops the connections run on. Default: postgres-nio's default group.
        public var eventLoopGroup: any EventLoopGroup = PostgresConnection.defaultEventLoopGroup

        /// Creates the default options.
        public init() {}
    }
}
