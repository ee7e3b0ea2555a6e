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

import CompressNIO
import Datastar
import DatastarNIO
import NIOCore
import Testing

@Suite("The parts of a plain response: headers, and the body compressed whole", .timeLimit(.minutes(1)))
struct PlainResponsePartsTests {
    private func parts(_ patch: DatastarPlainPatch, _ compression: DatastarCompression = .automatic, accept: String?)
        -> PlainResponseParts
    {
        PlainResponseParts(patch, compression: compression, acceptEncoding: accept, allocator: ByteBufferAllocator())
    }

    private func header(_ parts: PlainResponseParts, _ name: String) -> String? {
        parts.headers.first { $0.name == name }?.value
    }

    @Test func headersInOrder() throws {
        let patch = try DatastarPlainPatch.patchElements("<p></p>", selector: "#x", mode: .inner)
        let built = parts(patch, accept: "gzip")
        #expect(built.headers.map(\.name) == ["Content-Type", "datastar-selector", "datastar-mode", "Vary"])
        #expect(built.headers.map(\.value) == ["text/html; charset=utf-8", "#x", "inner", "Accept-Encoding"])
        #expect(built.codedBySDK)
        #expect(String(buffer: built.body) == "<p></p>")
    }

    @Test func compressedFromTheThresholdOn() throws {
        let limit = PlainResponseParts.minimumCompressedSize
        let below = parts(.patchSignals(String(repeating: " ", count: limit - 1)), accept: "gzip")
        #expect(header(below, "Content-Encoding") == nil)
        #expect(header(below, "Vary") == "Accept-Encoding")
        #expect(below.body.readableBytes == limit - 1)
        let text = #"{"a":""# + String(repeating: "x", count: limit) + #""}"#
        for coding in [ContentCoding.gzip, .deflate] {
            let at = parts(.patchSignals(text), accept: coding.rawValue)
            #expect(header(at, "Content-Encoding") == coding.rawValue)
            var body = at.body
            #expect(body.readableBytes < 100)
            let decompressor = try ZlibDecompressor(algorithm: coding == .gzip ? .gzip : .zlib)
            var decoded = ByteBufferAllocator().buffer(capacity: 4096)
            try decompressor.inflate(from: &body, to: &decoded)
            #expect(String(buffer: decoded) == text)
        }
        // Every coding this build has comes out whole and smaller.
        for coding in DatastarCompression.availableCodings where coding != .identity {
            let built = parts(.patchSignals(text), DatastarCompression(preference: [coding]), accept: coding.rawValue)
            #expect(header(built, "Content-Encoding") == coding.rawValue)
            #expect(built.body.readableBytes < 100, "\(coding)")
        }
    }

    @Test func identityAndDisabled() {
        let text = String(repeating: "y", count: 4096)
        let identity = parts(.patchSignals(text), accept: "identity")
        #expect(header(identity, "Content-Encoding") == nil)
        #expect(header(identity, "Vary") == "Accept-Encoding")
        #expect(identity.codedBySDK)
        let none = parts(.patchSignals(text), accept: nil)
        #expect(header(none, "Content-Encoding") == nil)
        let disabled = parts(.patchSignals(text), .disabled, accept: "gzip")
        #expect(disabled.headers.map(\.name) == ["Content-Type"])
        #expect(!disabled.codedBySDK)
        #expect(disabled.body.readableBytes == 4096)
    }
}
