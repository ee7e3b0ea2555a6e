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

import Datastar
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

private struct Counter: Decodable, Equatable {
    struct User: Decodable, Equatable {
        var name: String
    }
    var count: Int
    var user: User
}

@Suite("reading raw signals", .timeLimit(.minutes(1)))
struct RawSignalsTests {
    /// `{"n":1}` URL-encoded.
    static let encodedN1 = "%7B%22n%22%3A1%7D"

    func raw(_ method: String, query: String? = nil, body: [UInt8]? = nil, limit: Int = DatastarSignals.defaultLimit)
        throws -> String
    {
        String(
            decoding: try DatastarSignals.rawSignals(method: method, query: query, body: body, limit: limit),
            as: UTF8.self
        )
    }

    @Test func constants() {
        #expect(DatastarSignals.queryParameterName == "datastar")
        #expect(DatastarSignals.defaultLimit == 1_048_576)
    }

    @Test(arguments: ["GET", "DELETE", "get", "Get", "delete", "dElEtE"])
    func queryMethodsReadTheDatastarParameter(method: String) throws {
        #expect(try raw(method, query: "datastar=\(Self.encodedN1)") == #"{"n":1}"#)
        // The body is ignored.
        #expect(try raw(method, query: "datastar=\(Self.encodedN1)", body: bytes(#"{"n":2}"#)) == #"{"n":1}"#)
    }

    @Test(arguments: ["POST", "PUT", "PATCH", "QUERY", "post", "Put", "pAtCh", "query"])
    func bodyMethodsReadTheBody(method: String) throws {
        #expect(try raw(method, body: bytes(#"{"n":2}"#)) == #"{"n":2}"#)
        // The query is ignored.
        #expect(try raw(method, query: "datastar=\(Self.encodedN1)", body: bytes(#"{"n":2}"#)) == #"{"n":2}"#)
        #expect(throws: SignalsError.missing(.body)) {
            try DatastarSignals.rawSignals(method: method, query: "datastar=\(Self.encodedN1)", body: nil)
        }
    }

    @Test func bodyIsReturnedByteForByte() throws {
        let body: [UInt8] = bytes("{ \"a\" : \"%7B+\" }\n")
        #expect(try DatastarSignals.rawSignals(method: "POST", query: nil, body: body) == body)
    }

    @Test(arguments: [
        ("datastar=%7B%22s%22%3A%22a+b%22%7D", #"{"s":"a b"}"#),
        ("datastar=%7B%22s%22%3A%22a%2Bb%22%7D", #"{"s":"a+b"}"#),
        ("datastar=%7b%22s%22%3a%22%c3%a9%22%7d", #"{"s":"é"}"#),
        ("datastar=%7B%22s%22%3A%22%E2%82%AC%22%7D", #"{"s":"€"}"#),
        ("datastar={\"raw\":true}", #"{"raw":true}"#),
        ("a=1&datastar=%7B%7D&b=2", "{}"),
        ("a=1&b=2&datastar=%7B%7D", "{}"),
        ("datastar=%7B%7D&other=%7B%22x%22%3A1%7D", "{}"),
        ("&&datastar=%7B%7D&&", "{}"),
        ("data%73tar=%7B%7D", "{}"),
        ("datastar=%7B%22n%22%3A1%7D&datastar=%7B%22n%22%3A2%7D", #"{"n":1}"#),
        ("x=datastar&datastar=%5B1%5D", "[1]"),
        ("datastar=%7B%22p%22%3A%22%zz%25%22%7D", #"{"p":"%zz%"}"#),
        ("datastar=%7B%7D%4", "{}%4"),
        ("datastar=a=b", "a=b"),
    ])
    func queryValueIsURLDecoded(query: String, expected: String) throws {
        #expect(try raw("GET", query: query) == expected)
        #expect(try raw("DELETE", query: query) == expected)
    }

    @Test(arguments: [
        String?.none, "", "a=1", "datastar", "datastar=", "Datastar=%7B%7D", "xdatastar=%7B%7D", "datastarx=%7B%7D",
        "a=datastar",
    ])
    func missingQueryParameter(query: String?) {
        #expect(throws: SignalsError.missing(.queryParameter)) {
            try DatastarSignals.rawSignals(method: "GET", query: query, body: bytes("{}"))
        }
        #expect(throws: SignalsError.missing(.queryParameter)) {
            try DatastarSignals.rawSignals(method: "DELETE", query: query, body: nil)
        }
    }

    @Test(arguments: [[UInt8]?.none, []])
    func missingBody(body: [UInt8]?) {
        for method in ["POST", "PUT", "PATCH", "QUERY"] {
            #expect(throws: SignalsError.missing(.body)) {
                try DatastarSignals.rawSignals(method: method, query: "datastar=%7B%7D", body: body)
            }
        }
    }

    @Test func queryLimitAppliesToTheDecodedValue() throws {
        // `{"n":1}` is 7 bytes decoded, 17 encoded.
        #expect(try raw("GET", query: "datastar=\(Self.encodedN1)", limit: 7) == #"{"n":1}"#)
        #expect(throws: SignalsError.tooLarge(limit: 6)) {
            try DatastarSignals.rawSignals(method: "GET", query: "datastar=\(Self.encodedN1)", body: nil, limit: 6)
        }
        #expect(throws: SignalsError.tooLarge(limit: 6)) {
            try DatastarSignals.rawSignals(method: "DELETE", query: "datastar=\(Self.encodedN1)", body: nil, limit: 6)
        }
    }

    @Test func bodyLimit() throws {
        let body = bytes(#"{"n":10}"#)
        #expect(try DatastarSignals.rawSignals(method: "POST", query: nil, body: body, limit: 8) == body)
        #expect(throws: SignalsError.tooLarge(limit: 7)) {
            try DatastarSignals.rawSignals(method: "PUT", query: nil, body: body, limit: 7)
        }
        #expect(throws: SignalsError.tooLarge(limit: 7)) {
            try DatastarSignals.rawSignals(method: "QUERY", query: nil, body: body, limit: 7)
        }
    }

    @Test func defaultLimit() throws {
        let atLimit = [UInt8](repeating: 0x20, count: DatastarSignals.defaultLimit)
        #expect(
            try DatastarSignals.rawSignals(method: "POST", query: nil, body: atLimit).count
                == DatastarSignals.defaultLimit
        )
        #expect(throws: SignalsError.tooLarge(limit: DatastarSignals.defaultLimit)) {
            try DatastarSignals.rawSignals(method: "PATCH", query: nil, body: atLimit + [0x20])
        }
        let bigQuery = "datastar=" + String(repeating: "a", count: DatastarSignals.defaultLimit + 1)
        #expect(throws: SignalsError.tooLarge(limit: DatastarSignals.defaultLimit)) {
            try DatastarSignals.rawSignals(method: "GET", query: bigQuery, body: nil)
        }
    }

    @Test(arguments: ["HEAD", "OPTIONS", "CONNECT", "TRACE", "head", "", "GETX", "QUERYX", "SEARCH"])
    func unsupportedMethods(method: String) {
        #expect(throws: SignalsError.unsupportedMethod(method)) {
            try DatastarSignals.rawSignals(method: method, query: "datastar=%7B%7D", body: bytes("{}"))
        }
    }

    @Test func locationOfMethods() {
        #expect(SignalsLocation(method: "GET") == .queryParameter)
        #expect(SignalsLocation(method: "delete") == .queryParameter)
        #expect(SignalsLocation(method: "POST") == .body)
        #expect(SignalsLocation(method: "put") == .body)
        #expect(SignalsLocation(method: "Patch") == .body)
        #expect(SignalsLocation(method: "QUERY") == .body)
        #expect(SignalsLocation(method: "query") == .body)
        #expect(SignalsLocation(method: "HEAD") == nil)
        #expect(SignalsLocation(method: "OPTIONS") == nil)
        #expect(SignalsLocation(method: "") == nil)
    }
}

@Suite("decoding signals", .timeLimit(.minutes(1)))
struct DecodeSignalsTests {
    @Test func decodesIntoADecodable() throws {
        #expect(
            try DatastarSignals.decode(Counter.self, from: bytes(#"{"count":3,"user":{"name":"Ada"},"extra":true}"#))
                == Counter(count: 3, user: .init(name: "Ada"))
        )
    }

    @Test func readsAndDecodesInOneStep() throws {
        let query = "datastar=%7B%22count%22%3A3%2C%22user%22%3A%7B%22name%22%3A%22Ada+L%22%7D%7D"
        #expect(
            try DatastarSignals.decode(Counter.self, method: "GET", query: query, body: nil)
                == Counter(count: 3, user: .init(name: "Ada L"))
        )
        #expect(
            try DatastarSignals.decode(
                Counter.self,
                method: "POST",
                query: nil,
                body: bytes(#"{"count":4,"user":{"name":"B"}}"#)
            )
                == Counter(count: 4, user: .init(name: "B"))
        )
        #expect(throws: SignalsError.missing(.body)) {
            try DatastarSignals.decode(Counter.self, method: "PUT", query: query, body: nil)
        }
        #expect(throws: SignalsError.tooLarge(limit: 10)) {
            try DatastarSignals.decode(
                Counter.self,
                method: "PATCH",
                query: nil,
                body: bytes(#"{"count":4,"user":{"name":"B"}}"#),
                limit: 10
            )
        }
        #expect(throws: SignalsError.unsupportedMethod("OPTIONS")) {
            try DatastarSignals.decode(Counter.self, method: "OPTIONS", query: query, body: nil)
        }
    }

    @Test func customDecoder() throws {
        struct Snake: Decodable, Equatable { var userName: String }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(
            try DatastarSignals.decode(Snake.self, from: bytes(#"{"user_name":"Ada"}"#), decoder: decoder)
                == Snake(userName: "Ada")
        )
        #expect(
            try DatastarSignals.decode(
                Snake.self,
                method: "POST",
                query: nil,
                body: bytes(#"{"user_name":"B"}"#),
                decoder: decoder
            )
                == Snake(userName: "B")
        )
    }

    @Test func decodingIntoJSONValueKeepsMemberOrder() throws {
        let value = try DatastarSignals.decode(
            JSONValue.self,
            from: bytes(#"{"z":1,"a":2,"m":{"y":true,"b":"1.50"},"n":1.50}"#)
        )
        #expect(value.serialized() == #"{"z":1,"a":2,"m":{"y":true,"b":"1.50"},"n":1.50}"#)
        let fromQuery = try DatastarSignals.decode(
            JSONValue.self,
            method: "GET",
            query: "datastar=%7B%22z%22%3A1%2C%22a%22%3A2%7D",
            body: nil
        )
        #expect(fromQuery == .object([.init("z", 1), .init("a", 2)]))
    }

    @Test(arguments: [
        ("{", 1, "expected a string key"),
        (#"{"a":1} x"#, 8, "unexpected text after the value"),
        ("not json", 0, "invalid literal, expected null"),
        ("<html>", 0, "unexpected character '<'"),
        (#"{"a":tru}"#, 5, "invalid literal, expected true"),
        ("   ", 3, "no value"),
    ])
    func notJSON(text: String, offset: Int, reason: String) {
        let parseError = JSONParseError(offset: offset, reason: reason)
        #expect(throws: SignalsError.notJSON(parseError)) {
            try DatastarSignals.decode(Counter.self, from: bytes(text))
        }
        #expect(throws: SignalsError.notJSON(parseError)) {
            try DatastarSignals.decode(JSONValue.self, from: bytes(text))
        }
        #expect(throws: SignalsError.notJSON(parseError)) {
            try DatastarSignals.decode(Counter.self, method: "POST", query: nil, body: bytes(text))
        }
    }

    func wrongShapeMessage<T: Decodable>(
        _ type: T.Type,
        _ json: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let error = try #require(throws: SignalsError.self, sourceLocation: sourceLocation) {
            try DatastarSignals.decode(type, from: bytes(json))
        }
        guard case .wrongShape(let message) = error else {
            Issue.record("expected wrongShape, got \(error)", sourceLocation: sourceLocation)
            return ""
        }
        #expect(error.httpStatusCode == 400, sourceLocation: sourceLocation)
        #expect(
            error.description == "Datastar signals do not have the expected shape: \(message)",
            sourceLocation: sourceLocation
        )
        return message
    }

    @Test func missingKeyAtTopLevel() throws {
        let message = try wrongShapeMessage(Counter.self, #"{"user":{"name":"Ada"}}"#)
        #expect(message == "missing key 'count' at the top level.")
    }

    @Test func missingNestedKey() throws {
        let message = try wrongShapeMessage(Counter.self, #"{"count":1,"user":{}}"#)
        #expect(message == "missing key 'name' at 'user'.")
    }

    @Test func typeMismatch() throws {
        let message = try wrongShapeMessage(Counter.self, #"{"count":"three","user":{"name":"Ada"}}"#)
        #expect(message == "expected Int at 'count'.")
        let nested = try wrongShapeMessage(Counter.self, #"{"count":1,"user":{"name":7}}"#)
        #expect(nested == "expected String at 'user.name'.")
    }

    @Test func typeMismatchInArray() throws {
        struct Items: Decodable { var items: [Int] }
        let message = try wrongShapeMessage(Items.self, #"{"items":[1,"x"]}"#)
        #expect(message == "expected Int at 'items[1]'.")
    }

    @Test func topLevelMismatch() throws {
        let message = try wrongShapeMessage(Counter.self, "[1]")
        #expect(message.contains("the top level"))
    }

    @Test func nullForNonOptional() throws {
        let message = try wrongShapeMessage(Counter.self, #"{"count":null,"user":{"name":"Ada"}}"#)
        #expect(message == "expected Int but found null at 'count'.")
    }

    @Test func invalidValue() throws {
        enum Mode: String, Decodable { case on, off }
        struct Settings: Decodable { var mode: Mode }
        let message = try wrongShapeMessage(Settings.self, #"{"mode":"sideways"}"#)
        #expect(message.hasPrefix("invalid value at 'mode': "))
    }

    @Test func httpStatusCodes() {
        #expect(SignalsError.missing(.queryParameter).httpStatusCode == 400)
        #expect(SignalsError.missing(.body).httpStatusCode == 400)
        #expect(SignalsError.notJSON(JSONParseError(offset: 0, reason: "empty input")).httpStatusCode == 400)
        #expect(SignalsError.wrongShape("x").httpStatusCode == 400)
        #expect(SignalsError.tooLarge(limit: 1).httpStatusCode == 413)
        #expect(SignalsError.unsupportedMethod("HEAD").httpStatusCode == 405)
    }

    @Test func descriptions() {
        #expect(
            SignalsError.missing(.queryParameter).description
                == "Missing Datastar signals: the request has no 'datastar' query parameter."
        )
        #expect(SignalsError.missing(.body).description == "Missing Datastar signals: the request body is empty.")
        #expect(
            SignalsError.notJSON(JSONParseError(offset: 1, reason: "expected a string key")).description
                == "Datastar signals are not valid JSON: expected a string key at byte 1."
        )
        #expect(
            SignalsError.wrongShape("missing key 'a' at the top level.").description
                == "Datastar signals do not have the expected shape: missing key 'a' at the top level."
        )
        #expect(
            SignalsError.tooLarge(limit: 1024).description
                == "Datastar signals are larger than the limit of 1024 bytes."
        )
        #expect(SignalsError.unsupportedMethod("HEAD").description == "HEAD requests carry no Datastar signals.")
    }
}
