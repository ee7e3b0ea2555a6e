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
import NIOCore
public import Vapor

/// A streaming Datastar response: return it from a route, and its closure sends events.
///
/// ```swift
/// app.get("hello") { _ in
///     DatastarResponse { sse in try await sse.send(.patchElements(#"<p id="hello">Hello</p>"#)) }
/// }
/// ```
///
/// The response starts at once with the Datastar headers; each event reaches the client as it
/// is sent, and the response ends when the closure returns. If the closure throws, the stream
/// ends and the error is logged. A keep-alive comment goes out when the stream has been quiet
/// for `keepAlive`; the closure is cancelled when the client is gone (the connection closed, or
/// a write failed) and when the server shuts down with `app.servers.use(.datastar)` (see
/// `Application.Servers.Provider.datastar`).
/// Vapor's own response compression is switched off for the response, so it can neither hold
/// events back nor encode them twice; the stream is compressed by the SDK instead when the
/// client accepts a coding that `compression` offers, each event flushed.
public struct DatastarResponse: AsyncResponseEncodable {
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

    /// Builds the Vapor response.
    public func encodeResponse(for request: Request) async throws -> Response {
        let body = self.body
        let keepAlive = self.keepAlive
        let allocator = request.byteBufferAllocator
        let logger = request.logger
        let asyncStreams = request.application.datastar.asyncStreams
        let compression = self.compression
        let onShutdown = self.onShutdown
        let coding = compression.negotiate(acceptEncoding: request.acceptEncoding)
        let eventLoop = request.eventLoop
        let isHTTP2 = request.version.major == 2
        return Response(
            status: .ok,
            version: request.version,
            headers: .datastar(for: request, coding: coding),
            body: .init(asyncStream: { writer in
                // The connection's close (a client's FIN closes it on Vapor) cancels the body.
                let channel = await VaporBodyChannel.of(writer, on: eventLoop)
                // Vapor holds the response head until the body is first flushed; it is flushed
                // now, so the client sees the stream open at once. On HTTP/1.1 an empty write
                // does it (and puts nothing on the wire); on HTTP/2 it would be an empty DATA
                // frame, which peers count as a flood (see `ReactorTransport`), so the stream's
                // channel is flushed instead.
                if isHTTP2, let channel {
                    channel.flush()
                } else {
                    try? await writer.writeBuffer(ByteBuffer())
                }
                let end = await AsyncStreamRunner.relay(
                    body,
                    allocator: allocator,
                    logger: logger,
                    keepAlive: keepAlive,
                    closeFuture: channel?.closeFuture,
                    registry: asyncStreams,
                    contentCoding: coding,
                    compression: compression,
                    onShutdown: onShutdown
                ) {
                    try await writer.writeBuffer($0)
                }
                // Ended with an error, the body stream makes Vapor close the connection (reset
                // the HTTP/2 stream) without ending the body: the client retries.
                try? await writer.write(end == .aborted ? .error(StreamAborted()) : .end)
            })
        )
    }
}

extension HTTPHeaders {
    /// The headers of a Datastar SSE response for `request`, with Vapor's response
    /// compression disabled, and `Vary` and `Content-Encoding` for a response the SDK may
    /// compress. Vapor itself writes `Connection: keep-alive` on HTTP/1.x responses (and none
    /// on HTTP/2), so it is left out here rather than sent twice.
    static func datastar(for request: Request, coding: ContentCoding?) -> HTTPHeaders {
        var headers = HTTPHeaders()
        let fields = DatastarHTTP.responseHeaders(
            httpMajor: request.version.major,
            httpMinor: request.version.minor,
            includeConnection: false,
            contentCoding: coding
        )
        for header in fields {
            headers.add(name: header.name, value: header.value)
        }
        headers.responseCompression = .disable
        return headers
    }
}

extension Request {
    /// The `Accept-Encoding` header lines, joined with commas; `nil` when there is none.
    var acceptEncoding: String? {
        let values = headers[.acceptEncoding]
        return values.isEmpty ? nil : values.joined(separator: ",")
    }
}
