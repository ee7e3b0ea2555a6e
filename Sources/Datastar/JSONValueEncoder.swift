#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// An `Encoder` that builds a `JSONValue` directly, keeping object keys in the order they are
// encoded: declaration order for synthesized `Codable`. Foundation's `JSONEncoder` writes keys
// in hash order on Linux, different in every process, so signals encoded through it would not
// have stable bytes.
//
// It follows `JSONEncoder`'s default strategies: `URL` as its absolute string, `Data` as
// Base64, `Decimal` as a number, `Date` as it encodes itself (`.deferredToDate`), a superclass
// under the key "super", and an error for a non-finite floating-point value. A `JSONValue` is
// inserted as it is, keeping its member order and number text.

/// Encodes values to ``JSONValue``.
enum JSONValueEncoding {
    /// Encodes `value`; the top-level value must encode something.
    static func encode(_ value: some Encodable) throws(DatastarError) -> JSONValue {
        let root = JSONValueEncodingNode()
        do {
            try encode(value, into: root, codingPath: [])
        } catch let error as DatastarError {
            throw error
        } catch let EncodingError.invalidValue(_, context) {
            throw .signalsEncodingFailed(context.debugDescription)
        } catch {
            throw .signalsEncodingFailed("\(error)")
        }
        guard root.kind != .empty else {
            throw .signalsEncodingFailed("the top-level \(type(of: value)) did not encode any value.")
        }
        return root.finished()
    }

    /// Encodes `value` into `node`, handling the types `JSONEncoder` treats specially.
    static func encode(
        _ value: some Encodable,
        into node: JSONValueEncodingNode,
        codingPath: [any CodingKey]
    ) throws {
        switch value {
        case let json as JSONValue:
            node.set(json)
        case let url as URL:
            node.set(.string(url.absoluteString))
        case let data as Data:
            node.set(.string(data.base64EncodedString()))
        case let decimal as Decimal:
            guard !decimal.isNaN else {
                throw DatastarError.signalsEncodingFailed(
                    "Decimal.nan at \(describe(codingPath)) cannot be encoded: JSON has no NaN."
                )
            }
            node.set(.number(decimal.description))
        default:
            try value.encode(to: JSONValueEncoder(node: node, codingPath: codingPath))
        }
    }

    /// A finite `Double` as a number, formatted by `JSONValue.number(_: Double)`.
    static func number(_ value: Double, codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else { throw nonFinite(value, codingPath: codingPath) }
        return .number(value)
    }

    /// A finite `Float` as a number. Its shortest description is read back as a `Double`, so
    /// `0.1` stays `0.1` rather than becoming `0.10000000149011612`, then formatted as a
    /// `Double` is.
    static func number(_ value: Float, codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else { throw nonFinite(value, codingPath: codingPath) }
        return .number(Double(value.description) ?? Double(value))
    }

    private static func nonFinite(_ value: some FloatingPoint, codingPath: [any CodingKey]) -> DatastarError {
        .signalsEncodingFailed(
            "\(type(of: value)) value \(value) at \(describe(codingPath)) cannot be encoded: "
                + "JSON has no infinity or NaN."
        )
    }

    /// A coding path for messages, such as `user.scores[2]`.
    static func describe(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "the top level" }
        var text = ""
        for key in codingPath {
            if let index = key as? JSONValueEncodingIndexKey {
                text += "[\(index.index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += key.stringValue
            }
        }
        return text
    }
}

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
