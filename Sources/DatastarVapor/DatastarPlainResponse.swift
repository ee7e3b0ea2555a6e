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

public import Datastar
public import DatastarNIO
import NIOCore
public import Vapor

/// One patch as a plain HTTP response — `text/html`, `application/json` or `text/javascript` —
/// which the Datastar client applies once, without a stream.
///
/// ```swift
/// app.post("total") { req in
///     try DatastarPlainResponse(.patchElements(#"<p id="total">42</p>"#))
/// }
/// ```
///
/// The body is compressed whole when the client accepts a coding (bodies of 1 KiB or more),
/// and Vapor's own response compression is then off for it; with
/// ``DatastarNIO/DatastarCompression/disabled`` the SDK leaves compression to Vapor's server
/// setting. The response carries no `Cache-Control`, so it can be cached like any other. See
/// <doc:PlainResponses> for when a plain response beats a stream.
public struct DatastarPlainResponse: AsyncResponseEncodable {
    /// The patch the response carries.
    public let patch: DatastarPlainPatch
    private let compression: DatastarCompression

    /// Creates a response that carries `patch`.
    ///
    /// - Parameters:
    ///   - patch: the elements, signals or script; see ``Datastar/DatastarPlainPatch``.
    ///   - compression: how the body is compressed, negotiated from `Accept-Encoding`;
    ///     ``DatastarNIO/DatastarCompression/disabled`` leaves it to Vapor.
    public init(_ patch: DatastarPlainPatch, compression: DatastarCompression = .automatic) {
        self.patch = patch
        self.compression = compression
    }

    /// Builds the Vapor response: `200`, the patch's headers, and the body with its
    /// `Content-Length`.
    public func encodeResponse(for request: Request) async throws -> Response {
        let parts = PlainResponseParts(
            patch,
            compression: compression,
            acceptEncoding: request.acceptEncoding,
            allocator: request.byteBufferAllocator
        )
        var headers = HTTPHeaders()
        for header in parts.headers {
            headers.add(name: header.name, value: header.value)
        }
        if parts.codedBySDK {
            headers.responseCompression = .disable
        }
        return Response(status: .ok, version: request.version, headers: headers, body: .init(buffer: parts.body))
    }
}
