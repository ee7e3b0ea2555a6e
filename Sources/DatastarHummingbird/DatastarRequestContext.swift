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

public import Hummingbird
public import NIOCore

/// A request context that keeps the request's channel, which Datastar needs for everything
/// that runs on the connection's event loop (reactor streams, hub subscriptions) and to tell
/// HTTP/2 from HTTP/1.1.
///
/// Use ``BasicDatastarRequestContext``, or add the conformance to your own context:
///
/// ```swift
/// struct AppContext: DatastarRequestContext {
///     var coreContext: CoreRequestContextStorage
///     let channel: any Channel
///     init(source: ApplicationRequestContextSource) {
///         coreContext = .init(source: source)
///         channel = source.channel
///     }
/// }
/// ```
public protocol DatastarRequestContext: RequestContext {
    /// The channel the request arrived on.
    var channel: any Channel { get }
}

/// The plain request context plus the channel; enough for every Datastar feature.
public struct BasicDatastarRequestContext: DatastarRequestContext {
    /// Hummingbird's core context storage.
    public var coreContext: CoreRequestContextStorage
    /// The channel the request arrived on.
    public let channel: any Channel

    /// Creates the context from what the server provides for each request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}

extension RequestContext {
    /// Whether the request arrived over HTTP/1.x: `true` or `false` when the context knows its
    /// channel, `nil` when it does not (then the protocol is unknown, and no header that only
    /// HTTP/1 allows may be sent). An HTTP/2 stream is a child of a connection channel, which
    /// is itself a child of the server channel; an HTTP/1 connection is a direct child of the
    /// server channel.
    var isHTTP1: Bool? {
        guard let context = self as? any DatastarRequestContext else { return nil }
        return context.channel.parent?.parent == nil
    }
}
