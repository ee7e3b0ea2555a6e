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

@Suite("JSONValue building and serializing", .timeLimit(.minutes(1)))
struct JSONValueSerializationTests {
    @Test func literalsKeepOrder() {
        let value: JSONValue = ["zeta": 1, "alpha": [true, false, nil, "x", 1.5], "mid": ["b": 2, "a": [:]]]
        #expect(value.serialized() == #"{"zeta":1,"alpha":[true,false,null,"x",1.5],"mid":{"b":2,"a":{}}}"#)
        #expect(value.description == value.serialized())
        #expect(
            value
                == .object([
                    .init("zeta", .number("1")),
                    .init("alpha", .array([.bool(true), .bool(false), .null, .string("x"), .number("1.5")])),
                    .init("mid", .object([.init("b", .number("2")), .init("a", .object([]))])),
                ])
        )
    }

    @Test func scalars() {
        #expect(JSONValue.null.serialized() == "null")
        #expect(JSONValue.bool(true).serialized() == "true")
        #expect(JSONValue.bool(false).serialized() == "false")
        #expect(JSONValue.array([]).serialized() == "[]")
        #expect(JSONValue.object([]).serialized() == "{}")
        #expect(JSONValue.number("1.50").serialized() == "1.50")
        #expect(JSONValue.string("").serialized() == #""""#)
    }

    @Test func duplicateKeysAreKept() {
        let value = JSONValue.object([.init("a", 1), .init("a", 2)])
        #expect(value.serialized() == #"{"a":1,"a":2}"#)
        #expect(value["a"] == 1)
    }

    @Test func subscriptReadsObjectMembers() {
        let value: JSONValue = ["a": ["b": "c"], "n": nil]
        #expect(value["a"]?["b"] == "c")
        #expect(value["n"] == .null)
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([1])["a"] == nil)
        #expect(JSONValue.string("a")["a"] == nil)
    }

    @Test func integerNumbers() {
        #expect(JSONValue.number(42) == .number("42"))
        #expect(JSONValue.number(-7 as Int8) == .number("-7"))
        #expect(JSONValue.number(UInt64.max) == .number("18446744073709551615"))
        #expect(JSONValue.number(Int64.min) == .number("-9223372036854775808"))
        let literal: JSONValue = -3
        #expect(literal == .number("-3"))
    }

    @Test(arguments: [
        (2.0, "2"),
        (-0.5, "-0.5"),
        (0.1, "0.1"),
        (-0.0, "0"),
        (1e14, "100000000000000"),
        (-123456.0, "-123456"),
        (1.5e-7, "1.5e-07"),
    ])
    func doubleNumbers(value: Double, text: String) {
        #expect(JSONValue.number(value) == .number(text))
    }

    @Test func largeDoublesStayValidJSON() throws {
        for value in [1e15, 1e20, -3.5e300, Double.greatestFiniteMagnitude] {
            let json = JSONValue.number(value)
            guard case .number(let text) = json else {
                Issue.record("expected a number for \(value)")
                continue
            }
            #expect(Double(text) == value)
            #expect(try JSONValue(parsing: text) == json, "\(text) must parse as JSON")
        }
    }

    @Test func nonFiniteDoublesAreNull() {
        #expect(JSONValue.number(Double.nan) == .null)
        #expect(JSONValue.number(Double.infinity) == .null)
        #expect(JSONValue.number(-Double.infinity) == .null)
    }

    @Test func stringEscapes() {
        let text =
            "q\" b\\ s/ n\n r\r t\t b\u{08} f\u{0C} nul\u{0} one\u{1} us\u{1F} del\u{7F} é 😀 <>& \u{2028}\u{2029}"
        #expect(
            JSONValue.string(text).serialized()
                == "\"q\\\" b\\\\ s/ n\\n r\\r t\\t b\\b f\\f nul\\u0000 one\\u0001 us\\u001f del\u{7F} é 😀 <>& \u{2028}\u{2029}\""
        )
    }

    @Test(arguments: 0..<0x20)
    func everyControlCharacterIsEscaped(code: Int) throws {
        let scalar = try #require(Unicode.Scalar(code))
        let serialized = JSONValue.string(String(Character(scalar))).serialized()
        let named: [Int: String] = [0x08: #"\b"#, 0x09: #"\t"#, 0x0A: #"\n"#, 0x0C: #"\f"#, 0x0D: #"\r"#]
        let hex = String(code, radix: 16)
        let expected = named[code] ?? #"\u"# + String(repeating: "0", count: 4 - hex.count) + hex
        #expect(serialized == "\"" + expected + "\"")
        #expect(try JSONValue(parsing: serialized) == .string(String(Character(scalar))))
    }

    @Test func scriptSafeEscapesHTMLAndLineSeparators() {
        let value: JSONValue = ["<key>": "</script>&\u{2028}\u{2029}\n\"", "n": [1, "&"]]
        #expect(
            value.serialized(scriptSafe: true)
                == #"{"\u003ckey\u003e":"\u003c/script\u003e\u0026\u2028\u2029\n\"","n":[1,"\u0026"]}"#
        )
        #expect(
            value.serialized()
                == "{\"<key>\":\"</script>&\u{2028}\u{2029}\\n\\\"\",\"n\":[1,\"&\"]}"
        )
    }

    @Test func encodingAnEncodable() throws {
        struct Point: Encodable {
            var y: Int
            var x: Double
            var label: String?
            var path: String
        }
        #expect(
            try JSONValue(encoding: Point(y: 2, x: 1.25, label: nil, path: "a/b")).serialized()
                == #"{"y":2,"x":1.25,"path":"a/b"}"#
        )
        struct Wrapper: Encodable { var inner: [String: [Int]] }
        #expect(try JSONValue(encoding: Wrapper(inner: ["k/v": [1, 2]])).serialized() == #"{"inner":{"k/v":[1,2]}}"#)
        #expect(try JSONValue(encoding: [1, 2]) == [1, 2])
        #expect(try JSONValue(encoding: "s") == "s")
        #expect(try JSONValue(encoding: Optional<Int>.none) == .null)
    }

    @Test func encodingFailureThrows() {
        #expect(throws: DatastarError.self) {
            try JSONValue(encoding: [Double.infinity])
        }
    }

    @Test func codableRoundTripThroughFoundation() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", nil, true], "b": ["c": false]]
        let data = try JSONEncoder().encode(value)
        let parsed = try JSONValue(parsing: Array(data))
        // Foundation's JSONEncoder writes keys in hash order on Linux, so compare by key.
        guard case .object(let members) = parsed else {
            Issue.record("expected an object, got \(parsed)")
            return
        }
        #expect(members.map(\.key).sorted() == ["a", "b"])
        #expect(parsed["a"] == [1, 2.5, "x", nil, true])
        #expect(parsed["b"] == ["c": false])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(decoded["a"] == [1, 2.5, "x", nil, true])
        #expect(decoded["b"] == ["c": false])
    }
}

@Suite("JSON parsing", .timeLimit(.minutes(1)))
struct JSONParsingTests {
    @Test func objectsKeepMemberOrder() throws {
        let value = try JSONValue(parsing: #"{"z":1,"a":{"y":2,"b":3},"m":[]}"#)
        #expect(
            value
                == .object([
                    .init("z", .number("1")),
                    .init("a", .object([.init("y", .number("2")), .init("b", .number("3"))])),
                    .init("m", .array([])),
                ])
        )
    }

    @Test func duplicateKeysAreKept() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"a":2}"#) == .object([.init("a", 1), .init("a", 2)]))
    }

    @Test(arguments: [
        "0", "-0", "1.50", "1e10", "1E+10", "-1.5e-3", "0.0", "123456789012345678901234567890", "2E-0", "-0.000",
    ])
    func numbersKeepTheirText(text: String) throws {
        #expect(try JSONValue(parsing: text) == .number(text))
        #expect(try JSONValue(parsing: "[\(text)]").serialized() == "[\(text)]")
    }

    @Test func literals() throws {
        #expect(try JSONValue(parsing: "true") == true)
        #expect(try JSONValue(parsing: "false") == false)
        #expect(try JSONValue(parsing: "null") == nil)
        #expect(try JSONValue(parsing: #""""#) == "")
    }

    @Test func whitespaceAroundValues() throws {
        #expect(try JSONValue(parsing: " \t\r\n{ \"a\" :\n[ 1 ,\t2 ] } \n") == ["a": [1, 2]])
        #expect(try JSONValue(parsing: "[ ]") == [])
        #expect(try JSONValue(parsing: "{ }") == [:])
    }

    @Test func stringEscapes() throws {
        #expect(
            try JSONValue(parsing: #""\"\\\/\b\f\n\r\t\u00e9\u20AC\ud83d\ude00\u0000""#)
                == .string("\"\\/\u{08}\u{0C}\n\r\t\u{E9}€😀\u{0}")
        )
        #expect(try JSONValue(parsing: #""\uD834\uDD1E""#) == .string("𝄞"))
    }

    @Test func rawUTF8InStrings() throws {
        #expect(try JSONValue(parsing: "\"é 😀 \u{2028} 中文\"") == .string("é 😀 \u{2028} 中文"))
        // A run of multi-byte sequences (2, 3 and 4 bytes) between escapes.
        #expect(
            try JSONValue(parsing: [
                0x22, 0x61, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0x5C, 0x6E, 0xC3, 0xA9, 0x22,
            ])
                == .string("aé€😀\né")
        )
    }

    @Test func parsesFromAnyByteCollection() throws {
        let text = #"xx{"a":[1]}yy"#
        let bytes = Array(text.utf8)
        #expect(try JSONValue(parsing: bytes[2..<(bytes.count - 2)]) == ["a": [1]])
        #expect(try JSONValue(parsing: Array(#"{"a":[1]}"#.utf8)) == ["a": [1]])
    }

    static let errors: [(input: [UInt8], offset: Int, reason: String)] = [
        (bytes(""), 0, "empty input"),
        (bytes("   "), 3, "no value"),
        (bytes("1 2"), 2, "unexpected text after the value"),
        (bytes("01"), 1, "unexpected text after the value"),
        (bytes("{} x"), 3, "unexpected text after the value"),
        (bytes("truex"), 4, "unexpected text after the value"),
        (bytes(#""abc"#), 4, "unterminated string"),
        (bytes(#"""#), 1, "unterminated string"),
        (bytes(#""a\x""#), 3, "invalid escape"),
        (bytes(#""a\'""#), 3, "invalid escape"),
        (bytes(#""\"#), 2, "unterminated escape"),
        (bytes(#""\ud800""#), 7, #"unpaired surrogate in \u escape"#),
        (bytes(#""\ud800x""#), 7, #"unpaired surrogate in \u escape"#),
        (bytes(#""\udc00""#), 7, #"unpaired surrogate in \u escape"#),
        (bytes(#""\ud800\u0041""#), 13, #"unpaired surrogate in \u escape"#),
        (bytes(#""\ud800\ud800""#), 13, #"unpaired surrogate in \u escape"#),
        (bytes(#""\u12""#), 3, #"incomplete \u escape"#),
        (bytes(#""\u12g4""#), 5, #"invalid hex digit in \u escape"#),
        (bytes("\"a\u{1}b\""), 2, "unescaped control character in a string"),
        (bytes("\"a\nb\""), 2, "unescaped control character in a string"),
        (bytes("\"\t\""), 1, "unescaped control character in a string"),
        ([0x22, 0xFF, 0x22], 1, "invalid UTF-8 in a string"),
        ([0x22, 0xC0, 0xAF, 0x22], 1, "invalid UTF-8 in a string"),
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1, "invalid UTF-8 in a string"),
        ([0x22, 0x61, 0x5C, 0x6E, 0xE2, 0x82, 0x22], 4, "invalid UTF-8 in a string"),
        // The offset is the first byte of the first invalid sequence, not the start of the run.
        (bytes("\"abc") + [0xFF] + bytes("d\""), 4, "invalid UTF-8 in a string"),
        ([0x22, 0x61, 0xC3, 0x22], 2, "invalid UTF-8 in a string"),
        ([0x22, 0x61, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x28, 0x22], 7, "invalid UTF-8 in a string"),
        (bytes("\"\\n\u{E9}x") + [0x80, 0x22], 6, "invalid UTF-8 in a string"),
        (bytes("tru"), 0, "invalid literal, expected true"),
        (bytes("nulL"), 0, "invalid literal, expected null"),
        (bytes("fals"), 0, "invalid literal, expected false"),
        (bytes("-"), 1, "invalid number"),
        (bytes("-a"), 1, "invalid number"),
        (bytes("1."), 2, "invalid number"),
        (bytes("1.e3"), 2, "invalid number"),
        (bytes("1e"), 2, "invalid number"),
        (bytes("1e+"), 3, "invalid number"),
        (bytes(".5"), 0, "unexpected character '.'"),
        (bytes("+1"), 0, "unexpected character '+'"),
        (bytes("NaN"), 0, "unexpected character 'N'"),
        (bytes("'a'"), 0, "unexpected character '''"),
        (bytes("[1,]"), 3, "unexpected character ']'"),
        (bytes("[1"), 2, "unterminated array"),
        (bytes("["), 1, "unexpected end of input"),
        (bytes("[1 2]"), 3, "expected ',' or ']'"),
        (bytes("{"), 1, "expected a string key"),
        (bytes("{1:2}"), 1, "expected a string key"),
        (bytes(#"{"a":1,}"#), 7, "expected a string key"),
        (bytes(#"{"a" 1}"#), 5, "expected ':'"),
        (bytes(#"{"a":}"#), 5, "unexpected character '}'"),
        (bytes(#"{"a":1 "b":2}"#), 7, "expected ',' or '}'"),
        (bytes(#"{"a":1"#), 6, "unterminated object"),
        (bytes(#"{"a":"#), 5, "unexpected end of input"),
    ]

    @Test(arguments: errors)
    func errorsNameOffsetAndReason(input: [UInt8], offset: Int, reason: String) {
        #expect(throws: JSONParseError(offset: offset, reason: reason)) {
            try JSONValue(parsing: input)
        }
    }

    @Test func formFeedIsNotWhitespace() {
        #expect(throws: JSONParseError(offset: 0, reason: "unexpected character '\u{0C}'")) {
            try JSONValue(parsing: "\u{0C}1")
        }
    }

    @Test func errorDescription() {
        #expect(JSONParseError(offset: 3, reason: "expected ':'").description == "expected ':' at byte 3")
        #expect(throws: JSONParseError(offset: 0, reason: "empty input")) { try JSONValue(parsing: "") }
    }

    @Test func nestingWithinMaxDepth() throws {
        #expect(try JSONValue(parsing: "[[1]]", maxDepth: 2) == [[1]])
        #expect(try JSONValue(parsing: #"{"a":{"b":1}}"#, maxDepth: 2) == ["a": ["b": 1]])
        #expect(try JSONValue(parsing: "[[],[],{}]", maxDepth: 2) == [[], [], [:]])
        #expect(try JSONValue(parsing: "1", maxDepth: 0) == 1)
    }

    @Test func nestingDeeperThanMaxDepthThrows() {
        #expect(throws: JSONParseError(offset: 2, reason: "nesting deeper than 2 levels")) {
            try JSONValue(parsing: "[[[1]]]", maxDepth: 2)
        }
        #expect(throws: JSONParseError(offset: 10, reason: "nesting deeper than 2 levels")) {
            try JSONValue(parsing: #"{"a":{"b":{}}}"#, maxDepth: 2)
        }
        #expect(throws: JSONParseError(offset: 0, reason: "nesting deeper than 0 levels")) {
            try JSONValue(parsing: "[]", maxDepth: 0)
        }
    }

    @Test func defaultMaxDepth() throws {
        #expect(JSONValue.defaultMaxDepth == 512)
        let depth = JSONValue.defaultMaxDepth
        let ok = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try JSONValue(parsing: ok).serialized() == ok)
        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        #expect(throws: JSONParseError(offset: depth, reason: "nesting deeper than 512 levels")) {
            try JSONValue(parsing: tooDeep)
        }
        // Hostile input far deeper than the limit fails cleanly instead of exhausting the stack.
        let hostile = String(repeating: #"{"a":["#, count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: hostile) }
    }

    @Test(arguments: [
        #"{"a":[1,2.50,-0,1e10,{"b":null}],"c":"x\"y\\z","d":true,"e":false,"f":{},"g":[]}"#,
        #"[]"#,
        #""just a string""#,
        #"{"user":{"name":"Ada","email":null,"tags":["x","y"]},"count":3}"#,
        #"{"ctl":"\u0001\n\t","uni":"é😀"}"#,
    ])
    func roundTrip(document: String) throws {
        let value = try JSONValue(parsing: document)
        #expect(value.serialized() == document)
        #expect(try JSONValue(parsing: value.serialized()) == value)
    }

    @Test func roundTripNormalizes() throws {
        let value = try JSONValue(parsing: " { \"a\\/b\" : \"\\u00e9\\u0041\\u003c\" , \"n\" : [ 1E5 ] } ")
        #expect(value.serialized() == #"{"a/b":"éA<","n":[1E5]}"#)
        #expect(value.serialized(scriptSafe: true) == #"{"a/b":"éA\u003c","n":[1E5]}"#)
    }
}
