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

/// SSE comments, such as the keep-alive comments the engine sends on quiet streams.
public enum ServerSentEventComment {
    /// Appends an SSE comment: one `: text` line per line of `text`, then a blank line.
    /// An empty text gives `:` and a blank line, the smallest keep-alive there is.
    public static func encode(_ text: String, into buffer: inout some ServerSentEventBuffer) {
        if text.isEmpty {
            buffer.append(":\n\n")
            return
        }
        SSELine.forEachLine(of: text) { line in
            buffer.append(": ")
            buffer.appendSSEBytes(line)
            buffer.append("\n")
        }
        buffer.append("\n")
    }
}
