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

/// One attribute of a `<script>` tag sent by ``DatastarEvent/executeScript(_:autoRemove:attributes:eventID:retryDuration:)``.
public struct ScriptAttribute: Sendable, Hashable {
    /// The attribute name; validated when the event is encoded.
    public var name: String
    /// The attribute value; HTML-escaped when the event is encoded.
    public var value: String

    /// Creates an attribute.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

// MARK: - The ADR's operation

extension DatastarEvent {
    /// Runs JavaScript in the browser: appends a `<script>` tag to `body`.
    ///
    /// With `autoRemove` (the default) the tag removes itself once it has run. Attributes are
    /// written in the order given, values HTML-escaped.
    ///
    /// - Throws: ``DatastarError/invalidAttributeName(_:)`` for an attribute name that is not a
    ///   valid HTML attribute name (this also rules out line breaks).
    public static func executeScript(
        _ script: String,
        autoRemove: Bool = true,
        attributes: [ScriptAttribute] = [],
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        var rendered = ""
        for attribute in attributes {
            guard HTML.isValidAttributeName(attribute.name) else {
                throw .invalidAttributeName(attribute.name)
            }
            rendered += " \(attribute.name)=\"\(HTML.escape(attribute.value))\""
        }
        return appendScript(script, autoRemove: autoRemove, renderedAttributes: rendered, eventID, retryDuration)
    }

    /// The `<script>` patch behind ``executeScript(_:autoRemove:attributes:eventID:retryDuration:)``
    /// and the script sugar; `renderedAttributes` is already validated and escaped.
    static func appendScript(
        _ script: String,
        autoRemove: Bool = true,
        renderedAttributes: String = "",
        _ eventID: String?,
        _ retryDuration: Duration?
    ) -> DatastarEvent {
        let effect = autoRemove ? #" data-effect="el.remove()""# : ""
        return patchElements(
            "<script\(renderedAttributes)\(effect)>\(script)</script>",
            selector: "body",
            mode: .append,
            eventID: eventID,
            retryDuration: retryDuration
        )
    }

    /// Runs JavaScript with attributes given as a literal list of name–value pairs.
    ///
    /// ```swift
    /// .executeScript("init()", attributes: ["type": "module"])
    /// ```
    public static func executeScript(
        _ script: String,
        autoRemove: Bool = true,
        attributes: KeyValuePairs<String, String>,
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        try executeScript(
            script,
            autoRemove: autoRemove,
            attributes: attributes.map { ScriptAttribute(name: $0.key, value: $0.value) },
            eventID: eventID,
            retryDuration: retryDuration
        )
    }
}

// MARK: - Sugar the ADR leaves to each SDK, built only on the operation above

extension DatastarEvent {
    /// Logs a message in the browser's console (`console.log`).
    public static func consoleLog(
        _ message: String,
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        appendScript("console.log(\(JSONValue.string(message).serialized(scriptSafe: true)))", eventID, retryDuration)
    }

    /// Logs a message in the browser's console as an error (`console.error`).
    public static func consoleError(
        _ message: String,
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        appendScript("console.error(\(JSONValue.string(message).serialized(scriptSafe: true)))", eventID, retryDuration)
    }

    /// Sends the browser to another URL.
    ///
    /// The navigation runs in a `setTimeout`, so the browser leaves the page after the current
    /// patch has been applied (the way other Datastar SDKs do it).
    public static func redirect(
        to url: String,
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        appendScript(
            "setTimeout(() => window.location.href = \(JSONValue.string(url).serialized(scriptSafe: true)))",
            eventID,
            retryDuration
        )
    }

    /// Replaces the browser's current URL without navigating (`history.replaceState`).
    public static func replaceURL(
        _ url: String,
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        appendScript(
            "window.history.replaceState({}, '', \(JSONValue.string(url).serialized(scriptSafe: true)))",
            eventID,
            retryDuration
        )
    }

    /// Dispatches a `CustomEvent` in the browser, on `document` or on every element that
    /// matches `selector`.
    ///
    /// ```swift
    /// try await sse.send(.dispatchEvent("cart-updated", detail: ["items": 3]))
    /// ```
    ///
    /// - Throws: ``DatastarError/invalidEventName(_:)`` for an empty name or one with whitespace.
    public static func dispatchEvent(
        _ name: String,
        detail: JSONValue = .null,
        selector: String? = nil,
        bubbles: Bool = true,
        cancelable: Bool = true,
        composed: Bool = true,
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else {
            throw .invalidEventName(name)
        }
        let options: JSONValue = [
            "detail": detail,
            "bubbles": .bool(bubbles),
            "cancelable": .bool(cancelable),
            "composed": .bool(composed),
        ]
        let event =
            "new CustomEvent(\(JSONValue.string(name).serialized(scriptSafe: true)), "
            + "\(options.serialized(scriptSafe: true)))"
        let target: String
        if let selector {
            target =
                "document.querySelectorAll(\(JSONValue.string(selector).serialized(scriptSafe: true)))"
                + ".forEach((el) => el.dispatchEvent(\(event)))"
        } else {
            target = "document.dispatchEvent(\(event))"
        }
        return appendScript(target, eventID, retryDuration)
    }
}
