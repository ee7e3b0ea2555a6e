#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Why the signals of a request could not be read.
///
/// Each case maps to an HTTP status (``httpStatusCode``) and a message for the response body
/// (``description``); the framework adapters answer with those, so a bad request gets a 4xx
/// that names the problem, never a 500.
public enum SignalsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request carries no signals: no `datastar` query parameter (GET, DELETE), or an
    /// empty body (POST, PUT, PATCH).
    case missing(SignalsLocation)
    /// The signals are not valid JSON; the payload says where and why.
    case notJSON(JSONParseError)
    /// The signals are JSON, but do not fit the type they are read into; the payload names
    /// the path and what was expected.
    case wrongShape(String)
    /// The signals are larger than the limit, in bytes.
    case tooLarge(limit: Int)
    /// The HTTP method carries no signals (only GET, DELETE, POST, PUT and PATCH do).
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

/// Where a request carries its signals.
public enum SignalsLocation: Sendable, Hashable {
    /// The `datastar` query parameter, URL-encoded JSON (GET and DELETE).
    case queryParameter
    /// The request body, JSON (POST, PUT and PATCH).
    case body

    /// Where requests with the given HTTP method carry signals, or `nil` for a method that
    /// carries none.
    public init?(method: String) {
        switch method.uppercased() {
        case "GET", "DELETE": self = .queryParameter
        case "POST", "PUT", "PATCH": self = .body
        default: return nil
        }
    }
}

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

/// `application/x-www-form-urlencoded` query parsing, as browsers write it.
enum URLQuery {
    /// The decoded bytes of the first parameter named `name`: `+` is a space and `%XX` a
    /// byte. A malformed escape is kept as written.
    static func value(named name: String, in query: String) -> [UInt8]? {
        let nameBytes = Array(name.utf8)
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let key = decode(pair[pair.startIndex..<(equals ?? pair.endIndex)])
            guard key == nameBytes else { continue }
            guard let equals else { return [] }
            return decode(pair[pair.index(after: equals)...])
        }
        return nil
    }

    static func decode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
