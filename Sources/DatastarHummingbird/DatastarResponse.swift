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
/// a ``DatastarRequestContext`` — the channel closed or, on HTTP/1.1, the client half-closed
/// it) and on graceful shutdown. The stream is compressed when the client accepts a coding
/// that `compression` offers, each event flushed.
public struct DatastarResponse: ResponseGenerator {
    private let body: DatastarResponseBody
    private let keepAlive: Duration?
    private let compression: DatastarCompression
    private let onShutdown: ShutdownBehavior

    /// Creates a response driven by `body`.
    ///
    /// - Parameters:
    ///   - keepAlive: how long the stream may be quiet before a keep-alive comment is sent (15
    ///     seconds by default); `nil` for none.
    ///   - compression: how the stream is compressed, negotiated from `Accept-Encoding`;
    ///     ``DatastarNIO/DatastarCompression/disabled`` opts out.
    ///   - onShutdown: what the stream does when the server shuts down while `body` runs:
    ///     by default it ends as a network error, so the client reconnects to the next process
    ///     (``DatastarNIO/ShutdownBehavior``). A `body` that returns by itself always ends the
    ///     stream normally.
    public init(
        keepAlive: Duration? = DatastarStream.defaultKeepAlive,
        compression: DatastarCompression = .automatic,
        onShutdown: ShutdownBehavior = .reconnect,
        _ body: @escaping DatastarResponseBody
    ) {
        self.body = body
        self.keepAlive = keepAlive
        self.compression = compression
        self.onShutdown = onShutdown
    }

    /// Builds the Hummingbird response.
    public func response(from request: Request, context: some RequestContext) -> Response {
        let body = self.body
        let keepAlive = self.keepAlive
        let logger = context.logger
        let channel = (context as? any DatastarRequestContext)?.channel
        let compression = self.compression
        let onShutdown = self.onShutdown
        let coding = compression.negotiate(acceptEncoding: request.acceptEncoding)
        let isHTTP1 = context.isHTTP1 == true
        return .datastar(context, coding: coding) { writer in
            let close = AsyncStreamRunner.CloseSignal()
            let watch = channel.map { channel in
                channel.eventLoop.submit { ClientGoneWatch(channel: channel, watchHalfClosure: isHTTP1) }
            }
            defer { watch?.whenSuccess { $0.stop() } }
            let end = await withGracefulShutdownHandler {
                await AsyncStreamRunner.relay(
                    body,
                    allocator: channel?.allocator ?? ByteBufferAllocator(),
                    logger: logger,
                    keepAlive: keepAlive,
                    closeFuture: watch?.flatMap(\.future),
                    close: close,
                    contentCoding: coding,
                    compression: compression,
                    onShutdown: onShutdown
                ) {
                    try await writer.write($0)
                }
            } onGracefulShutdown: {
                close.shutDown()
            }
            // Thrown out of the response body, an error makes Hummingbird close the connection
            // (reset the HTTP/2 stream) without ending the body: the client retries.
            if end == .aborted { throw StreamAborted() }
            try await writer.finish(nil)
        }
    }
}

extension Response {
    /// A 200 response with the Datastar headers (and those of `coding`, when the response may
    /// be compressed) and a streamed body.
    static func datastar(
        _ context: some RequestContext,
        coding: ContentCoding?,
        body: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        Response(status: .ok, headers: .datastar(isHTTP1: context.isHTTP1, coding: coding), body: ResponseBody(body))
    }
}

extension HTTPFields {
    /// The headers of a Datastar SSE response; `Connection` only when the request is known to
    /// have come over HTTP/1.1 (HTTP/2 forbids it, and a peer drops the whole connection for
    /// it); `Vary` and `Content-Encoding` for a response that may be compressed.
    static func datastar(isHTTP1: Bool?, coding: ContentCoding?) -> HTTPFields {
        var fields = HTTPFields()
        let headers = DatastarHTTP.responseHeaders(
            httpMajor: isHTTP1 == true ? 1 : 2,
            httpMinor: isHTTP1 == true ? 1 : 0,
            includeConnection: isHTTP1 == true,
            contentCoding: coding
        )
        for header in headers {
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

    /// The `Accept-Encoding` header lines, joined with commas; `nil` when there is none.
    var acceptEncoding: String? {
        let values = headers[values: .acceptEncoding]
        return values.isEmpty ? nil : values.joined(separator: ",")
    }
}
