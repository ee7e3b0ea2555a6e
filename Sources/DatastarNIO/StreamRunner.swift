public import Logging
public import NIOCore

/// Runs the closure of an `async` Datastar response; shared by the framework adapters.
public enum ServerSentEventStream {
    /// The closure of an `async` Datastar response.
    public typealias Body = @Sendable (ServerSentEventGenerator) async throws -> Void

    /// Runs `body` with a generator that writes to `sink`, and returns when it ends.
    ///
    /// An error thrown by `body` ends the stream; it is logged (at debug level when the client
    /// had simply gone, at error level otherwise) and not rethrown, since the response head
    /// has already been sent.
    public static func run(
        _ body: Body,
        sink: any ServerSentEventSink,
        allocator: ByteBufferAllocator,
        logger: Logger
    ) async {
        let generator = ServerSentEventGenerator(sink: sink, allocator: allocator)
        do {
            try await body(generator)
        } catch {
            log(error, generator: generator, logger: logger)
        }
        generator.close()
    }

    /// Runs `body` for a framework whose body writer cannot leave the response closure
    /// (Hummingbird's `inout` writer): `body` runs in a child task, and its writes are handed
    /// one at a time to `write`, which runs here, in the caller's task. A send returns once
    /// `write` has taken its bytes, so a slow client slows the sender instead of filling memory.
    public static func relay(
        _ body: @escaping Body,
        allocator: ByteBufferAllocator,
        logger: Logger,
        write: (ByteBuffer) async throws -> Void
    ) async {
        let relay = WriteRelay()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await run(body, sink: relay, allocator: allocator, logger: logger)
                relay.finish()
            }
            while let (buffer, sender) = await relay.next() {
                do {
                    try await write(buffer)
                    sender.resume()
                } catch {
                    sender.resume(throwing: error)
                    relay.fail(error)
                    logger.debug("Datastar stream write failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    static func log(_ error: any Error, generator: ServerSentEventGenerator, logger: Logger) {
        if error is ServerSentEventStreamError || error is CancellationError {
            logger.debug("Datastar stream ended: the client has gone")
        } else {
            logger.error("Datastar stream closure threw; the stream is ended", metadata: ["error": "\(error)"])
        }
    }
}
