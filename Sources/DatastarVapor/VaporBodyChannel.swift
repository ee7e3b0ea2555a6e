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

import NIOCore
import Vapor

/// Finds the channel under a Vapor response body writer.
///
/// Vapor hands a streaming body only its writer, not the connection, so a stream would learn
/// that its client has gone only when a write fails, and could not ask its socket what it
/// holds unsent. Vapor's writer (`ChannelResponseBodyStream`, Vapor 4) keeps the context of
/// its response encoder in a stored property `contextBox`; this reads it by reflection, on
/// the writer's event loop. When a Vapor version lays the writer out otherwise, the lookup
/// finds nothing and the stream works as before, on failed writes alone (a test pins the
/// lookup to the Vapor version this package builds with).
enum VaporBodyChannel {
    /// The channel `writer` writes to — the TCP connection on HTTP/1.1, the stream's child
    /// channel on HTTP/2 — or `nil` if it cannot be found or this is not the writer's loop.
    static func of(_ writer: any BodyStreamWriter) -> (any Channel)? {
        guard writer.eventLoop.inEventLoop else { return nil }
        return lookUp(writer)
    }

    /// The channel under an async body stream's writer, looked up on `eventLoop` (the
    /// request's, where Vapor's writer lives).
    static func of(_ writer: any AsyncBodyStreamWriter, on eventLoop: any EventLoop) async -> (any Channel)? {
        try? await eventLoop.submit { lookUp(writer) }.get()
    }

    /// Reads the writer's `contextBox`; on the writer's event loop.
    private static func lookUp(_ writer: Any) -> (any Channel)? {
        for child in Mirror(reflecting: writer).children where child.label == "contextBox" {
            guard let box = child.value as? NIOLoopBound<ChannelHandlerContext> else { return nil }
            return box.value.channel
        }
        return nil
    }
}
