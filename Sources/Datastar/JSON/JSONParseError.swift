/// Why a text is not valid JSON, and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The byte offset at which parsing stopped.
    public var offset: Int
    /// What was wrong there.
    public var reason: String

    /// Creates a parse error.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// A message that says what went wrong.
    public var description: String { "\(reason) at byte \(offset)" }
}
