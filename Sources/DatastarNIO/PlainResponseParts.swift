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

package import Datastar
package import NIOCore

/// The headers and body of a plain (non-SSE) Datastar response, built once for both adapters:
/// the patch's content type and `datastar-*` headers, and its body, compressed whole when the
/// setting and the client's `Accept-Encoding` agree on a coding.
package struct PlainResponseParts {
    /// Bodies shorter than this go out uncompressed: the coding's header and trailer would eat
    /// most of the gain, and starting a compressor costs more than sending the bytes.
    package static let minimumCompressedSize = 1024

    /// `Content-Type`, the patch's headers, then `Content-Encoding` (when compressed) and
    /// `Vary: Accept-Encoding` (whenever the setting may compress).
    package var headers: [DatastarHTTPHeader]
    /// The body, compressed or not.
    package var body: ByteBuffer
    /// Whether the SDK decided on the coding (the setting may compress): a framework's own
    /// response compression must then stay off.
    package var codedBySDK: Bool

    /// Builds the parts for `patch`.
    ///
    /// A compressor that fails leaves the body uncompressed: the response is still correct.
    package init(
        _ patch: DatastarPlainPatch,
        compression: DatastarCompression,
        acceptEncoding: String?,
        allocator: ByteBufferAllocator
    ) {
        var headers = [DatastarHTTPHeader(name: "Content-Type", value: patch.contentType)] + patch.headers
        var body = allocator.buffer(string: patch.body)
        let coding = compression.negotiate(acceptEncoding: acceptEncoding)
        if let coding {
            if coding != .identity, body.readableBytes >= Self.minimumCompressedSize,
                let compressed = try? compression.compressWhole(body, coding: coding)
            {
                body = compressed
                headers.append(DatastarHTTPHeader(name: "Content-Encoding", value: coding.rawValue))
            }
            headers.append(DatastarHTTPHeader(name: "Vary", value: "Accept-Encoding"))
        }
        self.headers = headers
        self.body = body
        self.codedBySDK = coding != nil
    }
}
