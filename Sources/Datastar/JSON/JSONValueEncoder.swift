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

/// The encoder handed to `encode(to:)`.
struct JSONValueEncoder: Encoder {
    let node: JSONValueEncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(JSONValueKeyedEncodingContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return JSONValueUnkeyedEncodingContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONValueSingleValueEncodingContainer(node: node, codingPath: codingPath)
    }
}

struct JSONValueKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONValueEncodingNode
    let codingPath: [any CodingKey]

    private func set(_ value: JSONValue, forKey key: Key) {
        node.setMember(key.stringValue, JSONValueEncodingNode(value))
    }

    mutating func encodeNil(forKey key: Key) throws { set(.null, forKey: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        set(try JSONValueEncoding.number(value, codingPath: codingPath + [key]), forKey: key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        set(try JSONValueEncoding.number(value, codingPath: codingPath + [key]), forKey: key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.number(value), forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.number(value), forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.number(value), forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.number(value), forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.number(value), forKey: key) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128, forKey key: Key) throws { set(.number(value), forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(.number(value), forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.number(value), forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.number(value), forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.number(value), forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.number(value), forKey: key) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128, forKey key: Key) throws { set(.number(value), forKey: key) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        let child = JSONValueEncodingNode()
        try JSONValueEncoding.encode(value, into: child, codingPath: codingPath + [key])
        node.setMember(key.stringValue, child)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = node.member(key.stringValue)
        child.makeObject()
        return KeyedEncodingContainer(
            JSONValueKeyedEncodingContainer<NestedKey>(node: child, codingPath: codingPath + [key])
        )
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.member(key.stringValue)
        child.makeArray()
        return JSONValueUnkeyedEncodingContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(for: JSONValueEncodingStringKey("super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(for: key)
    }

    private func superEncoder(for key: some CodingKey) -> any Encoder {
        let child = JSONValueEncodingNode()
        node.setMember(key.stringValue, child)
        return JSONValueEncoder(node: child, codingPath: codingPath + [key])
    }
}

struct JSONValueUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let node: JSONValueEncodingNode
    let codingPath: [any CodingKey]

    var count: Int { node.count }

    private var nextPath: [any CodingKey] { codingPath + [JSONValueEncodingIndexKey(node.count)] }

    private func append(_ value: JSONValue) {
        node.append(JSONValueEncodingNode(value))
    }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(try JSONValueEncoding.number(value, codingPath: nextPath)) }
    mutating func encode(_ value: Float) throws { append(try JSONValueEncoding.number(value, codingPath: nextPath)) }
    mutating func encode(_ value: Int) throws { append(.number(value)) }
    mutating func encode(_ value: Int8) throws { append(.number(value)) }
    mutating func encode(_ value: Int16) throws { append(.number(value)) }
    mutating func encode(_ value: Int32) throws { append(.number(value)) }
    mutating func encode(_ value: Int64) throws { append(.number(value)) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws { append(.number(value)) }
    mutating func encode(_ value: UInt) throws { append(.number(value)) }
    mutating func encode(_ value: UInt8) throws { append(.number(value)) }
    mutating func encode(_ value: UInt16) throws { append(.number(value)) }
    mutating func encode(_ value: UInt32) throws { append(.number(value)) }
    mutating func encode(_ value: UInt64) throws { append(.number(value)) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws { append(.number(value)) }

    mutating func encode(_ value: some Encodable) throws {
        let child = JSONValueEncodingNode()
        try JSONValueEncoding.encode(value, into: child, codingPath: nextPath)
        node.append(child)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        let child = JSONValueEncodingNode()
        child.makeObject()
        node.append(child)
        return KeyedEncodingContainer(JSONValueKeyedEncodingContainer<NestedKey>(node: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let child = JSONValueEncodingNode()
        child.makeArray()
        node.append(child)
        return JSONValueUnkeyedEncodingContainer(node: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        let child = JSONValueEncodingNode()
        node.append(child)
        return JSONValueEncoder(node: child, codingPath: path)
    }
}

struct JSONValueSingleValueEncodingContainer: SingleValueEncodingContainer {
    let node: JSONValueEncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode(_ value: Bool) throws { node.set(.bool(value)) }
    mutating func encode(_ value: String) throws { node.set(.string(value)) }
    mutating func encode(_ value: Double) throws {
        node.set(try JSONValueEncoding.number(value, codingPath: codingPath))
    }
    mutating func encode(_ value: Float) throws {
        node.set(try JSONValueEncoding.number(value, codingPath: codingPath))
    }
    mutating func encode(_ value: Int) throws { node.set(.number(value)) }
    mutating func encode(_ value: Int8) throws { node.set(.number(value)) }
    mutating func encode(_ value: Int16) throws { node.set(.number(value)) }
    mutating func encode(_ value: Int32) throws { node.set(.number(value)) }
    mutating func encode(_ value: Int64) throws { node.set(.number(value)) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws { node.set(.number(value)) }
    mutating func encode(_ value: UInt) throws { node.set(.number(value)) }
    mutating func encode(_ value: UInt8) throws { node.set(.number(value)) }
    mutating func encode(_ value: UInt16) throws { node.set(.number(value)) }
    mutating func encode(_ value: UInt32) throws { node.set(.number(value)) }
    mutating func encode(_ value: UInt64) throws { node.set(.number(value)) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws { node.set(.number(value)) }

    mutating func encode(_ value: some Encodable) throws {
        try JSONValueEncoding.encode(value, into: node, codingPath: codingPath)
    }
}
