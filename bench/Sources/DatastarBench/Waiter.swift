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
import NIOCore

/// Errors of a benchmark run.
enum BenchError: Error, CustomStringConvertible {
    case timedOut(String)
    case server(String)
    case badResponse(String)
    case connectionClosed

    var description: String {
        switch self {
        case .timedOut(let what): "timed out waiting for \(what)"
        case .server(let message): "server: \(message)"
        case .badResponse(let message): "bad response: \(message)"
        case .connectionClosed: "connection closed before the response head"
        }
    }
}

/// Blocking waits with a time limit, for the main thread (never an event loop).
enum Waiter {
    /// The future's result, or nil if it did not complete within `timeout` seconds.
    static func result<T: Sendable>(of future: EventLoopFuture<T>, timeout: Double) -> Result<T, any Error>? {
        let done = ConditionLock(value: 0)
        let result = NIOLockedValueBox<Result<T, any Error>?>(nil)
        future.whenComplete { outcome in
            result.withLockedValue { $0 = outcome }
            done.lock()
            done.unlock(withValue: 1)
        }
        guard done.lock(whenValue: 1, timeoutSeconds: max(0, timeout)) else { return nil }
        done.unlock()
        return result.withLockedValue { $0 }
    }

    /// The future's value; throws its error, or `BenchError.timedOut` after `timeout` seconds.
    static func wait<T: Sendable>(for future: EventLoopFuture<T>, timeout: Double, what: String) throws -> T {
        guard let outcome = result(of: future, timeout: timeout) else { throw BenchError.timedOut(what) }
        return try outcome.get()
    }
}
