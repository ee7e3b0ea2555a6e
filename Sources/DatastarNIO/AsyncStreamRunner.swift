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

package import Datastar
package import Logging
import NIOConcurrencyHelpers
package import NIOCore

/// The closure of an `async` Datastar response (`DatastarResponse { sse in ... }`): it sends
/// events with the generator it is given, and the response ends when it returns.
public typealias DatastarResponseBody = @Sendable (ServerSentEventGenerator) async throws -> Void

/// Runs the closure of an `async` Datastar response; shared by the framework adapters.
///
/// Async streams get the same care as reactor streams: a keep-alive comment when the stream
/// has been quiet for the keep-alive interval, and the closure is cancelled as soon as the
/// client is known to be gone (a write failed, or the channel closed) or the server shuts
/// down — so a closure that only waits still ends within one keep-alive interval of its client
/// leaving.
package enum AsyncStreamRunner {
    package typealias Body = DatastarResponseBody

    /// Closes a running async stream from outside: the server's shutdown, a closed channel.
    package final class CloseSignal: Sendable {
        let stream: AsyncStream<Void>
        private let continuation: AsyncStream<Void>.Continuation

        /// Creates a signal that has not fired.
        package init() {
            (stream, continuation) = AsyncStream.makeStream()
        }

        private let shutdown = NIOLockedValueBox(false)

        /// Cancels the stream's closure and closes the stream. Safe to call more than once,
        /// from any thread.
        package func close() {
            continuation.finish()
        }

        /// Closes the stream because the server is shutting down.
        package func shutDown() {
            shutdown.withLockedValue { $0 = true }
            close()
        }

        /// Whether ``shutDown()`` was called.
        package var isShutdown: Bool { shutdown.withLockedValue { $0 } }
    }

    /// Runs `body` with a generator that writes to `sink`, and returns when it ends.
    ///
    /// An error thrown by `body` closes the stream; it is logged (at debug level when the client
    /// had simply gone, at error level otherwise) and not rethrown, since the response head
    /// has already been sent.
    ///
    /// - Parameters:
    ///   - keepAlive: how long the stream may be quiet before a keep-alive comment is sent;
    ///     `nil` for none.
    ///   - closeFuture: completes when the connection closes, where the framework exposes it.
    ///   - close: closes the stream from outside, for example on shutdown.
    ///   - registry: where the server's shutdown finds this stream to close it, for a
    ///     framework without a shutdown signal per response.
    /// - Returns: whether `body` ended by itself (returned or threw) or was ended from outside
    ///   (the close signal, the channel's close, a failed keep-alive).
    @discardableResult
    package static func run(
        _ body: @escaping Body,
        sink: any ServerSentEventSink,
        allocator: ByteBufferAllocator,
        logger: Logger,
        keepAlive: Duration? = DatastarStream.defaultKeepAlive,
        closeFuture: EventLoopFuture<Void>? = nil,
        close: CloseSignal = CloseSignal(),
        registry: AsyncStreamRegistry? = nil
    ) async -> BodyEnding {
        let generator = ServerSentEventGenerator(sink: sink, allocator: allocator)
        closeFuture?.whenComplete { _ in
            generator.close()
            close.close()
        }
        let token = registry?.track(close)
        let ending = await withTaskGroup(of: BodyEnding.self) { group in
            group.addTask {
                do {
                    try await body(generator)
                } catch {
                    log(error, logger: logger)
                }
                return .byItself
            }
            if let keepAlive {
                group.addTask {
                    await keepAlives(generator, every: keepAlive)
                    return .fromOutside
                }
            }
            group.addTask {
                for await _ in close.stream {}
                return .fromOutside
            }
            // Whichever ends first — the closure, a failed keep-alive, the stop signal — ends
            // the others.
            let first = await group.next() ?? .fromOutside
            group.cancelAll()
            return first
        }
        if let token { registry?.untrack(token) }
        generator.close()
        return ending
    }

    /// How the closure of an async stream ended.
    package enum BodyEnding: Sendable {
        /// It returned or threw.
        case byItself
        /// The stream was closed from outside, and the closure cancelled.
        case fromOutside
    }

    /// Runs `body` with its writes handed one at a time, in order, to `write`, which runs
    /// here, in the caller's task (so it suits a framework whose body writer cannot leave the
    /// response closure, like Hummingbird's `inout` writer). `body` runs in a child task. A
    /// send returns once `write` has taken its bytes, so a slow client slows the sender
    /// instead of filling memory.
    ///
    /// With a `contentCoding` other than identity, every write is compressed on the way,
    /// flushed, so each event can be decoded as soon as it arrives; the compressed stream is
    /// ended properly when `body` returns.
    ///
    /// Returns how the caller ends the response: ``StreamEnd/aborted`` when the server's
    /// shutdown closed the stream (``CloseSignal/shutDown()``) before its closure returned and
    /// `onShutdown` is ``ShutdownBehavior/reconnect``; ``StreamEnd/finished`` otherwise (a
    /// closure that returns by itself ends its stream normally, even during shutdown).
    ///
    /// - Parameters:
    ///   - contentCoding: the coding negotiated for the response (and announced in its head);
    ///     `nil` or identity writes bytes as they are.
    ///   - compression: the compressor settings for `contentCoding`.
    ///   - onShutdown: how a stream closed by the server's shutdown ends.
    package static func relay(
        _ body: @escaping Body,
        allocator: ByteBufferAllocator,
        logger: Logger,
        keepAlive: Duration? = DatastarStream.defaultKeepAlive,
        closeFuture: EventLoopFuture<Void>? = nil,
        close: CloseSignal = CloseSignal(),
        registry: AsyncStreamRegistry? = nil,
        contentCoding: ContentCoding? = nil,
        compression: DatastarCompression = .automatic,
        onShutdown: ShutdownBehavior = .reconnect,
        write: (ByteBuffer) async throws -> Void
    ) async -> StreamEnd {
        let compressor: DatastarCompressor?
        do {
            compressor = try contentCoding.flatMap { try compression.makeCompressor(for: $0) }
        } catch {
            logger.error("Datastar stream compressor could not start", metadata: ["error": "\(error)"])
            return .finished
        }
        let relay = WriteRelay()
        let ending = await withTaskGroup(of: BodyEnding.self) { group in
            group.addTask {
                let ending = await run(
                    body,
                    sink: relay,
                    allocator: allocator,
                    logger: logger,
                    keepAlive: keepAlive,
                    closeFuture: closeFuture,
                    close: close,
                    registry: registry
                )
                relay.finish()
                return ending
            }
            while let (buffer, sender) = await relay.next() {
                do {
                    try await write(compressor?.compress(buffer) ?? buffer)
                    sender.resume()
                } catch {
                    sender.resume(throwing: error)
                    relay.fail(error)
                    logger.debug("Datastar stream write failed", metadata: ["error": "\(error)"])
                }
            }
            return await group.next() ?? .fromOutside
        }
        // A closure that returned by itself ends its stream normally, even during shutdown.
        if ending == .fromOutside, close.isShutdown, onShutdown == .reconnect { return .aborted }
        if let compressor, !relay.hasFailed, let end = try? compressor.finish() {
            try? await write(end)
        }
        return .finished
    }

    /// Sends a comment whenever the stream has been quiet for `interval`; returns when a write
    /// fails or the task is cancelled.
    static func keepAlives(_ generator: ServerSentEventGenerator, every interval: Duration) async {
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let quiet = clock.now - generator.lastWrite
            if quiet >= interval {
                do {
                    try await generator.sendComment()
                } catch {
                    return
                }
                continue
            }
            do {
                try await Task.sleep(for: interval - quiet)
            } catch {
                return
            }
        }
    }

    static func log(_ error: any Error, logger: Logger) {
        if error is DatastarSendError || error is CancellationError {
            logger.debug("Datastar stream closed: the client has gone or the server is shutting down")
        } else {
            logger.error("Datastar stream closure threw; the stream is ended", metadata: ["error": "\(error)"])
        }
    }
}
