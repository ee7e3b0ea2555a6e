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

/// A content coding a Datastar stream can be compressed with.
public enum ContentCoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Brotli (`br`).
    case brotli = "br"
    /// Zstandard (`zstd`).
    case zstd
    /// gzip (`gzip`).
    case gzip
    /// zlib-wrapped deflate (`deflate`).
    case deflate
    /// No compression (`identity`).
    case identity

    /// The token, as it appears in `Accept-Encoding` and `Content-Encoding`.
    public var description: String { rawValue }

    /// The server's default order of preference: brotli, zstd, gzip, deflate, identity.
    public static let defaultPreference: [ContentCoding] = [.brotli, .zstd, .gzip, .deflate, .identity]

    /// Chooses the coding for a response from the request's `Accept-Encoding` header
    /// (RFC 9110, section 12.5.3), in the server's order of preference.
    ///
    /// - A coding the client lists with `q=0` is refused; `*` stands for every coding the
    ///   client does not name; `x-gzip` counts as `gzip`.
    /// - Without the header, or with an empty one, the answer is ``identity``.
    /// - Among the codings the client accepts, the server's preference decides, not the
    ///   client's q-values (except that `q=0` refuses).
    /// - `identity` is acceptable unless the client refuses it (`identity;q=0`, or `*;q=0`
    ///   without naming it). When nothing in `preference` is acceptable, the answer is `nil`:
    ///   the server should answer 406 Not Acceptable, or send identity anyway.
    ///
    /// - Parameters:
    ///   - acceptEncoding: the header's value, or `nil` when the request has none (several
    ///     header lines joined with commas).
    ///   - preference: the codings the server offers, most preferred first.
    public static func negotiate(
        acceptEncoding: String?,
        preference: [ContentCoding] = defaultPreference
    ) -> ContentCoding? {
        guard let acceptEncoding, acceptEncoding.contains(where: { !$0.isWhitespace && $0 != "," }) else {
            return preference.contains(.identity) || preference.isEmpty ? .identity : preference.first
        }
        var named: [String: Double] = [:]
        var wildcard: Double?
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";")
            guard let first = parts.first else { continue }
            var token = first.trimmingSpaces().lowercased()
            if token.isEmpty { continue }
            if token == "x-gzip" { token = "gzip" }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "q" else { continue }
                // An unreadable q-value refuses nothing: treat it as 1.
                quality = Double(pair[1].trimmingSpaces()).map { min(max($0, 0), 1) } ?? 1
            }
            if token == "*" {
                wildcard = max(wildcard ?? 0, quality)
            } else {
                named[token] = max(named[token] ?? 0, quality)
            }
        }
        func accepts(_ coding: ContentCoding) -> Bool {
            if let quality = named[coding.rawValue] { return quality > 0 }
            if let wildcard { return wildcard > 0 }
            return coding == .identity
        }
        return preference.first(where: accepts)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
