extension DatastarEvent {
    /// A key that two events share when the later one makes the earlier one useless: both
    /// replace the same target. A broadcast hub uses it to drop a queued event that a newer one
    /// supersedes, for a client that reads too slowly.
    ///
    /// - Elements patched in a replacing mode (`outer`, `inner`, `replace`) share a key when
    ///   they have the same selector and mode, or — without a selector — when the first
    ///   element has the same `id` and the mode is the same.
    /// - Signal patches share a key when they set the same top-level signals (in any order)
    ///   with the same `onlyIfMissing`.
    /// - Every other event (appends, removals, scripts, elements without selector or `id`,
    ///   signals that are not a JSON object) has no key: it is never replaced.
    public var replacementKey: String? {
        switch payload {
        case .patchElements(let patch):
            switch patch.mode {
            case .outer, .inner, .replace: break
            default: return nil
            }
            if let selector = patch.selector, !selector.isEmpty {
                return "elements|\(patch.mode.rawValue)|\(patch.namespace.rawValue)|\(selector)"
            }
            guard let elements = patch.elements, let id = HTML.firstElementID(in: elements) else { return nil }
            return "elements|\(patch.mode.rawValue)|\(patch.namespace.rawValue)|#\(id)"
        case .patchSignals(let patch):
            guard case .object(let members)? = try? JSONValue(parsing: patch.signals), !members.isEmpty else {
                return nil
            }
            let keys = members.map(\.key).sorted()
            // Keys are JSON-escaped so that no key can run into the next.
            let joined = keys.map { JSONValue.string($0).serialized() }.joined(separator: ",")
            return "signals|\(patch.onlyIfMissing)|\(joined)"
        }
    }
}

extension HTML {
    /// The `id` attribute of the first element in `html`, if it has one; `nil` otherwise.
    static func firstElementID(in html: String) -> String? {
        let bytes = Array(html.utf8)
        var index = 0
        // The first start tag: skip text, comments and doctypes.
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else {
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") || next == UInt8(ascii: "/") {
                while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
                continue
            }
            break
        }
        guard index < bytes.count else { return nil }
        index += 1
        // Skip the tag name.
        while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
        // Attributes, up to the end of the tag.
        while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
            while index < bytes.count, isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") { index += 1 }
            let nameStart = index
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "="),
                bytes[index] != UInt8(ascii: ">")
            {
                index += 1
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            var value: String?
            if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                index += 1
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count else { return nil }
                let quote = bytes[index]
                if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                    index += 1
                    let valueStart = index
                    while index < bytes.count, bytes[index] != quote { index += 1 }
                    value = String(decoding: bytes[valueStart..<min(index, bytes.count)], as: UTF8.self)
                    index += 1
                } else {
                    let valueStart = index
                    while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") {
                        index += 1
                    }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                }
            }
            if name == "id" {
                guard let value, !value.isEmpty else { return nil }
                return value
            }
            if name.isEmpty, index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }
}
