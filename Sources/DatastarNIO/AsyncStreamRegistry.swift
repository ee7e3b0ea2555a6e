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

/// The async streams (`DatastarResponse { sse in … }`) running in a server whose framework
/// gives a response no shutdown signal of its own, so that the server's shutdown can close
/// them (Vapor; Hummingbird has its graceful-shutdown handler per response). An adapter keeps
/// one per application and calls ``shutDownAll()`` when its server stops.
package final class AsyncStreamRegistry: Sendable {
    private struct State {
        var signals: [UInt64: AsyncStreamRunner.CloseSignal] = [:]
        var nextToken: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    package init() {}

    /// Lets ``shutDownAll()`` close a stream; returns the token to untrack it with.
    func track(_ signal: AsyncStreamRunner.CloseSignal) -> UInt64 {
        state.withLockedValue { state in
            state.nextToken += 1
            state.signals[state.nextToken] = signal
            return state.nextToken
        }
    }

    func untrack(_ token: UInt64) {
        _ = state.withLockedValue { $0.signals.removeValue(forKey: token) }
    }

    /// Closes every tracked stream as the server's shutdown does
    /// (``AsyncStreamRunner/CloseSignal/shutDown()``). Never blocks.
    package func shutDownAll() {
        let signals = state.withLockedValue { Array($0.signals.values) }
        for signal in signals { signal.shutDown() }
    }
}
