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

extension DatastarEvent {
    /// Encodes the event in the ADR's wire format and appends it to `buffer`.
    ///
    /// The order is `event:`, `id:`, `retry:` (left out when it is 1000 ms), then the data
    /// lines — `selector`, `mode`, `useViewTransition`, `viewTransitionSelector`, `namespace`,
    /// `elements` for elements; `onlyIfMissing`, `signals` for signals — and a blank line. Only
    /// values that differ from the defaults are written. Multi-line content gets one `data:`
    /// line per line, split where the SSE specification ends a line: at CRLF, LF or a lone CR.
    ///
    /// The event is validated before the first byte is written, so on error the buffer is
    /// unchanged.
    ///
    /// - Throws: ``DatastarError/lineBreakInField(field:)`` if the event id, selector or
    ///   view-transition selector holds a line break; ``DatastarError/negativeRetryDuration``.
    public func encode(into buffer: inout some ServerSentEventBuffer) throws(DatastarError) {
        let retryMilliseconds = try validated()
        buffer.append("event: ")
        buffer.append(eventType)
        buffer.append("\n")
        if let eventID {
            buffer.append("id: ")
            buffer.append(eventID)
            buffer.append("\n")
        }
        if let retryMilliseconds {
            buffer.append("retry: ")
            buffer.append(String(retryMilliseconds))
            buffer.append("\n")
        }
        switch payload {
        case .patchElements(let patch):
            if let selector = patch.selector {
                buffer.appendDataLines("selector", selector)
            }
            if patch.mode != .outer {
                buffer.appendDataLines("mode", patch.mode.rawValue)
            }
            if patch.useViewTransition {
                buffer.appendDataLines("useViewTransition", "true")
                if let viewTransitionSelector = patch.viewTransitionSelector {
                    buffer.appendDataLines("viewTransitionSelector", viewTransitionSelector)
                }
            }
            if patch.namespace != .html {
                buffer.appendDataLines("namespace", patch.namespace.rawValue)
            }
            if let elements = patch.elements, !elements.isEmpty {
                buffer.appendDataLines("elements", elements)
            }
        case .patchSignals(let patch):
            if patch.onlyIfMissing {
                buffer.appendDataLines("onlyIfMissing", "true")
            }
            buffer.appendDataLines("signals", patch.signals)
        }
        buffer.append("\n")
    }

    /// The event in wire format, as bytes.
    public func encoded() throws(DatastarError) -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(into: &bytes)
        return bytes
    }

    /// Checks every single-line field; returns the `retry:` value to write, if any.
    private func validated() throws(DatastarError) -> Int64? {
        try SSELine.requireSingleLine(eventID, field: "event id")
        if case .patchElements(let patch) = payload {
            try SSELine.requireSingleLine(patch.selector, field: "selector")
            try SSELine.requireSingleLine(patch.viewTransitionSelector, field: "view-transition selector")
        }
        guard let retryDuration else { return nil }
        let milliseconds = retryDuration.wholeMilliseconds
        guard milliseconds >= 0, retryDuration >= .zero else { throw .negativeRetryDuration }
        return milliseconds == 1000 ? nil : milliseconds
    }
}
