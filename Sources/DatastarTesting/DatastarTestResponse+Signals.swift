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

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension DatastarEvent {
    /// The merge patch of a patch-signals event, parsed; `nil` for any other event (or text
    /// that is not a JSON object, which ``DatastarTestResponse`` never returns).
    ///
    /// ```swift
    /// #expect(response.events.first?.signals == ["count": 3])
    /// ```
    public var signals: JSONValue? {
        guard case .patchSignals(let patch) = payload else { return nil }
        return try? JSONValue(signalsPatch: patch.signals)
    }
}

extension DatastarTestResponse {
    /// The signals the client holds after applying every patch-signals event in order to an
    /// empty object (JSON merge patch, RFC 7386: `null` removes a signal; an `onlyIfMissing`
    /// patch adds only signals that do not exist yet).
    public var signals: JSONValue {
        var state = JSONValue.object([])
        for event in events {
            guard case .patchSignals(let patch) = event.payload, let json = event.signals else { continue }
            state.mergePatch(json, onlyIfMissing: patch.onlyIfMissing)
        }
        return state
    }

    /// Decodes ``signals`` (every patch, merged) into a `Decodable` type.
    ///
    /// ```swift
    /// struct Counter: Decodable { var count: Int }
    /// #expect(try response.signals(as: Counter.self).count == 3)
    /// ```
    ///
    /// - Throws: ``DatastarTestError/signalsDoNotDecode(_:)``.
    public func signals<Signals: Decodable>(
        as type: Signals.Type,
        decoder: JSONDecoder = JSONDecoder()
    ) throws(DatastarTestError) -> Signals {
        do {
            return try DatastarSignals.decode(type, from: Array(signals.serialized().utf8), decoder: decoder)
        } catch {
            throw .signalsDoNotDecode(error.description)
        }
    }
}

extension JSONValue {
    /// Parses the text of a signals patch, which must be a JSON object.
    init(signalsPatch text: String) throws(DatastarTestError) {
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: text)
        } catch {
            throw .invalidJSON(error.description)
        }
        guard case .object = parsed else { throw .invalidJSON("signals are not an object: \(text)") }
        self = parsed
    }

    /// Applies a JSON merge patch (RFC 7386) to this value.
    mutating func mergePatch(_ patch: JSONValue, onlyIfMissing: Bool = false) {
        guard case .object(let changes) = patch else {
            if !onlyIfMissing { self = patch }
            return
        }
        guard case .object(var members) = self else {
            if onlyIfMissing { return }
            var fresh = JSONValue.object([])
            fresh.mergePatch(patch)
            self = fresh
            return
        }
        for change in changes {
            let index = members.firstIndex(where: { $0.key == change.key })
            if case .null = change.value {
                if !onlyIfMissing, let index { members.remove(at: index) }
            } else if let index {
                if onlyIfMissing, case .object = change.value, case .object = members[index].value {
                    members[index].value.mergePatch(change.value, onlyIfMissing: true)
                } else if !onlyIfMissing {
                    members[index].value.mergePatch(change.value)
                }
            } else {
                var value = JSONValue.object([])
                value.mergePatch(change.value)
                members.append(Member(change.key, value))
            }
        }
        self = .object(members)
    }
}
