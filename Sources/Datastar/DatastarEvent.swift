/// How `datastar-patch-elements` puts elements into the DOM.
public enum ElementPatchMode: String, Sendable, Hashable, CaseIterable {
    /// Morph the whole target element, keeping its state (the default).
    case outer
    /// Morph the target's children only, keeping state.
    case inner
    /// Replace the whole target element; its state is reset.
    case replace
    /// Insert the elements at the start of the target's children.
    case prepend
    /// Insert the elements at the end of the target's children.
    case append
    /// Insert the elements before the target.
    case before
    /// Insert the elements after the target.
    case after
    /// Remove the target.
    case remove
}

/// The namespace in which the browser creates patched elements.
public enum ElementNamespace: String, Sendable, Hashable, CaseIterable {
    /// HTML elements (the default).
    case html
    /// SVG elements, for patching inside an `<svg>`.
    case svg
    /// MathML elements.
    case mathml
}

/// The payload of a `datastar-patch-elements` event.
public struct PatchElements: Sendable, Hashable {
    /// The HTML to patch, one or more complete elements. `nil` (or empty) sends no elements,
    /// which is what ``ElementPatchMode/remove`` with a selector needs.
    public var elements: String?
    /// The CSS selector of the target. Without one, each top-level element must carry an `id`.
    public var selector: String?
    /// How the elements are patched; ``ElementPatchMode/outer`` by default.
    public var mode: ElementPatchMode
    /// Whether the browser wraps the patch in a view transition.
    public var useViewTransition: Bool
    /// The selector for the view transition; sent only when `useViewTransition` is true.
    public var viewTransitionSelector: String?
    /// The namespace of new elements; ``ElementNamespace/html`` by default.
    public var namespace: ElementNamespace

    /// Creates a patch-elements payload; every argument but `elements` defaults to the ADR's
    /// default, which is not sent on the wire.
    public init(
        elements: String?,
        selector: String? = nil,
        mode: ElementPatchMode = .outer,
        useViewTransition: Bool = false,
        viewTransitionSelector: String? = nil,
        namespace: ElementNamespace = .html
    ) {
        self.elements = elements
        self.selector = selector
        self.mode = mode
        self.useViewTransition = useViewTransition
        self.viewTransitionSelector = viewTransitionSelector
        self.namespace = namespace
    }
}

/// The payload of a `datastar-patch-signals` event: a JSON merge patch (RFC 7386).
public struct PatchSignals: Sendable, Hashable {
    /// The JSON text of the patch. It is sent as given, one `data:` line per line of text.
    public var signals: String
    /// When true, the browser only adds signals that do not exist yet.
    public var onlyIfMissing: Bool

    /// Creates a patch-signals payload from JSON text.
    public init(signals: String, onlyIfMissing: Bool = false) {
        self.signals = signals
        self.onlyIfMissing = onlyIfMissing
    }
}

/// One attribute of a `<script>` tag sent by ``DatastarEvent/executeScript(_:autoRemove:attributes:eventId:retryDuration:)``.
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

/// One Datastar server-sent event: what it patches, and its SSE options.
///
/// Build events with the static functions — the ADR's three operations
/// (``patchElements(_:selector:mode:useViewTransition:viewTransitionSelector:namespace:eventId:retryDuration:)``,
/// ``patchSignals(_:onlyIfMissing:eventId:retryDuration:)``,
/// ``executeScript(_:autoRemove:attributes:eventId:retryDuration:)``) and the sugar built on
/// them — and hand them to a generator's `send`. An event is a value: encode it once with
/// ``encode(into:)`` and write the same bytes to as many clients as you like.
public struct DatastarEvent: Sendable, Hashable {
    /// What an event carries.
    public enum Payload: Sendable, Hashable {
        /// A `datastar-patch-elements` event.
        case patchElements(PatchElements)
        /// A `datastar-patch-signals` event.
        case patchSignals(PatchSignals)
    }

    /// The retry duration the browser assumes when an event names none.
    public static let defaultRetryDuration: Duration = .milliseconds(1000)

    /// What the event patches.
    public var payload: Payload
    /// The SSE `id:` of the event; the browser sends the last one back as `Last-Event-ID` when
    /// it reconnects.
    public var eventId: String?
    /// The SSE `retry:` of the event. `nil` means the default of 1000 ms, which is not sent.
    public var retryDuration: Duration?

    /// Creates an event from a payload and its SSE options.
    public init(_ payload: Payload, eventId: String? = nil, retryDuration: Duration? = nil) {
        self.payload = payload
        self.eventId = eventId
        self.retryDuration = retryDuration
    }

    /// The SSE event type: `datastar-patch-elements` or `datastar-patch-signals`.
    public var eventType: String {
        switch payload {
        case .patchElements: return "datastar-patch-elements"
        case .patchSignals: return "datastar-patch-signals"
        }
    }
}

// MARK: - The ADR's operations

extension DatastarEvent {
    /// Patches HTML elements into the DOM (`datastar-patch-elements`).
    ///
    /// ```swift
    /// try await sse.send(.patchElements(#"<div id="feed">1</div>"#))
    /// try await sse.send(.patchElements("<li>new</li>", selector: "#list", mode: .append))
    /// ```
    public static func patchElements(
        _ elements: String?,
        selector: String? = nil,
        mode: ElementPatchMode = .outer,
        useViewTransition: Bool = false,
        viewTransitionSelector: String? = nil,
        namespace: ElementNamespace = .html,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        DatastarEvent(
            .patchElements(
                PatchElements(
                    elements: elements,
                    selector: selector,
                    mode: mode,
                    useViewTransition: useViewTransition,
                    viewTransitionSelector: viewTransitionSelector,
                    namespace: namespace
                )
            ),
            eventId: eventId,
            retryDuration: retryDuration
        )
    }

    /// Patches signals with JSON text, a JSON merge patch (`datastar-patch-signals`).
    ///
    /// The text is sent as given; use ``patchSignals(encoding:onlyIfMissing:eventId:retryDuration:)``
    /// or ``patchSignals(json:onlyIfMissing:eventId:retryDuration:)`` to build it from values.
    public static func patchSignals(
        _ json: String,
        onlyIfMissing: Bool = false,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        DatastarEvent(
            .patchSignals(PatchSignals(signals: json, onlyIfMissing: onlyIfMissing)),
            eventId: eventId,
            retryDuration: retryDuration
        )
    }

    /// Patches signals from a ``JSONValue``, which must be an object.
    ///
    /// ```swift
    /// try await sse.send(.patchSignals(json: ["count": 3, "user": ["name": "Ada"]]))
    /// ```
    public static func patchSignals(
        json: JSONValue,
        onlyIfMissing: Bool = false,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        guard case .object = json else { throw .signalsNotAnObject }
        return patchSignals(
            json.serialized(),
            onlyIfMissing: onlyIfMissing,
            eventId: eventId,
            retryDuration: retryDuration
        )
    }

    /// Patches signals from any `Encodable` value that encodes to a JSON object.
    ///
    /// ```swift
    /// struct Counter: Encodable { var count: Int }
    /// try await sse.send(.patchSignals(encoding: Counter(count: 3)))
    /// ```
    public static func patchSignals(
        encoding value: some Encodable,
        onlyIfMissing: Bool = false,
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        let json = try JSONValue(encoding: value)
        return try patchSignals(
            json: json,
            onlyIfMissing: onlyIfMissing,
            eventId: eventId,
            retryDuration: retryDuration
        )
    }

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
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        var rendered = ""
        for attribute in attributes {
            guard HTML.isValidAttributeName(attribute.name) else {
                throw .invalidAttributeName(attribute.name)
            }
            rendered += " \(attribute.name)=\"\(HTML.escape(attribute.value))\""
        }
        return appendScript(script, autoRemove: autoRemove, renderedAttributes: rendered, eventId, retryDuration)
    }

    /// The `<script>` patch behind ``executeScript(_:autoRemove:attributes:eventId:retryDuration:)``
    /// and the script sugar; `renderedAttributes` is already validated and escaped.
    static func appendScript(
        _ script: String,
        autoRemove: Bool = true,
        renderedAttributes: String = "",
        _ eventId: String?,
        _ retryDuration: Duration?
    ) -> DatastarEvent {
        let effect = autoRemove ? #" data-effect="el.remove()""# : ""
        return patchElements(
            "<script\(renderedAttributes)\(effect)>\(script)</script>",
            selector: "body",
            mode: .append,
            eventId: eventId,
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
        eventId: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        try executeScript(
            script,
            autoRemove: autoRemove,
            attributes: attributes.map { ScriptAttribute(name: $0.key, value: $0.value) },
            eventId: eventId,
            retryDuration: retryDuration
        )
    }
}
