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

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Reads the signals the browser sends with every Datastar request.
///
/// The framework adapters call these with what the request carries; they are public so any
/// server can use them:
///
/// ```swift
/// let raw = try DatastarSignals.rawSignals(method: "GET", query: "datastar=%7B%22n%22%3A1%7D", body: nil)
/// let signals = try DatastarSignals.decode(Counter.self, from: raw)
/// ```
public enum DatastarSignals {
    /// The default limit on the size of signals: 1 MiB.
    public static let defaultLimit = 1 << 20

    /// The name of the query parameter that carries signals on GET and DELETE requests.
    public static let queryParameterName = "datastar"

    /// The raw JSON bytes of a request's signals.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - query: the raw (still URL-encoded) query string, without the `?`.
    ///   - body: the request body, for methods that carry signals there.
    ///   - limit: the largest accepted size in bytes, of the decoded query value or the body.
    /// - Throws: ``SignalsError/missing(_:)``, ``SignalsError/tooLarge(limit:)`` or
    ///   ``SignalsError/unsupportedMethod(_:)``.
    public static func rawSignals(
        method: String,
        query: String?,
        body: [UInt8]?,
        limit: Int = defaultLimit
    ) throws(SignalsError) -> [UInt8] {
        guard let location = SignalsLocation(method: method) else { throw .unsupportedMethod(method) }
        switch location {
        case .queryParameter:
            guard let query, let value = URLQuery.value(named: queryParameterName, in: query), !value.isEmpty
            else { throw .missing(.queryParameter) }
            guard value.count <= limit else { throw .tooLarge(limit: limit) }
            return value
        case .body:
            guard let body, !body.isEmpty else { throw .missing(.body) }
            guard body.count <= limit else { throw .tooLarge(limit: limit) }
            return body
        }
    }

    /// Decodes raw signals into a `Decodable` type.
    ///
    /// Reading into ``JSONValue`` parses with member order kept; any other type goes through
    /// `JSONDecoder`.
    ///
    /// - Throws: ``SignalsError/notJSON(_:)`` for text that is not JSON, and
    ///   ``SignalsError/wrongShape(_:)`` for JSON that does not fit `type`.
    public static func decode<Signals: Decodable>(
        _ type: Signals.Type,
        from raw: [UInt8],
        decoder: JSONDecoder = JSONDecoder()
    ) throws(SignalsError) -> Signals {
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: raw)
        } catch {
            throw .notJSON(error)
        }
        if let value = parsed as? Signals { return value }
        do {
            return try decoder.decode(Signals.self, from: Data(raw))
        } catch let error as DecodingError {
            throw .wrongShape(describe(error))
        } catch {
            throw .wrongShape("\(error)")
        }
    }

    /// Reads and decodes a request's signals in one step; see
    /// ``rawSignals(method:query:body:limit:)`` and ``decode(_:from:decoder:)``.
    public static func decode<Signals: Decodable>(
        _ type: Signals.Type,
        method: String,
        query: String?,
        body: [UInt8]?,
        limit: Int = defaultLimit,
        decoder: JSONDecoder = JSONDecoder()
    ) throws(SignalsError) -> Signals {
        let raw = try rawSignals(method: method, query: query, body: body, limit: limit)
        return try decode(type, from: raw, decoder: decoder)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the top level" : "'" + text.drop(while: { $0 == "." }) + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context.codingPath))."
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath))."
        case .valueNotFound(let type, let context):
            return "expected \(type) but found null at \(path(context.codingPath))."
        case .dataCorrupted(let context):
            return "invalid value at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
