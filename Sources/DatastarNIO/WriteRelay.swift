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

/// Hands buffers from any number of sending tasks to one writing task, one at a time.
///
/// A sender's `write` returns when the writer has written its buffer (or throws when that
/// failed), so at most one buffer per sender is in memory. After ``fail(_:)`` every write
/// throws at once; after ``finish()`` the writer's ``next()`` returns `nil` once the queue is
/// empty.
final class WriteRelay: ServerSentEventSink {
    typealias Sender = CheckedContinuation<Void, any Error>

    private struct State {
        var queue: CircularBuffer<(ByteBuffer, Sender)> = []
        var waitingWriter: CheckedContinuation<(ByteBuffer, Sender)?, Never>?
        var finished = false
        var failure: (any Error)?
    }

    private let state = NIOLockedValueBox(State())

    func write(_ buffer: ByteBuffer) async throws {
        try await withCheckedThrowingContinuation { (sender: Sender) in
            enum Action {
                case fail(any Error)
                case hand(CheckedContinuation<(ByteBuffer, Sender)?, Never>)
                case queued
            }
            let action: Action = state.withLockedValue { state in
                if let failure = state.failure { return .fail(failure) }
                if let writer = state.waitingWriter {
                    state.waitingWriter = nil
                    return .hand(writer)
                }
                state.queue.append((buffer, sender))
                return .queued
            }
            switch action {
            case .fail(let error): sender.resume(throwing: error)
            case .hand(let writer): writer.resume(returning: (buffer, sender))
            case .queued: break
            }
        }
    }

    /// The next buffer to write and the sender to resume, or `nil` when the senders are done.
    func next() async -> (ByteBuffer, Sender)? {
        await withCheckedContinuation { writer in
            let item: (ByteBuffer, Sender)?? = state.withLockedValue { state in
                if !state.queue.isEmpty { return .some(state.queue.removeFirst()) }
                if state.finished || state.failure != nil { return .some(nil) }
                state.waitingWriter = writer
                return nil
            }
            if let item { writer.resume(returning: item) }
        }
    }

    /// Whether ``fail(_:)`` has been called.
    var hasFailed: Bool { state.withLockedValue { $0.failure != nil } }

    /// No more writes will come.
    func finish() {
        let writer = state.withLockedValue { state in
            state.finished = true
            defer { state.waitingWriter = nil }
            return state.waitingWriter
        }
        writer?.resume(returning: nil)
    }

    /// Writing failed: fail every queued and future write with `error`.
    func fail(_ error: any Error) {
        let (queued, writer) = state.withLockedValue { state in
            state.failure = error
            defer {
                state.queue.removeAll()
                state.waitingWriter = nil
            }
            return (Array(state.queue), state.waitingWriter)
        }
        for (_, sender) in queued { sender.resume(throwing: error) }
        writer?.resume(returning: nil)
    }
}
