import Datastar
public import DatastarNIO
public import Hummingbird
import HTTPTypes
import NIOCore

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
/// ends and the error is logged.
public struct DatastarResponse: ResponseGenerator {
    private let body: ServerSentEventStream.Body

    /// Creates a response driven by `body`.
    public init(_ body: @escaping ServerSentEventStream.Body) {
        self.body = body
    }

    /// Builds the Hummingbird response.
    public func response(from request: Request, context: some RequestContext) -> Response {
        let body = self.body
        let logger = context.logger
        return Response(
            status: .ok,
            headers: .datastar(isHTTP1: context.isHTTP1),
            body: ResponseBody { writer in
                await ServerSentEventStream.relay(body, allocator: ByteBufferAllocator(), logger: logger) {
                    try await writer.write($0)
                }
                try await writer.finish(nil)
            }
        )
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
