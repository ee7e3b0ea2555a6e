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

/// An error thrown while building or encoding a Datastar event.
///
/// Every case names the input that was rejected, so the message can be shown to a developer as
/// is. None of these errors is ever caused by the client: they are programming errors in the
/// server that called the SDK with values that cannot be sent safely.
public enum DatastarError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A single-line field (an event id, a selector, a view-transition selector) contains a
    /// carriage return or a line feed, which would let the value inject SSE fields.
    case lineBreakInField(field: String)
    /// A script attribute name is empty or contains a character that is not allowed in an HTML
    /// attribute name (whitespace, control characters, `"`, `'`, `>`, `/`, `=`).
    case invalidAttributeName(String)
    /// A retry duration is negative.
    case negativeRetryDuration
    /// Signals must be a JSON object; the value encoded to something else.
    case signalsNotAnObject
    /// An `Encodable` value could not be encoded to JSON; the payload is the encoder's message.
    case signalsEncodingFailed(String)
    /// A signal path (for ``DatastarEvent/removeSignals(_:eventID:retryDuration:)``) is empty
    /// or has an empty segment, such as `user..name`.
    case invalidSignalPath(String)
    /// A custom DOM event name is empty or contains whitespace or a line break.
    case invalidEventName(String)

    /// A message that says what went wrong.
    public var description: String {
        switch self {
        case .lineBreakInField(let field):
            return "The \(field) must be a single line: it contains a carriage return or line feed."
        case .invalidAttributeName(let name):
            return "\"\(name)\" is not a valid HTML attribute name."
        case .negativeRetryDuration:
            return "The retry duration must not be negative."
        case .signalsNotAnObject:
            return "Signals must encode to a JSON object."
        case .signalsEncodingFailed(let message):
            return "The signals could not be encoded as JSON: \(message)"
        case .invalidSignalPath(let path):
            return "\"\(path)\" is not a valid signal path: use dot-separated, non-empty names."
        case .invalidEventName(let name):
            return "\"\(name)\" is not a valid DOM event name: it must be non-empty, without whitespace."
        }
    }
}
