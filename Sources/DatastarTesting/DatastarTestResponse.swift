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

public import Datastar

/// A Datastar response as the browser's client applies it: the events it carries, whatever
/// the response's kind.
///
/// The events are the same ``DatastarEvent`` values a handler sends, so a test compares them
/// with the functions that built them:
///
/// ```swift
/// let response = try DatastarTestResponse(eventStream: body)
/// #expect(response.events == [.patchElements(#"<p id="hello">Hello</p>"#)])
/// ```
///
/// Every kind the client accepts is read:
/// - `text/event-stream`: every event of the stream (``Kind/eventStream``);
/// - `text/html`: one patch-elements event, steered by the headers `datastar-selector`,
///   `datastar-mode`, `datastar-use-view-transition` and `datastar-namespace`;
/// - `application/json`: one patch-signals event (`datastar-only-if-missing`);
/// - `text/javascript`: one script, run once; it reads as
///   `.executeScript(body, autoRemove: false, attributes: …)` with the attributes of the
///   `datastar-script-attributes` header, in their order. (The client appends that script to
///   `head`, not `body`; what runs is the same.)
/// - a 204 response: no events (``Kind/noContent``).
public struct DatastarTestResponse: Sendable, Hashable {
    /// The kinds of response the Datastar client applies.
    public enum Kind: Sendable, Hashable {
        /// `text/event-stream`: any number of events.
        case eventStream
        /// `text/html`: elements patched once.
        case html
        /// `application/json`: signals patched once.
        case json
        /// `text/javascript`: a script run once.
        case javascript
        /// A 204 response: nothing to apply.
        case noContent
    }

    /// What kind of response it is.
    public var kind: Kind
    /// The events, in the order the client applies them.
    public var events: [DatastarEvent]
    /// The SSE comment lines, without their colon: a keep-alive comment is `""`. Always empty
    /// for the other kinds.
    public var comments: [String]

    /// Creates a response from its parts, for comparisons.
    public init(kind: Kind, events: [DatastarEvent], comments: [String] = []) {
        self.kind = kind
        self.events = events
        self.comments = comments
    }

    /// Reads an SSE body (`text/event-stream`).
    ///
    /// - Throws: ``DatastarTestError`` for anything the client would ignore or reject.
    public init(eventStream body: some Collection<UInt8>) throws(DatastarTestError) {
        let parser = try ServerSentEventParser(body)
        var events: [DatastarEvent] = []
        for message in parser.messages {
            events.append(try DatastarEvent(message))
        }
        self.init(kind: .eventStream, events: events, comments: parser.comments)
    }

    /// Reads an SSE body given as text.
    public init(eventStream text: String) throws(DatastarTestError) {
        try self.init(eventStream: Array(text.utf8))
    }

    /// Reads a whole HTTP response the way the client does: by its status, then its
    /// `Content-Type`.
    ///
    /// - Parameters:
    ///   - status: the HTTP status; 200 is read, 204 has no events, any other throws.
    ///   - headers: the response's header fields; names are matched case-insensitively.
    ///   - body: the response body, uncompressed.
    /// - Throws: ``DatastarTestError``.
    public init(
        status: Int = 200,
        headers: some Sequence<(name: String, value: String)>,
        body: some Collection<UInt8>
    ) throws(DatastarTestError) {
        let headers = Array(headers)
        func header(_ name: String) -> String? {
            headers.first(where: { $0.name.lowercased() == name })?.value
        }
        if status == 204 {
            self.init(kind: .noContent, events: [])
            return
        }
        guard status == 200 else { throw .unexpectedStatus(status) }
        let contentType = header("content-type")
        // The client's own order of checks, by substring.
        guard let contentType else { throw .unsupportedContentType(nil) }
        if contentType.contains("text/html") {
            let elements = String(decoding: body, as: UTF8.self)
            var patch = PatchElements(elements: elements.isEmpty ? nil : elements)
            patch.selector = header("datastar-selector")
            if let mode = header("datastar-mode") {
                patch.mode = try ElementPatchMode(parsing: mode, key: "datastar-mode")
            }
            if let transition = header("datastar-use-view-transition") {
                patch.useViewTransition = try Bool(parsing: transition, key: "datastar-use-view-transition")
            }
            if let namespace = header("datastar-namespace") {
                patch.namespace = try ElementNamespace(parsing: namespace, key: "datastar-namespace")
            }
            self.init(kind: .html, events: [DatastarEvent(.patchElements(patch))])
        } else if contentType.contains("application/json") {
            let signals = String(decoding: body, as: UTF8.self)
            _ = try JSONValue(signalsPatch: signals)
            var onlyIfMissing = false
            if let value = header("datastar-only-if-missing") {
                onlyIfMissing = try Bool(parsing: value, key: "datastar-only-if-missing")
            }
            self.init(kind: .json, events: [.patchSignals(signals, onlyIfMissing: onlyIfMissing)])
        } else if contentType.contains("text/javascript") {
            var attributes: [ScriptAttribute] = []
            if let header = header("datastar-script-attributes") {
                let parsed: JSONValue
                do {
                    parsed = try JSONValue(parsing: header)
                } catch {
                    throw .invalidJSON("datastar-script-attributes: \(error)")
                }
                guard case .object(let members) = parsed else {
                    throw .invalidJSON("datastar-script-attributes is not an object")
                }
                for member in members {
                    guard case .string(let value) = member.value else {
                        throw .invalidValue(key: "datastar-script-attributes", value: member.value.serialized())
                    }
                    attributes.append(ScriptAttribute(name: member.key, value: value))
                }
            }
            let script = String(decoding: body, as: UTF8.self)
            do {
                let event = try DatastarEvent.executeScript(script, autoRemove: false, attributes: attributes)
                self.init(kind: .javascript, events: [event])
            } catch {
                throw .invalidScriptAttribute(error)
            }
        } else if contentType.contains("text/event-stream") {
            try self.init(eventStream: body)
        } else {
            throw .unsupportedContentType(contentType)
        }
    }
}

// MARK: - Reading one SSE event

extension DatastarEvent {
    /// The event an SSE message stands for, checked the way the client reads it.
    init(_ message: ServerSentEventMessage) throws(DatastarTestError) {
        var values: [(key: String, lines: [String])] = []
        for line in message.data {
            guard let space = line.firstIndex(of: " ") else { throw .dataLineWithoutKey(line) }
            let key = String(line[..<space])
            let value = String(line[line.index(after: space)...])
            if let index = values.firstIndex(where: { $0.key == key }) {
                values[index].lines.append(value)
            } else {
                values.append((key, [value]))
            }
        }
        var retryDuration: Duration?
        if let retry = message.retry {
            guard !retry.isEmpty, retry.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let milliseconds = Int64(retry)
            else { throw .invalidRetry(retry) }
            retryDuration = .milliseconds(milliseconds)
        }
        switch message.type {
        case "datastar-patch-elements":
            var patch = PatchElements(elements: nil)
            for (key, lines) in values {
                let value = lines.joined(separator: "\n")
                switch key {
                case "selector": patch.selector = value
                case "mode": patch.mode = try ElementPatchMode(parsing: value, key: key)
                case "useViewTransition": patch.useViewTransition = try Bool(parsing: value, key: key)
                case "viewTransitionSelector": patch.viewTransitionSelector = value
                case "namespace": patch.namespace = try ElementNamespace(parsing: value, key: key)
                case "elements": patch.elements = value
                default: throw .unknownKey(key)
                }
            }
            self.init(.patchElements(patch), eventID: message.id, retryDuration: retryDuration)
        case "datastar-patch-signals":
            var patch = PatchSignals(signals: "")
            var sawSignals = false
            for (key, lines) in values {
                let value = lines.joined(separator: "\n")
                switch key {
                case "signals":
                    _ = try JSONValue(signalsPatch: value)
                    patch.signals = value
                    sawSignals = true
                case "onlyIfMissing": patch.onlyIfMissing = try Bool(parsing: value, key: key)
                default: throw .unknownKey(key)
                }
            }
            guard sawSignals else { throw .missingSignals }
            self.init(.patchSignals(patch), eventID: message.id, retryDuration: retryDuration)
        default:
            throw .unknownEventType(message.type)
        }
    }
}

extension ElementPatchMode {
    init(parsing value: String, key: String) throws(DatastarTestError) {
        guard let mode = ElementPatchMode(rawValue: value) else { throw .invalidValue(key: key, value: value) }
        self = mode
    }
}

extension ElementNamespace {
    init(parsing value: String, key: String) throws(DatastarTestError) {
        guard let namespace = ElementNamespace(rawValue: value) else { throw .invalidValue(key: key, value: value) }
        self = namespace
    }
}

extension Bool {
    /// `true` or `false`, as the client compares them.
    init(parsing value: String, key: String) throws(DatastarTestError) {
        switch value {
        case "true": self = true
        case "false": self = false
        default: throw .invalidValue(key: key, value: value)
        }
    }
}
