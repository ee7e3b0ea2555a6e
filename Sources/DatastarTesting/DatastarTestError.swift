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

/// Why a response could not be read as the Datastar client would apply it.
///
/// The test kit is stricter than the browser: where the client silently ignores something a
/// server sent (an unknown event type, a data line without a key, an event cut off at the end
/// of the body), the kit throws, so the test names the bug.
public enum DatastarTestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status is neither 200 nor 204; the client applies nothing from such a response.
    case unexpectedStatus(Int)
    /// The `Content-Type` is none of `text/event-stream`, `text/html`, `application/json`,
    /// `text/javascript` (or the header is missing).
    case unsupportedContentType(String?)
    /// An SSE line that has no colon; the specification reads it as a field without value,
    /// the Datastar client ignores it, so a server should never send one.
    case lineWithoutColon(String)
    /// The body ends inside an event: the last event has no blank line after it, and the
    /// client drops it.
    case unterminatedEvent
    /// An SSE event whose type is not `datastar-patch-elements` or `datastar-patch-signals`
    /// (an empty string when the event has data but no `event:` line).
    case unknownEventType(String)
    /// A `retry:` value that is not a whole number of milliseconds.
    case invalidRetry(String)
    /// A `data:` line of a Datastar event without the space that separates key and value.
    case dataLineWithoutKey(String)
    /// A data key (or `datastar-*` header) the event type does not have.
    case unknownKey(String)
    /// A value the client cannot use: `key` names the data key or header.
    case invalidValue(key: String, value: String)
    /// A patch-signals event without signals.
    case missingSignals
    /// Signals (or `datastar-script-attributes`) that are not JSON, or not a JSON object.
    case invalidJSON(String)
    /// Signals that do not decode into the requested type.
    case signalsDoNotDecode(String)
    /// A script attribute the SDK cannot represent (its name is not a valid HTML attribute
    /// name).
    case invalidScriptAttribute(DatastarError)

    /// What went wrong, in words.
    public var description: String {
        switch self {
        case .unexpectedStatus(let status): return "status \(status); the Datastar client applies only 200 and 204"
        case .unsupportedContentType(let type): return "unsupported content type \(type ?? "(none)")"
        case .lineWithoutColon(let line): return "SSE line without colon: \(line.debugDescription)"
        case .unterminatedEvent: return "the body ends inside an event (no blank line after it)"
        case .unknownEventType(let type): return "unknown event type \(type.debugDescription)"
        case .invalidRetry(let value): return "invalid retry \(value.debugDescription)"
        case .dataLineWithoutKey(let line): return "data line without key: \(line.debugDescription)"
        case .unknownKey(let key): return "unknown key \(key.debugDescription)"
        case .invalidValue(let key, let value): return "invalid \(key): \(value.debugDescription)"
        case .missingSignals: return "a patch-signals event without signals"
        case .invalidJSON(let reason): return "invalid JSON: \(reason)"
        case .signalsDoNotDecode(let reason): return "signals do not decode: \(reason)"
        case .invalidScriptAttribute(let error): return "invalid script attribute: \(error)"
        }
    }
}
