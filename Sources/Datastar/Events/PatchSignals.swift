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

// MARK: - The ADR's operation

extension DatastarEvent {
    /// Patches signals with JSON text, a JSON merge patch (`datastar-patch-signals`).
    ///
    /// The text is sent as given; use ``patchSignals(encoding:onlyIfMissing:eventID:retryDuration:)``
    /// or ``patchSignals(json:onlyIfMissing:eventID:retryDuration:)`` to build it from values.
    public static func patchSignals(
        _ json: String,
        onlyIfMissing: Bool = false,
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) -> DatastarEvent {
        DatastarEvent(
            .patchSignals(PatchSignals(signals: json, onlyIfMissing: onlyIfMissing)),
            eventID: eventID,
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
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        guard case .object = json else { throw .signalsNotAnObject }
        return patchSignals(
            json.serialized(),
            onlyIfMissing: onlyIfMissing,
            eventID: eventID,
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
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        let json = try JSONValue(encoding: value)
        return try patchSignals(
            json: json,
            onlyIfMissing: onlyIfMissing,
            eventID: eventID,
            retryDuration: retryDuration
        )
    }
}

// MARK: - Sugar the ADR leaves to each SDK, built only on the operation above

extension DatastarEvent {
    /// Removes signals by dotted path: `["user.name", "draft"]` becomes the merge patch
    /// `{"user":{"name":null},"draft":null}`. A path that is a prefix of another wins.
    ///
    /// - Throws: ``DatastarError/invalidSignalPath(_:)`` for an empty path or segment.
    public static func removeSignals(
        _ paths: [String],
        eventID: String? = nil,
        retryDuration: Duration? = nil
    ) throws(DatastarError) -> DatastarEvent {
        var patch = JSONValue.object([])
        for path in paths {
            let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !segments.contains(where: \.isEmpty) else { throw .invalidSignalPath(path) }
            patch.setNull(at: segments[...])
        }
        return try patchSignals(json: patch, eventID: eventID, retryDuration: retryDuration)
    }
}

extension JSONValue {
    /// Sets `null` at a path of object keys, creating objects on the way; used to build
    /// signal-removal patches. A `null` already on the path wins over a deeper one.
    mutating func setNull(at path: ArraySlice<String>) {
        guard let key = path.first else { return }
        guard case .object(var members) = self else { return }
        let rest = path.dropFirst()
        if let index = members.firstIndex(where: { $0.key == key }) {
            if rest.isEmpty {
                members[index].value = .null
            } else if case .object = members[index].value {
                members[index].value.setNull(at: rest)
            }
        } else {
            var child: JSONValue = rest.isEmpty ? .null : .object([])
            child.setNull(at: rest)
            members.append(Member(key, child))
        }
        self = .object(members)
    }
}
