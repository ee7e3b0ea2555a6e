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

/// The HTTP side of the protocol: response headers and request detection.
public enum DatastarHTTP {
    /// The request header the Datastar client sends with every request: `Datastar-Request`.
    public static let requestHeaderName = "Datastar-Request"

    /// The content type of a Datastar response: `text/event-stream`.
    public static let eventStreamContentType = "text/event-stream"

    /// Whether a request comes from the Datastar client, given the value of its
    /// `Datastar-Request` header (`true`, in any letter case).
    public static func isDatastarRequest(headerValue: String?) -> Bool {
        guard let headerValue else { return false }
        return headerValue.trimmingSpaces().lowercased() == "true"
    }

    /// The headers of a Datastar SSE response, in order.
    ///
    /// `Content-Type: text/event-stream`, `Cache-Control: no-cache`, `X-Accel-Buffering: no`
    /// (so nginx does not buffer the stream), and `Connection: keep-alive` only for HTTP/1.1 —
    /// never for HTTP/2 or later, where the header is forbidden and Safari rejects the
    /// response.
    ///
    /// - Parameters:
    ///   - httpMajor: the major version of the request's HTTP protocol.
    ///   - httpMinor: the minor version.
    ///   - includeConnection: `false` for a server that writes the `Connection` header of
    ///     HTTP/1.x responses itself (Vapor does), so it is not sent twice.
    ///   - contentCoding: the coding negotiated for the response when it may be compressed:
    ///     adds `Vary: Accept-Encoding` (the answer depends on that header, even when it is
    ///     ``ContentCoding/identity``) and, unless identity, `Content-Encoding`. `nil` for a
    ///     response that is never compressed.
    public static func responseHeaders(
        httpMajor: Int,
        httpMinor: Int,
        includeConnection: Bool = true,
        contentCoding: ContentCoding? = nil
    ) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", eventStreamContentType),
            ("Cache-Control", "no-cache"),
        ]
        if includeConnection, httpMajor == 1, httpMinor == 1 {
            headers.append(("Connection", "keep-alive"))
        }
        headers.append(("X-Accel-Buffering", "no"))
        if let contentCoding {
            if contentCoding != .identity {
                headers.append(("Content-Encoding", contentCoding.rawValue))
            }
            headers.append(("Vary", "Accept-Encoding"))
        }
        return headers
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
