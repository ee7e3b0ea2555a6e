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

/// A hub message's payload and the framed forms of it made so far, for one event loop's run
/// over its subscribers: every subscriber whose body is framed the same way (``BodyFraming``)
/// and is not compressed is written the same buffer, framed once.
struct FramedMessage {
    /// The message's bytes, as every subscriber's stream carries them before compression and
    /// framing.
    let payload: ByteBuffer
    private var framed: [BodyFraming: ByteBuffer] = [:]

    init(payload: ByteBuffer) {
        self.payload = payload
    }

    /// The payload framed as `framing`, framed at its first use.
    mutating func bytes(for framing: BodyFraming) -> ByteBuffer {
        if framing == .asIs { return payload }
        if let known = framed[framing] { return known }
        let bytes = framing.frame(payload)
        framed[framing] = bytes
        return bytes
    }
}
