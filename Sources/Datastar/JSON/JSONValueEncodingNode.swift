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

/// A value under construction: empty until something is encoded into it, then a value, an
/// array or an object of further nodes. A reference, so containers can fill it in place.
final class JSONValueEncodingNode {
    enum Kind {
        case empty
        case value
        case array
        case object
    }

    private(set) var kind = Kind.empty
    private var value = JSONValue.null
    private var elements: [JSONValueEncodingNode] = []
    private var keys: [String] = []
    private var children: [JSONValueEncodingNode] = []
    private var positions: [String: Int] = [:]

    init() {}

    init(_ value: JSONValue) {
        set(value)
    }

    /// Makes the node a finished value.
    func set(_ value: JSONValue) {
        clear()
        kind = .value
        self.value = value
    }

    /// Makes the node an object, keeping its members if it is one already.
    func makeObject() {
        guard kind != .object else { return }
        clear()
        kind = .object
    }

    /// Makes the node an array, keeping its elements if it is one already.
    func makeArray() {
        guard kind != .array else { return }
        clear()
        kind = .array
    }

    /// The number of elements, when the node is an array.
    var count: Int { elements.count }

    /// Appends an element to an array node.
    func append(_ element: JSONValueEncodingNode) {
        elements.append(element)
    }

    /// Sets an object member; a key encoded again replaces its earlier value in place.
    func setMember(_ key: String, _ child: JSONValueEncodingNode) {
        if let position = positions[key] {
            children[position] = child
        } else {
            positions[key] = keys.count
            keys.append(key)
            children.append(child)
        }
    }

    /// The member named `key`, creating an empty one at the end if there is none.
    func member(_ key: String) -> JSONValueEncodingNode {
        if let position = positions[key] { return children[position] }
        let child = JSONValueEncodingNode()
        setMember(key, child)
        return child
    }

    /// The finished value. A nested value that encoded nothing is an empty object, as with
    /// `JSONEncoder`.
    func finished() -> JSONValue {
        switch kind {
        case .empty: return .object([])
        case .value: return value
        case .array: return .array(elements.map { $0.finished() })
        case .object:
            return .object(zip(keys, children).map { JSONValue.Member($0, $1.finished()) })
        }
    }

    private func clear() {
        value = .null
        elements = []
        keys = []
        children = []
        positions = [:]
    }
}

/// The coding key of an array element.
struct JSONValueEncodingIndexKey: CodingKey {
    var index: Int
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }

    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { return nil }
    init(intValue: Int) { index = intValue }
}

/// A coding key given as a string, such as `super`.
struct JSONValueEncodingStringKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
