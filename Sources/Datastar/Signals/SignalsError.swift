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

/// Why the signals of a request could not be read.
///
/// Each case maps to an HTTP status (``httpStatusCode``) and a message for the response body
/// (``description``); the framework adapters answer with those, so a bad request gets a 4xx
/// that names the problem, never a 500.
public enum SignalsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request carries no signals: no `datastar` query parameter (GET, DELETE), or an
    /// empty body (POST, PUT, PATCH, QUERY).
    case missing(SignalsLocation)
    /// The signals are not valid JSON; the payload says where and why.
    case notJSON(JSONParseError)
    /// The signals are JSON, but do not fit the type they are read into; the payload names
    /// the path and what was expected.
    case wrongShape(String)
    /// The signals are larger than the limit, in bytes.
    case tooLarge(limit: Int)
    /// The HTTP method carries no signals (only GET, DELETE, POST, PUT, PATCH and QUERY do).
    case unsupportedMethod(String)

    /// 413 for ``tooLarge(limit:)``, 405 for ``unsupportedMethod(_:)``, 400 for the rest.
    public var httpStatusCode: Int {
        switch self {
        case .tooLarge: return 413
        case .unsupportedMethod: return 405
        case .missing, .notJSON, .wrongShape: return 400
        }
    }

    /// A message that says what went wrong.
    public var description: String {
        switch self {
        case .missing(.queryParameter):
            return "Missing Datastar signals: the request has no 'datastar' query parameter."
        case .missing(.body):
            return "Missing Datastar signals: the request body is empty."
        case .notJSON(let error):
            return "Datastar signals are not valid JSON: \(error)."
        case .wrongShape(let message):
            return "Datastar signals do not have the expected shape: \(message)"
        case .tooLarge(let limit):
            return "Datastar signals are larger than the limit of \(limit) bytes."
        case .unsupportedMethod(let method):
            return "\(method) requests carry no Datastar signals."
        }
    }
}
