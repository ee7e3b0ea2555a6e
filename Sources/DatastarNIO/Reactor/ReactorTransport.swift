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

package import NIOCore

/// How the reactor writes to one connection of a framework. The framework adapters provide
/// transports; every call is made on ``eventLoop``.
package protocol ReactorTransport: Sendable {
    /// The event loop of the connection's channel.
    var eventLoop: any EventLoop { get }
    /// Where and how the body is written: asked once, on ``eventLoop``, when the reactor adds
    /// the connection (before `onConnect`). A transport whose framework holds the response
    /// head until the body is first flushed flushes it here, so that the client sees the
    /// stream open at once — by flushing, never with an empty body part: on HTTP/2 that is an
    /// empty DATA frame, and peers count those as a flood (NIOHTTP2 tolerates one in a row on
    /// a connection, then sends GOAWAY and drops every frame, of any stream, until the next
    /// HEADERS or END_STREAM: events of other streams were lost so).
    func makeBodySink() -> BodySink
    /// Ends the response normally. Called at most once, after the last write; never after
    /// ``abort()``.
    func finish()
    /// Ends the response as a network error would, so that the client retries: the HTTP/1.1
    /// connection closes without the body's last chunk, the HTTP/2 stream is reset. Called at
    /// most once, instead of ``finish()``.
    func abort()
    /// Completes when the connection closes, where the framework exposes that; `nil`
    /// otherwise (closed connections are then noticed by their failing writes).
    var closeFuture: EventLoopFuture<Void>? { get }
    /// The bytes written whose write has completed but that the connection's socket still
    /// holds unsent (``SocketBacklog``), where the transport can tell; `nil` otherwise. Asked
    /// on ``eventLoop``, every quarter of a hub subscriber's backlog limit written.
    func socketBacklog() -> Int?
}

extension ReactorTransport {
    /// Unknown, by default.
    package func socketBacklog() -> Int? { nil }
}

/// How a stream's response ends.
package enum StreamEnd: Sendable {
    /// Normally: the body's end is written.
    case finished
    /// As a network error would (see ``ReactorTransport/abort()``), so that the client retries.
    case aborted
}

/// The error an adapter ends a response with to end it as a network error would (see
/// ``ReactorTransport/abort()``): thrown out of a Hummingbird response body, written to a
/// Vapor body stream.
package struct StreamAborted: Error, CustomStringConvertible {
    package init() {}

    package var description: String { "Datastar stream ended as a network error, so that the client reconnects" }
}
