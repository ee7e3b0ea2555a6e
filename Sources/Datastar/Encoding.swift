/// A byte buffer that server-sent events can be encoded into.
///
/// `[UInt8]` conforms here; the engine (`DatastarNIO`) makes NIO's `ByteBuffer` conform, so an
/// event is encoded straight into the buffer that is written to the socket, with no
/// intermediate string per line.
public protocol ServerSentEventBuffer {
    /// Appends raw bytes at the end of the buffer.
    mutating func appendSSEBytes(_ bytes: UnsafeRawBufferPointer)
}

extension Array: ServerSentEventBuffer where Element == UInt8 {
    /// Appends raw bytes at the end of the array.
    public mutating func appendSSEBytes(_ bytes: UnsafeRawBufferPointer) {
        append(contentsOf: bytes)
    }
}

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
        if let eventId {
            buffer.append("id: ")
            buffer.append(eventId)
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
        try SSELine.requireSingleLine(eventId, field: "event id")
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

extension ServerSentEventBuffer {
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { appendSSEBytes(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { appendSSEBytes(UnsafeRawBufferPointer($0)) }
    }

    /// `data: KEY LINE` for every line of `content`.
    mutating func appendDataLines(_ key: StaticString, _ content: String) {
        SSELine.forEachLine(of: content) { line in
            append("data: ")
            append(key)
            append(" ")
            appendSSEBytes(line)
            append("\n")
        }
    }
}
