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

extension PostgresBackplane {
    /// The state of the backplane's connections.
    public struct Status: Sendable, Hashable {
        /// Whether the listener is connected and `LISTEN` is in effect: notifications sent from
        /// now on reach this process.
        public var isListening: Bool = false
        /// Whether the sender is connected.
        public var isSenderConnected: Bool = false
        /// How many times `LISTEN` has succeeded since the backplane was created: 1 after the
        /// first connection, 2 after the first reconnection, and so on.
        public var listenCount: Int = 0
        /// How many times the sender has connected since the backplane was created.
        public var senderConnectCount: Int = 0

        /// Creates a status.
        public init(
            isListening: Bool = false,
            isSenderConnected: Bool = false,
            listenCount: Int = 0,
            senderConnectCount: Int = 0
        ) {
            self.isListening = isListening
            self.isSenderConnected = isSenderConnected
            self.listenCount = listenCount
            self.senderConnectCount = senderConnectCount
        }
    }
}
