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
public import Hummingbird
import HTTPTypes
import NIOCore

/// One patch as a plain HTTP response — `text/html`, `application/json` or `text/javascript` —
/// which the Datastar client applies once, without a stream.
///
/// ```swift
/// router.post("/total") { request, context in
///     try DatastarPlainResponse(.patchElements(#"<p id="total">42</p>"#))
/// }
/// ```
///
/// The body is compressed whole when the client accepts a coding (bodies of 1 KiB or more);
/// the response carries no `Cache-Control`, so it can be cached like any other. See
/// <doc:PlainResponses> for when a plain response beats a stream.
public struct DatastarPlainResponse: ResponseGenerator {
    /// The patch the response carries.
    public let patch: DatastarPlainPatch
    private let compression: DatastarCompression

    /// Creates a response that carries `patch`.
    ///
    /// - Parameters:
    ///   - patch: the elements, signals or script; see ``Datastar/DatastarPlainPatch``.
    ///   - compression: how the body is compressed, negotiated from `Accept-Encoding`;
    ///     ``DatastarNIO/DatastarCompression/disabled`` opts out.
    public init(_ patch: DatastarPlainPatch, compression: DatastarCompression = .automatic) {
        self.patch = patch
        self.compression = compression
    }

    /// Builds the Hummingbird response: `200`, the patch's headers, and the body with its
    /// `Content-Length`.
    public func response(from request: Request, context: some RequestContext) -> Response {
        let parts = PlainResponseParts(
            patch,
            compression: compression,
            acceptEncoding: request.acceptEncoding,
            allocator: (context as? any DatastarRequestContext)?.channel.allocator ?? ByteBufferAllocator()
        )
        var fields = HTTPFields()
        for header in parts.headers {
            if let name = HTTPField.Name(header.name) {
                fields.append(HTTPField(name: name, value: header.value))
            }
        }
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: parts.body))
    }
}
