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

/// Turns the `/test` request of the official conformance suite into events.
///
/// The request's signals hold an `events` array; each element names a `type`
/// (`patchElements`, `patchSignals` or `executeScript`) and its options, with the ADR's names.
public enum ConformanceCase {
    /// Why a conformance request could not be turned into events.
    public struct InvalidCase: Error, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    /// The events described by the signals of a `/test` request, in order.
    public static func events(from signals: JSONValue) throws -> [DatastarEvent] {
        guard case .array(let elements)? = signals["events"] else {
            throw InvalidCase(description: "The signals have no 'events' array.")
        }
        return try elements.enumerated().map { index, element in
            do {
                return try event(from: element)
            } catch let error as InvalidCase {
                throw InvalidCase(description: "events[\(index)]: \(error.description)")
            }
        }
    }

    private static func event(from element: JSONValue) throws -> DatastarEvent {
        let eventID = try string(element, "eventId")
        let retryDuration = try integer(element, "retryDuration").map { Duration.milliseconds($0) }
        switch try string(element, "type") {
        case "patchElements":
            var mode = ElementPatchMode.outer
            if let name = try string(element, "mode") {
                guard let parsed = ElementPatchMode(rawValue: name) else {
                    throw InvalidCase(description: "unknown mode '\(name)'")
                }
                mode = parsed
            }
            var namespace = ElementNamespace.html
            if let name = try string(element, "namespace") {
                guard let parsed = ElementNamespace(rawValue: name) else {
                    throw InvalidCase(description: "unknown namespace '\(name)'")
                }
                namespace = parsed
            }
            return .patchElements(
                try string(element, "elements"),
                selector: try string(element, "selector"),
                mode: mode,
                useViewTransition: try bool(element, "useViewTransition") ?? false,
                viewTransitionSelector: try string(element, "viewTransitionSelector"),
                namespace: namespace,
                eventID: eventID,
                retryDuration: retryDuration
            )
        case "patchSignals":
            let onlyIfMissing = try bool(element, "onlyIfMissing") ?? false
            if let raw = try string(element, "signals-raw") {
                return .patchSignals(
                    raw,
                    onlyIfMissing: onlyIfMissing,
                    eventID: eventID,
                    retryDuration: retryDuration
                )
            }
            guard let signals = element["signals"] else {
                throw InvalidCase(description: "patchSignals needs 'signals' or 'signals-raw'")
            }
            return try .patchSignals(
                json: signals,
                onlyIfMissing: onlyIfMissing,
                eventID: eventID,
                retryDuration: retryDuration
            )
        case "executeScript":
            guard let script = try string(element, "script") else {
                throw InvalidCase(description: "executeScript needs a 'script'")
            }
            var attributes: [ScriptAttribute] = []
            if let value = element["attributes"] {
                guard case .object(let members) = value else {
                    throw InvalidCase(description: "'attributes' must be an object")
                }
                attributes = members.map { member in
                    if case .string(let text) = member.value {
                        return ScriptAttribute(name: member.key, value: text)
                    }
                    return ScriptAttribute(name: member.key, value: member.value.serialized())
                }
            }
            return try .executeScript(
                script,
                autoRemove: try bool(element, "autoRemove") ?? true,
                attributes: attributes,
                eventID: eventID,
                retryDuration: retryDuration
            )
        case let type:
            throw InvalidCase(description: "unknown event type '\(type ?? "none")'")
        }
    }

    private static func string(_ element: JSONValue, _ key: String) throws -> String? {
        switch element[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw InvalidCase(description: "'\(key)' must be a string")
        }
    }

    private static func bool(_ element: JSONValue, _ key: String) throws -> Bool? {
        switch element[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw InvalidCase(description: "'\(key)' must be true or false")
        }
    }

    private static func integer(_ element: JSONValue, _ key: String) throws -> Int64? {
        switch element[key] {
        case nil, .null?: return nil
        case .number(let text)?:
            guard let value = Int64(text) else { throw InvalidCase(description: "'\(key)' must be an integer") }
            return value
        default: throw InvalidCase(description: "'\(key)' must be an integer")
        }
    }
}
