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

/// The compact JSON text `value` encodes to.
private func json(_ value: some Encodable) throws -> String {
    try JSONValue(encoding: value).serialized()
}

/// The message of a `signalsEncodingFailed` error thrown by `body`, or `nil` (after recording
/// an issue) for any other outcome.
private func encodingFailure(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> String? {
    do {
        try body()
        Issue.record("expected signalsEncodingFailed, nothing was thrown", sourceLocation: sourceLocation)
    } catch DatastarError.signalsEncodingFailed(let message) {
        return message
    } catch {
        Issue.record("expected signalsEncodingFailed, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite("Encoding Encodable values to JSONValue", .timeLimit(.minutes(1)))
struct JSONValueEncoderTests {
    struct Alphabetical: Encodable {
        var alpha = 1
        var bravo = "b"
        var charlie = true
        var delta = 4.5
        var echo: [Int] = [5]
    }

    struct Reversed: Encodable {
        var echo: [Int] = [5]
        var delta = 4.5
        var charlie = true
        var bravo = "b"
        var alpha = 1
    }

    struct Shuffled: Encodable {
        var charlie = true
        var alpha = 1
        var echo: [Int] = [5]
        var bravo = "b"
        var delta = 4.5
    }

    @Test func keysFollowDeclarationOrder() throws {
        // Several runs, as Foundation's hash order could match declaration order by chance.
        for _ in 0..<5 {
            #expect(try json(Alphabetical()) == #"{"alpha":1,"bravo":"b","charlie":true,"delta":4.5,"echo":[5]}"#)
            #expect(try json(Reversed()) == #"{"echo":[5],"delta":4.5,"charlie":true,"bravo":"b","alpha":1}"#)
            #expect(try json(Shuffled()) == #"{"charlie":true,"alpha":1,"echo":[5],"bravo":"b","delta":4.5}"#)
        }
    }

    @Test func patchSignalsBytesFollowDeclarationOrder() throws {
        #expect(
            try wire(.patchSignals(encoding: Reversed()))
                == sse(
                    "event: datastar-patch-signals",
                    #"data: signals {"echo":[5],"delta":4.5,"charlie":true,"bravo":"b","alpha":1}"#
                )
        )
    }

    @Test func nestedStructsAndArrays() throws {
        struct Item: Encodable {
            var sku: String
            var quantity: Int
        }
        struct Customer: Encodable {
            var name: String
            var tags: [String]
        }
        struct Order: Encodable {
            var number: Int
            var customer: Customer
            var items: [Item]
            var matrix: [[Int]]
            var empty: [Item]
        }
        let order = Order(
            number: 7,
            customer: Customer(name: "Ada", tags: ["vip", "a/b"]),
            items: [Item(sku: "x-1", quantity: 2), Item(sku: "y-2", quantity: 1)],
            matrix: [[1, 2], [], [3]],
            empty: []
        )
        #expect(
            try json(order)
                == #"{"number":7,"customer":{"name":"Ada","tags":["vip","a/b"]},"#
                + #""items":[{"sku":"x-1","quantity":2},{"sku":"y-2","quantity":1}],"#
                + #""matrix":[[1,2],[],[3]],"empty":[]}"#
        )
    }

    @Test func nilOptionalPropertiesAreLeftOut() throws {
        struct Profile: Encodable {
            var first: String?
            var middle: String?
            var last: String?
            var scores: [Int?]
        }
        #expect(
            try json(Profile(first: "Ada", middle: nil, last: "Lovelace", scores: [1, nil]))
                == #"{"first":"Ada","last":"Lovelace","scores":[1,null]}"#
        )
        #expect(try json(Profile(first: nil, middle: nil, last: nil, scores: [])) == #"{"scores":[]}"#)
        #expect(try json(Int?.none) == "null")
    }

    @Test func explicitNilIsNull() throws {
        struct Explicit: Encodable {
            enum CodingKeys: String, CodingKey { case a, b }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeNil(forKey: .a)
                try container.encode(Int?.none, forKey: .b)
            }
        }
        #expect(try json(Explicit()) == #"{"a":null,"b":null}"#)
    }

    @Test func enumsWithRawValues() throws {
        enum Status: String, Encodable {
            case active
            case onHold = "on-hold"
        }
        enum Priority: Int, Encodable {
            case low = 1
            case high = 10
        }
        struct Ticket: Encodable {
            var status: Status
            var priority: Priority
            var history: [Status]
        }
        #expect(
            try json(Ticket(status: .onHold, priority: .high, history: [.active, .onHold]))
                == #"{"status":"on-hold","priority":10,"history":["active","on-hold"]}"#
        )
    }

    @Test func enumsWithAssociatedValues() throws {
        enum Shape: Encodable {
            case circle(radius: Int)
            case point
        }
        #expect(try json(["a": Shape.circle(radius: 2)]) == #"{"a":{"circle":{"radius":2}}}"#)
        #expect(try json(["a": Shape.point]) == #"{"a":{"point":{}}}"#)
    }

    class Animal: Encodable {
        var name: String
        var legs: Int

        init(name: String, legs: Int) {
            self.name = name
            self.legs = legs
        }
    }

    final class Dog: Animal {
        var breed: String

        init(name: String, breed: String) {
            self.breed = breed
            super.init(name: name, legs: 4)
        }

        enum CodingKeys: String, CodingKey { case breed }

        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(breed, forKey: .breed)
            try super.encode(to: container.superEncoder())
        }
    }

    final class Cat: Animal {
        var indoor: Bool

        init(name: String, indoor: Bool) {
            self.indoor = indoor
            super.init(name: name, legs: 4)
        }

        enum CodingKeys: String, CodingKey { case indoor, parent }

        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try super.encode(to: container.superEncoder(forKey: .parent))
            try container.encode(indoor, forKey: .indoor)
        }
    }

    final class Bird: Animal {
        var canFly: Bool

        init(name: String, canFly: Bool) {
            self.canFly = canFly
            super.init(name: name, legs: 2)
        }

        enum CodingKeys: String, CodingKey { case canFly }

        override func encode(to encoder: any Encoder) throws {
            // The superclass shares the encoder, so both write to one object.
            try super.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(canFly, forKey: .canFly)
        }
    }

    @Test func classHierarchies() throws {
        #expect(try json(Dog(name: "Rex", breed: "collie")) == #"{"breed":"collie","super":{"name":"Rex","legs":4}}"#)
        #expect(try json(Cat(name: "Tom", indoor: true)) == #"{"parent":{"name":"Tom","legs":4},"indoor":true}"#)
        #expect(try json(Bird(name: "Tweety", canFly: true)) == #"{"name":"Tweety","legs":2,"canFly":true}"#)
    }

    @Test func superEncoderInAnArray() throws {
        struct List: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.unkeyedContainer()
                try container.encode(1)
                try Animal(name: "Ant", legs: 6).encode(to: container.superEncoder())
                _ = container.superEncoder()
                #expect(container.count == 3)
            }
        }
        #expect(try json(List()) == #"[1,{"name":"Ant","legs":6},{}]"#)
    }

    @Test func foundationTypes() throws {
        struct Record: Encodable {
            var url: URL
            var relative: URL
            var data: Data
            var empty: Data
            var date: Date
            var epoch: Date
            var price: Decimal
            var big: Decimal
        }
        let record = Record(
            url: URL(string: "https://example.com/a/b?c=d&e=f")!,
            relative: URL(string: "c/d", relativeTo: URL(string: "https://example.com/a/b/"))!,
            data: Data([0, 1, 2, 0xFB, 0xFF]),
            empty: Data(),
            date: Date(timeIntervalSinceReferenceDate: 1.5),
            epoch: Date(timeIntervalSince1970: 0),
            price: Decimal(string: "12.34")!,
            big: Decimal(string: "-123456789012345678901234567890.5")!
        )
        #expect(
            try json(record)
                == #"{"url":"https://example.com/a/b?c=d&e=f","relative":"https://example.com/a/b/c/d","#
                + #""data":"AAEC+/8=","empty":"","date":1.5,"epoch":-978307200,"#
                + #""price":12.34,"big":-123456789012345678901234567890.5}"#
        )
        #expect(try json(URL(string: "https://example.com/x")!) == #""https://example.com/x""#)
        #expect(try json([Data([0xFF, 0xFF, 0xFE])]) == #"["///+"]"#)
    }

    @Test func jsonValuePropertiesAreKeptAsTheyAre() throws {
        struct Envelope: Encodable {
            var kind: String
            var payload: JSONValue
            var list: [JSONValue]
        }
        let payload: JSONValue = ["zeta": 1, "alpha": ["y": .number("1.50"), "b": [nil, true]], "mid": "m"]
        let envelope = Envelope(kind: "k", payload: payload, list: [["z": 1, "a": 2], .number("1e3")])
        #expect(
            try json(envelope)
                == #"{"kind":"k","payload":{"zeta":1,"alpha":{"y":1.50,"b":[null,true]},"mid":"m"},"#
                + #""list":[{"z":1,"a":2},1e3]}"#
        )
        #expect(try JSONValue(encoding: payload) == payload)
    }

    @Test func numbers() throws {
        struct Numbers: Encodable {
            var int8 = Int8.min
            var int16 = Int16.max
            var int32 = Int32.min
            var int64 = Int64.min
            var int = -1
            var uint8 = UInt8.max
            var uint16 = UInt16.max
            var uint32 = UInt32.max
            var uint64 = UInt64.max
            var uint: UInt = 0
            var double = 0.1
            var whole = 2.0
            var large = 1e20
            var negativeZero = -0.0
            var float: Float = 0.1
            var wholeFloat: Float = 3
        }
        #expect(
            try json(Numbers())
                == #"{"int8":-128,"int16":32767,"int32":-2147483648,"int64":-9223372036854775808,"int":-1,"#
                + #""uint8":255,"uint16":65535,"uint32":4294967295,"uint64":18446744073709551615,"uint":0,"#
                + #""double":0.1,"whole":2,"large":1e+20,"negativeZero":0,"float":0.1,"wholeFloat":3}"#
        )
        #expect(try json(42) == "42")
        #expect(try json(UInt64.max) == "18446744073709551615")
        #expect(try json(Float(-1.5)) == "-1.5")
        #expect(try json([Int8(-1), 2]) == "[-1,2]")
        if #available(macOS 15.0, *) {
            #expect(try json([Int128.min]) == "[-170141183460469231731687303715884105728]")
            #expect(try json(["max": UInt128.max]) == #"{"max":340282366920938463463374607431768211455}"#)
        }
    }

    @Test func scalarsInEveryContainer() throws {
        struct All: Encodable {
            enum CodingKeys: String, CodingKey { case keyed, list, single }
            struct Single: Encodable {
                func encode(to encoder: any Encoder) throws {
                    var container = encoder.singleValueContainer()
                    try container.encode(UInt16(7))
                }
            }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                var keyed = container.nestedContainer(keyedBy: CodingKeys.self, forKey: .keyed)
                try keyed.encode(Int16(-3), forKey: .keyed)
                try keyed.encode(Float(0.25), forKey: .list)
                try keyed.encode("s", forKey: .single)
                var list = container.nestedUnkeyedContainer(forKey: .list)
                try list.encode(UInt8(1))
                try list.encode(Float(2.5))
                try list.encode(false)
                try list.encode("x")
                try list.encodeNil()
                var inner = list.nestedContainer(keyedBy: CodingKeys.self)
                try inner.encode(true, forKey: .single)
                var innerList = list.nestedUnkeyedContainer()
                try innerList.encode(Int32(9))
                try container.encode(Single(), forKey: .single)
            }
        }
        #expect(
            try json(All())
                == #"{"keyed":{"keyed":-3,"list":0.25,"single":"s"},"list":[1,2.5,false,"x",null,{"single":true},[9]],"#
                + #""single":7}"#
        )
    }

    @Test func reEncodingAKeyReplacesItInPlace() throws {
        struct Twice: Encodable {
            enum CodingKeys: String, CodingKey { case a, b, c }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(1, forKey: .a)
                try container.encode(2, forKey: .b)
                try container.encode([3], forKey: .a)
                var nested = container.nestedContainer(keyedBy: CodingKeys.self, forKey: .c)
                try nested.encode(4, forKey: .a)
                // Asking again for the same nested object adds to it.
                var again = container.nestedContainer(keyedBy: CodingKeys.self, forKey: .c)
                try again.encode(5, forKey: .b)
                try again.encode(6, forKey: .a)
                // A second keyed container of the same encoder writes to the same object.
                var second = encoder.container(keyedBy: CodingKeys.self)
                try second.encodeNil(forKey: .b)
            }
        }
        #expect(try json(Twice()) == #"{"a":[3],"b":null,"c":{"a":6,"b":5}}"#)
    }

    @Test func dictionaryKeys() throws {
        #expect(try json([3: "three"]) == #"{"3":"three"}"#)
        #expect(try json(["k/v": ["a": 1]]) == #"{"k/v":{"a":1}}"#)
    }

    @Test func nonFiniteNumbersThrow() throws {
        struct Stats: Encodable {
            struct Inner: Encodable { var values: [Double] }
            var inner: Inner
        }
        let message = encodingFailure {
            _ = try JSONValue(encoding: Stats(inner: .init(values: [1, .infinity])))
        }
        #expect(message == "Double value inf at inner.values[1] cannot be encoded: JSON has no infinity or NaN.")
        #expect(encodingFailure { _ = try JSONValue(encoding: Double.nan) }?.contains("the top level") == true)
        #expect(encodingFailure { _ = try JSONValue(encoding: ["f": -Float.infinity]) }?.hasPrefix("Float") == true)
        #expect(encodingFailure { _ = try JSONValue(encoding: [Decimal.nan]) } != nil)
        #expect(encodingFailure { _ = try DatastarEvent.patchSignals(encoding: ["ratio": Double.nan]) } != nil)
    }

    @Test func errorsFromEncodeAreWrapped() throws {
        struct Refuses: Encodable {
            func encode(to encoder: any Encoder) throws {
                throw EncodingError.invalidValue(
                    0,
                    .init(codingPath: encoder.codingPath, debugDescription: "not today")
                )
            }
        }
        #expect(encodingFailure { _ = try JSONValue(encoding: ["a": Refuses()]) } == "not today")
    }

    @Test func encodingNothing() throws {
        struct Nothing: Encodable {
            func encode(to encoder: any Encoder) throws {}
        }
        struct Holder: Encodable {
            var nothing = Nothing()
            var list = [Nothing()]
        }
        let message = encodingFailure { _ = try JSONValue(encoding: Nothing()) }
        #expect(message?.contains("did not encode any value") == true)
        #expect(encodingFailure { _ = try DatastarEvent.patchSignals(encoding: Nothing()) } != nil)
        // Nested, a value that encodes nothing is an empty object, as with JSONEncoder.
        #expect(try json(Holder()) == #"{"nothing":{},"list":[{}]}"#)
    }

    @Test func encodableArrayIsNotSignals() {
        struct Pair: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.unkeyedContainer()
                try container.encode("a")
                try container.encode("b")
            }
        }
        #expect(throws: DatastarError.signalsNotAnObject) {
            try DatastarEvent.patchSignals(encoding: Pair())
        }
        #expect(throws: DatastarError.signalsNotAnObject) {
            try DatastarEvent.patchSignals(encoding: [Alphabetical()])
        }
    }
}
