public import DatastarNIO
public import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import ServiceLifecycle

/// A reactor stream on Hummingbird: return a `DatastarStream` from any route.
///
/// ```swift
/// router.get("/clock") { _, _ in
///     DatastarStream(every: .seconds(1)) { sse in
///         try sse.send(.patchElements(#"<time id="clock">\#(Date.now)</time>"#))
///     }
/// }
/// ```
///
/// The router's context must conform to ``DatastarRequestContext`` (the reactor writes to the
/// request's channel); another context gets a 500 that says so.
///
/// What stays per connection, and why: Hummingbird ends a response when its body closure
/// returns, and the closure's writer cannot be kept. So each stream keeps its connection's
/// task suspended on one continuation (no thread, no timer, no polling) until the reactor
/// retires the stream; the reactor writes to the channel directly, on its event loop, and
/// resumes the task at the end, which then finishes the response.
extension DatastarStream: ResponseGenerator {
    /// Builds the Hummingbird response and registers the stream with its reactor.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let channel = try context.datastarChannel(for: "DatastarStream")
        let stream = self
        let reactor = self.reactor ?? .shared
        let lastEventID = request.lastEventID
        let logger = context.logger
        return .datastar(context) { writer in
            let id = reactor.makeConnectionID()
            await withGracefulShutdownHandler {
                await withCheckedContinuation { done in
                    reactor.register(
                        stream,
                        id: id,
                        transport: HummingbirdTransport(channel: channel, done: done),
                        lastEventID: lastEventID,
                        logger: logger
                    )
                }
            } onGracefulShutdown: {
                reactor.close(id: id, on: channel.eventLoop, reason: .serverShutdown)
            }
            // The channel may be gone already; then there is nothing left to finish.
            try? await writer.finish(nil)
        }
    }
}

/// A one-shot response for polling clients on Hummingbird: return a `DatastarPoll` from any
/// route. Like ``DatastarStream``, it needs a ``DatastarRequestContext``: the updater runs on
/// the request's event loop.
extension DatastarPoll: ResponseGenerator {
    /// Builds the Hummingbird response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let channel = try context.datastarChannel(for: "DatastarPoll")
        let poll = self
        let lastEventID = request.lastEventID
        let logger = context.logger
        return .datastar(context) { writer in
            do {
                try await writer.write(poll.render(on: channel.eventLoop, lastEventID: lastEventID).get())
            } catch {
                logger.error("Datastar poll updater threw", metadata: ["error": "\(error)"])
            }
            try await writer.finish(nil)
        }
    }
}

extension RequestContext {
    /// The request's channel, or a 500 that names what is missing.
    func datastarChannel(for feature: String) throws -> any Channel {
        guard let channel = (self as? any DatastarRequestContext)?.channel else {
            throw HTTPError(
                .internalServerError,
                message: "\(feature) needs a request context that conforms to DatastarRequestContext."
            )
        }
        return channel
    }
}

/// Writes a reactor stream straight to a Hummingbird channel, on its event loop.
struct HummingbirdTransport: ReactorTransport {
    let channel: any Channel
    let done: CheckedContinuation<Void, Never>

    var eventLoop: any EventLoop { channel.eventLoop }

    func writeAndFlush(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?) {
        channel.writeAndFlush(HTTPResponsePart.body(buffer), promise: promise)
    }

    func finish() {
        done.resume()
    }

    var closeFuture: EventLoopFuture<Void>? { channel.closeFuture }
}
