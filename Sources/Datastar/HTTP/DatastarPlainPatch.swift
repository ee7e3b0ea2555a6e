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

/// One patch sent as a plain HTTP response instead of a Server-Sent Events stream: its content
/// type, its `datastar-*` headers and its body.
///
/// Besides `text/event-stream`, the Datastar client acts on a single `200` response of three
/// other types, once:
///
/// | content type | what the client does | headers it reads |
/// |---|---|---|
/// | `text/html` | patches the body's elements | `datastar-selector`, `datastar-mode`, `datastar-namespace`, `datastar-use-view-transition` |
/// | `application/json` | patches signals with the body | `datastar-only-if-missing` |
/// | `text/javascript` | runs the body in a new `<script>` in `<head>` | `datastar-script-attributes` (a JSON object) |
///
/// This type builds those parts and checks them like the SSE events: a selector with a line
/// break is a ``DatastarError/lineBreakInField(field:)``, a script attribute name that is not
/// an HTML attribute name a ``DatastarError/invalidAttributeName(_:)``, so no value can inject
/// a header. Header values are plain ASCII: other characters of a selector are written as CSS
/// escapes and those of script attributes as JSON escapes, which the client reads back as the
/// same text.
///
/// The framework adapters send it with one call (`DatastarPlainResponse`):
///
/// ```swift
/// return try DatastarPlainResponse(.patchElements(#"<p id="total">42</p>"#))
/// ```
public struct DatastarPlainPatch: Sendable, Hashable {
    /// What the client does with the response.
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// Patch elements (`text/html`).
        case elements
        /// Patch signals (`application/json`).
        case signals
        /// Run a script (`text/javascript`).
        case script
    }

    /// What the client does with the response.
    public let kind: Kind
    /// The `datastar-*` headers (lowercase names, ASCII values), in order; only those that
    /// differ from the client's defaults.
    public let headers: [DatastarHTTPHeader]
    /// The response body: the elements, the signals' JSON, or the script.
    public let body: String

    private init(kind: Kind, headers: [DatastarHTTPHeader], body: String) {
        self.kind = kind
        self.headers = headers
        self.body = body
    }

    /// The `Content-Type` of the response: `text/html; charset=utf-8`, `application/json` or
    /// `text/javascript; charset=utf-8`.
    public var contentType: String {
        switch kind {
        case .elements: return "text/html; charset=utf-8"
        case .signals: return "application/json"
        case .script: return "text/javascript; charset=utf-8"
        }
    }

    // MARK: - Elements

    /// Patches elements, as ``DatastarEvent/patchElements(_:selector:mode:useViewTransition:viewTransitionSelector:namespace:eventID:retryDuration:)``
    /// does in a stream.
    ///
    /// - Parameters:
    ///   - elements: the HTML; `nil` or empty sends an empty body (for ``ElementPatchMode/remove``
    ///     with a selector).
    ///   - selector: the CSS selector of the target (`datastar-selector`).
    ///   - mode: how the elements are patched (`datastar-mode`, sent unless
    ///     ``ElementPatchMode/outer``).
    ///   - useViewTransition: wrap the patch in a view transition
    ///     (`datastar-use-view-transition: true`).
    ///   - namespace: the namespace of new elements (`datastar-namespace`, sent unless
    ///     ``ElementNamespace/html``).
    /// - Throws: ``DatastarError/lineBreakInField(field:)`` for a selector with a line break.
    public static func patchElements(
        _ elements: String?,
        selector: String? = nil,
        mode: ElementPatchMode = .outer,
        useViewTransition: Bool = false,
        namespace: ElementNamespace = .html
    ) throws(DatastarError) -> DatastarPlainPatch {
        try SSELine.requireSingleLine(selector, field: "selector")
        var headers: [DatastarHTTPHeader] = []
        if let selector {
            headers.append(DatastarHTTPHeader(name: "datastar-selector", value: cssEscapingNonASCII(selector)))
        }
        if mode != .outer {
            headers.append(DatastarHTTPHeader(name: "datastar-mode", value: mode.rawValue))
        }
        if namespace != .html {
            headers.append(DatastarHTTPHeader(name: "datastar-namespace", value: namespace.rawValue))
        }
        if useViewTransition {
            headers.append(DatastarHTTPHeader(name: "datastar-use-view-transition", value: "true"))
        }
        return DatastarPlainPatch(kind: .elements, headers: headers, body: elements ?? "")
    }

    /// Removes the elements that match a CSS selector (``ElementPatchMode/remove``).
    ///
    /// - Throws: ``DatastarError/lineBreakInField(field:)`` for a selector with a line break.
    public static func removeElements(
        selector: String,
        useViewTransition: Bool = false
    ) throws(DatastarError) -> DatastarPlainPatch {
        try patchElements(nil, selector: selector, mode: .remove, useViewTransition: useViewTransition)
    }

    // MARK: - Signals

    /// Patches signals with JSON text, a JSON merge patch, sent as given.
    ///
    /// - Parameter onlyIfMissing: only add signals that do not exist yet
    ///   (`datastar-only-if-missing: true`).
    public static func patchSignals(_ json: String, onlyIfMissing: Bool = false) -> DatastarPlainPatch {
        let headers = onlyIfMissing ? [DatastarHTTPHeader(name: "datastar-only-if-missing", value: "true")] : []
        return DatastarPlainPatch(kind: .signals, headers: headers, body: json)
    }

    /// Patches signals from a ``JSONValue``, which must be an object.
    ///
    /// - Throws: ``DatastarError/signalsNotAnObject``.
    public static func patchSignals(json: JSONValue, onlyIfMissing: Bool = false) throws(DatastarError)
        -> DatastarPlainPatch
    {
        guard case .object = json else { throw .signalsNotAnObject }
        return patchSignals(json.serialized(), onlyIfMissing: onlyIfMissing)
    }

    /// Patches signals from any `Encodable` value that encodes to a JSON object.
    ///
    /// - Throws: ``DatastarError/signalsNotAnObject`` or
    ///   ``DatastarError/signalsEncodingFailed(_:)``.
    public static func patchSignals(encoding value: some Encodable, onlyIfMissing: Bool = false)
        throws(DatastarError) -> DatastarPlainPatch
    {
        try patchSignals(json: JSONValue(encoding: value), onlyIfMissing: onlyIfMissing)
    }

    // MARK: - Script

    /// Runs JavaScript: the client appends a `<script>` element with the body as its text to
    /// `<head>`, with `attributes` set on it (`datastar-script-attributes`, a JSON object).
    ///
    /// The client does not remove the element afterwards.
    ///
    /// - Throws: ``DatastarError/invalidAttributeName(_:)`` for an attribute name that is not
    ///   a valid HTML attribute name (this also rules out line breaks). Values may hold any
    ///   text: they are JSON-escaped.
    public static func executeScript(_ script: String, attributes: [ScriptAttribute] = []) throws(DatastarError)
        -> DatastarPlainPatch
    {
        var headers: [DatastarHTTPHeader] = []
        if !attributes.isEmpty {
            var object = "{"
            for (index, attribute) in attributes.enumerated() {
                guard HTML.isValidAttributeName(attribute.name) else {
                    throw .invalidAttributeName(attribute.name)
                }
                if index > 0 { object += "," }
                object += asciiJSONString(attribute.name) + ":" + asciiJSONString(attribute.value)
            }
            headers.append(DatastarHTTPHeader(name: "datastar-script-attributes", value: object + "}"))
        }
        return DatastarPlainPatch(kind: .script, headers: headers, body: script)
    }

    /// Runs JavaScript with attributes given as a literal list of name–value pairs.
    ///
    /// ```swift
    /// .executeScript("init()", attributes: ["type": "module"])
    /// ```
    public static func executeScript(_ script: String, attributes: KeyValuePairs<String, String>)
        throws(DatastarError) -> DatastarPlainPatch
    {
        try executeScript(script, attributes: attributes.map { ScriptAttribute(name: $0.key, value: $0.value) })
    }

    // MARK: - From an event

    /// The plain response that does what `event` does in a stream: `text/html` for
    /// `datastar-patch-elements` (so the script sugar — ``DatastarEvent/consoleLog(_:eventID:retryDuration:)``,
    /// ``DatastarEvent/redirect(to:eventID:retryDuration:)`` and the others — works too),
    /// `application/json` for `datastar-patch-signals`.
    ///
    /// What only a stream carries is left out: the event id, the retry duration, and the
    /// view-transition selector (the client reads no header for it).
    ///
    /// - Throws: ``DatastarError/lineBreakInField(field:)`` for a selector with a line break.
    public init(_ event: DatastarEvent) throws(DatastarError) {
        switch event.payload {
        case .patchElements(let patch):
            self = try .patchElements(
                patch.elements,
                selector: patch.selector,
                mode: patch.mode,
                useViewTransition: patch.useViewTransition,
                namespace: patch.namespace
            )
        case .patchSignals(let patch):
            self = .patchSignals(patch.signals, onlyIfMissing: patch.onlyIfMissing)
        }
    }

    // MARK: - ASCII header values

    /// `selector` with every character outside printable ASCII (but the tab) written as a CSS
    /// escape (`\E9 ` for `é`), which selects the same elements; line breaks are refused
    /// before.
    static func cssEscapingNonASCII(_ selector: String) -> String {
        var output = ""
        for scalar in selector.unicodeScalars {
            if (0x20...0x7E).contains(scalar.value) || scalar == "\t" {
                output.unicodeScalars.append(scalar)
            } else {
                output += "\\" + String(scalar.value, radix: 16, uppercase: true) + " "
            }
        }
        return output
    }

    /// A JSON string literal in plain ASCII: quotes, backslashes, control characters and
    /// every character beyond ASCII are `\u` escapes (pairs of them beyond the BMP).
    static func asciiJSONString(_ text: String) -> String {
        var output = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x20...0x7E: output.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return output + "\""
    }
}
