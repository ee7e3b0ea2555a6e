/// Escaping for HTML text and attribute values.
public enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'`, so the text is safe in element content and in a
    /// quoted attribute value.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 })
        else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 16)
        for character in text.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    /// Whether `name` is a valid HTML attribute name: non-empty, with no whitespace, control
    /// characters, noncharacters, `"`, `'`, `>`, `/` or `=`.
    public static func isValidAttributeName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "\"", "'", ">", "/", "=", " ", "\t", "\n", "\r", "\u{0C}": return false
            default:
                return scalar.value > 0x1F && !(0x7F...0x9F).contains(scalar.value)
                    && !scalar.properties.isNoncharacterCodePoint
            }
        }
    }
}

/// Where the page loads the Datastar client from.
public struct DatastarClientScript: Sendable, Hashable {
    /// The version of the Datastar client this SDK is tested with, and the CDN default.
    public static let pinnedVersion = "1.0.1"

    /// The URL of the client module.
    public var url: String

    /// The client from the jsDelivr CDN, at a version (``pinnedVersion`` by default).
    public static func cdn(version: String = pinnedVersion) -> DatastarClientScript {
        DatastarClientScript(url: "https://cdn.jsdelivr.net/gh/starfederation/datastar@\(version)/bundles/datastar.js")
    }

    /// A self-hosted copy of the client, served by your app at `path`.
    public static func selfHosted(path: String) -> DatastarClientScript {
        DatastarClientScript(url: path)
    }

    /// Creates a client script for any URL.
    public init(url: String) {
        self.url = url
    }

    /// The `<script type="module">` tag that loads the client.
    public var tag: String {
        #"<script type="module" src="\#(HTML.escape(url))"></script>"#
    }
}
