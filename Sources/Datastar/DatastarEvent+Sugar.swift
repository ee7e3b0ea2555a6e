// The sugar the ADR leaves to each SDK, built only from the three core operations.

extension DatastarEvent {
    /// Removes the elements that match a CSS selector.
    ///
    /// ```swift
    /// try await sse.send(.removeElements(selector: "#toast"))
    /// ```
    public static func removeElements(
        selector: String,
        useViewTransition: Bool = false,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        patchElements(
            nil,
            selector: selector,
            mode: .remove,
            useViewTransition: useViewTransition,
            eventId: eventId,
            retryDuration: retryDuration
        )
    }

    /// Removes the elements whose ids match the top-level elements given, such as
    /// `<div id="a"></div><div id="b"></div>`.
    public static func removeElements(
        _ elements: String,
        useViewTransition: Bool = false,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        patchElements(
            elements,
            mode: .remove,
            useViewTransition: useViewTransition,
            eventId: eventId,
            retryDuration: retryDuration
        )
    }

    /// Removes signals by dotted path: `["user.name", "draft"]` becomes the merge patch
    /// `{"user":{"name":null},"draft":null}`. A path that is a prefix of another wins.
    ///
    /// - Throws: ``DatastarError/invalidSignalPath(_:)`` for an empty path or segment.
    public static func removeSignals(
        _ paths: [String],
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        var patch = JSONValue.object([])
        for path in paths {
            let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !segments.contains(where: \.isEmpty) else { throw .invalidSignalPath(path) }
            patch.setNull(at: segments[...])
        }
        return try patchSignals(json: patch, eventId: eventId, retryDuration: retryDuration)
    }

    /// Logs a message in the browser's console (`console.log`).
    public static func consoleLog(
        _ message: String,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        appendScript("console.log(\(JSONValue.string(message).serialized(scriptSafe: true)))", eventId, retryDuration)
    }

    /// Logs a message in the browser's console as an error (`console.error`).
    public static func consoleError(
        _ message: String,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        appendScript("console.error(\(JSONValue.string(message).serialized(scriptSafe: true)))", eventId, retryDuration)
    }

    /// Sends the browser to another URL.
    ///
    /// The navigation runs in a `setTimeout`, so the browser leaves the page after the current
    /// patch has been applied (the way other Datastar SDKs do it).
    public static func redirect(
        to url: String,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        appendScript(
            "setTimeout(() => window.location.href = \(JSONValue.string(url).serialized(scriptSafe: true)))",
            eventId,
            retryDuration
        )
    }

    /// Replaces the browser's current URL without navigating (`history.replaceState`).
    public static func replaceURL(
        _ url: String,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        appendScript(
            "window.history.replaceState({}, '', \(JSONValue.string(url).serialized(scriptSafe: true)))",
            eventId,
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
        eventId: String? = nil,
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
        return appendScript(target, eventId, retryDuration)
    }
}
