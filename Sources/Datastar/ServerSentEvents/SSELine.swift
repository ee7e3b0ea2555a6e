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

/// Line rules of the SSE specification.
enum SSELine {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    static func requireSingleLine(_ value: String?, field: String) throws(DatastarError) {
        guard let value else { return }
        if value.utf8.contains(where: { $0 == lineFeed || $0 == carriageReturn }) {
            throw .lineBreakInField(field: field)
        }
    }

    /// Calls `body` with each line of `text`, split at CRLF, LF or a lone CR. A text that
    /// ends with a line break has an empty last line, so no content is lost.
    static func forEachLine(of text: String, _ body: (UnsafeRawBufferPointer) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var start = 0
            var index = 0
            while index < raw.count {
                let byte = raw[index]
                if byte == lineFeed || byte == carriageReturn {
                    body(UnsafeRawBufferPointer(rebasing: raw[start..<index]))
                    if byte == carriageReturn, index + 1 < raw.count, raw[index + 1] == lineFeed {
                        index += 1
                    }
                    index += 1
                    start = index
                } else {
                    index += 1
                }
            }
            body(UnsafeRawBufferPointer(rebasing: raw[start..<raw.count]))
        }
    }
}
