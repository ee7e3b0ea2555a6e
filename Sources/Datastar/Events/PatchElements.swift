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

// MARK: - The ADR's operation

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
        eventID: String? = nil,
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
            eventID: eventID,
            retryDuration: retryDuration
        )
    }
}

// MARK: - Sugar the ADR leaves to each SDK, built only on the operation above

extension DatastarEvent {
    /// Removes the elements that match a CSS selector.
    ///
    /// ```swift
    /// try await sse.send(.removeElements(selector: "#toast"))
    /// ```
    public static func removeElements(
        selector: String,
        useViewTransition: Bool = false,
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        patchElements(
            nil,
            selector: selector,
            mode: .remove,
            useViewTransition: useViewTransition,
            eventID: eventID,
            retryDuration: retryDuration
        )
    }

    /// Removes the elements whose ids match the top-level elements given, such as
    /// `<div id="a"></div><div id="b"></div>`.
    public static func removeElements(
        _ elements: String,
        useViewTransition: Bool = false,
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        patchElements(
            elements,
            mode: .remove,
            useViewTransition: useViewTransition,
            eventID: eventID,
            retryDuration: retryDuration
        )
    }
}
