import Datastar
public import DatastarNIO
public import Hummingbird
import HTTPTypes
import NIOCore
import ServiceLifecycle

/// A streaming Datastar response: return it from a route, and its closure sends events.
///
/// ```swift
/// router.get("/hello") { _, _ in
///     DatastarResponse { sse in try await sse.send(.patchElements(#"<p id="hello">Hello</p>"#)) }
/// }
/// ```
///
/// The response starts at once with the Datastar headers; each event reaches the client as it
/// is sent, and the response ends when the closure returns. If the closure throws, the stream
/// ends and the error is logged. A keep-alive comment goes out when the stream has been quiet
/// for `keepAlive`; the closure is cancelled when the client is gone (a write failed, or — with
/// a ``DatastarRequestContext`` — the channel closed) and on graceful shutdown.
public struct DatastarResponse: ResponseGenerator {
    private let body: ServerSentEventStream.Body
    private let keepAlive: Duration?

    /// Creates a response driven by `body`.
    ///
    /// - Parameter keepAlive: how long the stream may be quiet before a keep-alive comment is
    ///   sent (15 seconds by default); `nil` for none.
    public init(keepAlive: Duration? = DatastarStream.defaultKeepAlive, _ body: @escaping ServerSentEventStream.Body) {
        self.body = body
        self.keepAlive = keepAlive
    }

    /// Builds the Hummingbird response.
    public func response(from request: Request, context: some RequestContext) -> Response {
        let body = self.body
        let keepAlive = self.keepAlive
        let logger = context.logger
        let channel = (context as? any DatastarRequestContext)?.channel
        return .datastar(context) { writer in
            let stop = ServerSentEventStream.StopSignal()
            await withGracefulShutdownHandler {
                await ServerSentEventStream.relay(
                    body,
                    allocator: channel?.allocator ?? ByteBufferAllocator(),
                    logger: logger,
                    keepAlive: keepAlive,
                    closeFuture: channel?.closeFuture,
                    stop: stop
                ) {
                    try await writer.write($0)
                }
            } onGracefulShutdown: {
                stop.stop()
            }
            try await writer.finish(nil)
        }
    }
}

extension Response {
    /// A 200 response with the Datastar headers and a streamed body.
    static func datastar(
        _ context: some RequestContext,
        body: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        Response(status: .ok, headers: .datastar(isHTTP1: context.isHTTP1), body: ResponseBody(body))
    }
}

extension HTTPFields {
    /// The headers of a Datastar SSE response; `Connection` only over HTTP/1.1.
    static func datastar(isHTTP1: Bool) -> HTTPFields {
        var fields = HTTPFields()
        for header in DatastarHTTP.responseHeaders(httpMajor: isHTTP1 ? 1 : 2, httpMinor: isHTTP1 ? 1 : 0) {
            if let name = HTTPField.Name(header.name) {
                fields.append(HTTPField(name: name, value: header.value))
            }
        }
        return fields
    }
}

extension Request {
    /// The `Last-Event-ID` header, sent by a reconnecting `EventSource`.
    var lastEventID: String? {
        headers[HTTPField.Name("Last-Event-ID")!]
    }
}
