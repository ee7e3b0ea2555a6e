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

// The names that shipped before the rename to `eventID` and `coalescingKey`, kept so existing
// code still compiles, with a warning and a fix-it. Each function takes `eventId:` without a
// default, so a call that leaves the event id out only ever matches the current function.

extension DatastarEvent {
    /// The SSE `id:` of the event.
    @available(*, deprecated, renamed: "eventID")
    public var eventId: String? {
        get { eventID }
        set { eventID = newValue }
    }

    /// The event's coalescing key.
    @available(*, deprecated, renamed: "coalescingKey")
    public var replacementKey: String? { coalescingKey }

    /// Creates an event from a payload and its SSE options.
    @available(*, deprecated, renamed: "init(_:eventID:retryDuration:)")
    public init(_ payload: Payload, eventId: String?, retryDuration: Duration? = nil) {
        self.init(payload, eventID: eventId, retryDuration: retryDuration)
    }

    /// Patches HTML elements into the DOM (`datastar-patch-elements`).
    @available(
        *,
        deprecated,
        renamed:
            "patchElements(_:selector:mode:useViewTransition:viewTransitionSelector:namespace:eventID:retryDuration:)"
    )
    public static func patchElements(
        _ elements: String?,
        selector: String? = nil,
        mode: ElementPatchMode = .outer,
        useViewTransition: Bool = false,
        viewTransitionSelector: String? = nil,
        namespace: ElementNamespace = .html,
        eventId: String?,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        patchElements(
            elements,
            selector: selector,
            mode: mode,
            useViewTransition: useViewTransition,
            viewTransitionSelector: viewTransitionSelector,
            namespace: namespace,
            eventID: eventId,
            retryDuration: retryDuration
        )
    }

    /// Removes the elements that match a CSS selector.
    @available(*, deprecated, renamed: "removeElements(selector:useViewTransition:eventID:retryDuration:)")
    public static func removeElements(
        selector: String,
        useViewTransition: Bool = false,
        eventId: String?,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        removeElements(
            selector: selector,
            useViewTransition: useViewTransition,
            eventID: eventId,
            retryDuration: retryDuration
        )
    }

    /// Removes the elements whose ids match the top-level elements given.
    @available(*, deprecated, renamed: "removeElements(_:useViewTransition:eventID:retryDuration:)")
    public static func removeElements(
        _ elements: String,
        useViewTransition: Bool = false,
        eventId: String?,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        removeElements(
            elements,
            useViewTransition: useViewTransition,
            eventID: eventId,
            retryDuration: retryDuration
        )
    }

    /// Patches signals with JSON text, a JSON merge patch (`datastar-patch-signals`).
    @available(*, deprecated, renamed: "patchSignals(_:onlyIfMissing:eventID:retryDuration:)")
    public static func patchSignals(
        _ json: String,
        onlyIfMissing: Bool = false,
        eventId: String?,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        patchSignals(json, onlyIfMissing: onlyIfMissing, eventID: eventId, retryDuration: retryDuration)
    }

    /// Patches signals from a ``JSONValue``, which must be an object.
    @available(*, deprecated, renamed: "patchSignals(json:onlyIfMissing:eventID:retryDuration:)")
    public static func patchSignals(
        json: JSONValue,
        onlyIfMissing: Bool = false,
        eventId: String?,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        try patchSignals(json: json, onlyIfMissing: onlyIfMissing, eventID: eventId, retryDuration: retryDuration)
    }

    /// Patches signals from any `Encodable` value that encodes to a JSON object.
    @available(*, deprecated, renamed: "patchSignals(encoding:onlyIfMissing:eventID:retryDuration:)")
    public static func patchSignals(
        encoding value: some Encodable,
        onlyIfMissing: Bool = false,
        eventId: String?,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        try patchSignals(encoding: value, onlyIfMissing: onlyIfMissing, eventID: eventId, retryDuration: retryDuration)
    }

    /// Removes signals by dotted path.
    @available(*, deprecated, renamed: "removeSignals(_:eventID:retryDuration:)")
    public static func removeSignals(
        _ paths: [String],
        eventId: String?,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        try removeSignals(paths, eventID: eventId, retryDuration: retryDuration)
    }

    /// Runs JavaScript in the browser: appends a `<script>` tag to `body`.
    @available(*, deprecated, renamed: "executeScript(_:autoRemove:attributes:eventID:retryDuration:)")
    public static func executeScript(
        _ script: String,
        autoRemove: Bool = true,
        attributes: [ScriptAttribute] = [],
        eventId: String?,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        try executeScript(
            script,
            autoRemove: autoRemove,
            attributes: attributes,
            eventID: eventId,
            retryDuration: retryDuration
        )
    }

    /// Runs JavaScript with attributes given as a literal list of name–value pairs.
    @available(*, deprecated, renamed: "executeScript(_:autoRemove:attributes:eventID:retryDuration:)")
    public static func executeScript(
        _ script: String,
        autoRemove: Bool = true,
        attributes: KeyValuePairs<String, String>,
        eventId: String?,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        try executeScript(
            script,
            autoRemove: autoRemove,
            attributes: attributes,
            eventID: eventId,
            retryDuration: retryDuration
        )
    }

    /// Logs a message in the browser's console (`console.log`).
    @available(*, deprecated, renamed: "consoleLog(_:eventID:retryDuration:)")
    public static func consoleLog(
        _ message: String,
        eventId: String?,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        consoleLog(message, eventID: eventId, retryDuration: retryDuration)
    }

    /// Logs a message in the browser's console as an error (`console.error`).
    @available(*, deprecated, renamed: "consoleError(_:eventID:retryDuration:)")
    public static func consoleError(
        _ message: String,
        eventId: String?,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        consoleError(message, eventID: eventId, retryDuration: retryDuration)
    }

    /// Sends the browser to another URL.
    @available(*, deprecated, renamed: "redirect(to:eventID:retryDuration:)")
    public static func redirect(
        to url: String,
        eventId: String?,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        redirect(to: url, eventID: eventId, retryDuration: retryDuration)
    }

    /// Replaces the browser's current URL without navigating (`history.replaceState`).
    @available(*, deprecated, renamed: "replaceURL(_:eventID:retryDuration:)")
    public static func replaceURL(
        _ url: String,
        eventId: String?,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        replaceURL(url, eventID: eventId, retryDuration: retryDuration)
    }

    /// Dispatches a `CustomEvent` in the browser, on `document` or on every element that
    /// matches `selector`.
    @available(
        *,
        deprecated,
        renamed: "dispatchEvent(_:detail:selector:bubbles:cancelable:composed:eventID:retryDuration:)"
    )
    public static func dispatchEvent(
        _ name: String,
        detail: JSONValue = .null,
        selector: String? = nil,
        bubbles: Bool = true,
        cancelable: Bool = true,
        composed: Bool = true,
        eventId: String?,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        try dispatchEvent(
            name,
            detail: detail,
            selector: selector,
            bubbles: bubbles,
            cancelable: cancelable,
            composed: composed,
            eventID: eventId,
            retryDuration: retryDuration
        )
    }
}
