/// A JSON value that keeps the order of object members, and the text of numbers, exactly.
///
/// Datastar's wire format is JSON text, and a signal patch is most readable, and testable,
/// when it keeps the order it was written in. `JSONValue` is that: build one with literals,
/// parse one from bytes, or convert any `Encodable` value, and serialize it compactly.
///
/// ```swift
/// let patch: JSONValue = ["count": 3, "user": ["name": "Ada", "email": nil]]
/// patch.serialized()   // {"count":3,"user":{"name":"Ada","email":null}}
/// ```
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as its JSON text (for example `3`, `-0.5`, `1e10`).
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; members keep their order. A key that appears twice keeps both entries, as
    /// in the text it came from.
    case object([Member])

    /// One member of a JSON object.
    public struct Member: Sendable, Hashable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// Creates a member.
        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value of the first member named `key`, when this is an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// Creates a number from an integer.
    public static func number(_ value: some BinaryInteger) -> JSONValue {
        .number(String(value))
    }

    /// Creates a number from a floating-point value; non-finite values become `null`, as in
    /// JavaScript's `JSON.stringify`.
    public static func number(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            return .number(String(Int64(value)))
        }
        return .number("\(value)")
    }

    /// Converts any `Encodable` value to JSON, keeping object keys in the order they are
    /// encoded: declaration order for synthesized `Codable` conformances.
    ///
    /// Values are written as with `JSONEncoder`'s default strategies: `URL` as its absolute
    /// string, `Data` as Base64, `Decimal` as a number, `Date` as it encodes itself (seconds
    /// since 1 January 2001, like `.deferredToDate`); `nil` optional properties are left out.
    /// A `JSONValue` inside the value is kept as it is, member order and number text included.
    ///
    /// - Throws: ``DatastarError/signalsEncodingFailed(_:)`` when the value cannot be encoded,
    ///   for example a non-finite `Double`, or encodes nothing.
    public init(encoding value: some Encodable) throws(DatastarError) {
        self = try JSONValueEncoding.encode(value)
    }

    /// Sets `null` at a path of object keys, creating objects on the way; used to build
    /// signal-removal patches. A `null` already on the path wins over a deeper one.
    mutating func setNull(at path: ArraySlice<String>) {
        guard let key = path.first else { return }
        guard case .object(var members) = self else { return }
        let rest = path.dropFirst()
        if let index = members.firstIndex(where: { $0.key == key }) {
            if rest.isEmpty {
                members[index].value = .null
            } else if case .object = members[index].value {
                members[index].value.setNull(at: rest)
            }
        } else {
            var child: JSONValue = rest.isEmpty ? .null : .object([])
            child.setNull(at: rest)
            members.append(Member(key, child))
        }
        self = .object(members)
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal.
    public init(integerLiteral value: Int) { self = .number(value) }
    /// A floating-point literal.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal; the members keep the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { Member($0.0, $0.1) })
    }
}

// MARK: - Serializing

extension JSONValue {
    /// The value as compact JSON text.
    ///
    /// - Parameter scriptSafe: also escape `<`, `>`, `&`, U+2028 and U+2029, so the text can be
    ///   placed inside a `<script>` element or a JavaScript string without ending it.
    public func serialized(scriptSafe: Bool = false) -> String {
        var output = ""
        write(to: &output, scriptSafe: scriptSafe)
        return output
    }

    private func write(to output: inout String, scriptSafe: Bool) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): JSONValue.writeString(text, to: &output, scriptSafe: scriptSafe)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output, scriptSafe: scriptSafe)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                JSONValue.writeString(member.key, to: &output, scriptSafe: scriptSafe)
                output += ":"
                member.value.write(to: &output, scriptSafe: scriptSafe)
            }
            output += "}"
        }
    }

    private static func writeString(_ text: String, to output: inout String, scriptSafe: Bool) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                if scriptSafe {
                    output += unicodeEscape(scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            default:
                if scalar.value < 0x20 {
                    output += unicodeEscape(scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { serialized() }
}

// MARK: - Codable

extension JSONValue: Codable {
    /// Decodes any JSON value. Object member order follows the decoder's keyed container,
    /// which Foundation does not promise; parse with ``init(parsing:maxDepth:)`` to keep it.
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            self = .object(
                try object.allKeys.map { Member($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) }
            )
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .number(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// Encodes the value; object members are written in order.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .number(let text):
            var single = encoder.singleValueContainer()
            if let integer = Int64(text) {
                try single.encode(integer)
            } else {
                try single.encode(Double(text) ?? 0)
            }
        case .string(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .array(let elements):
            var array = encoder.unkeyedContainer()
            for element in elements { try array.encode(element) }
        case .object(let members):
            var object = encoder.container(keyedBy: AnyKey.self)
            for member in members { try object.encode(member.value, forKey: AnyKey(member.key)) }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }
}
