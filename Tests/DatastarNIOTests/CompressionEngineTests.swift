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
@_spi(Compressor) import DatastarNIO
import NIOCore
import Testing

@Suite("Compression settings and compressors", .timeLimit(.minutes(1)))
struct CompressionEngineTests {
    @Test("negotiation skips codings this build lacks; disabled never compresses nor varies")
    func negotiation() {
        let all = DatastarCompression.automatic
        #expect(all.negotiate(acceptEncoding: "gzip, deflate") == .gzip)
        #expect(all.negotiate(acceptEncoding: nil) == .identity)
        #expect(all.negotiate(acceptEncoding: "*;q=0") == .identity)
        let best = DatastarCompression.availableCodings.first!
        #expect(all.negotiate(acceptEncoding: "gzip, deflate, br, zstd") == best)
        #expect(DatastarCompression.disabled.negotiate(acceptEncoding: "gzip") == nil)
        #expect(DatastarCompression(preference: [.identity]).negotiate(acceptEncoding: "gzip") == nil)
        #expect(DatastarCompression(preference: [.deflate, .identity]).negotiate(acceptEncoding: "gzip") == .identity)
        #if !Brotli
            #expect(throws: DatastarCompressionError.unavailable(.brotli)) {
                try all.makeCompressor(for: .brotli)
            }
        #endif
    }

    @Test("settings out of range are refused with a typed error, never a crash")
    func invalidSettings() {
        var settings = DatastarCompression.automatic
        settings.zlib.windowBits = 20
        #expect(throws: DatastarCompressionError.self) { try settings.makeCompressor(for: .gzip) }
        settings = .automatic
        settings.zlib.level = -3
        #expect(throws: DatastarCompressionError.self) { try settings.makeCompressor(for: .deflate) }
        settings = .automatic
        settings.brotli.quality = 12
        settings.zstd.windowLog = 30
        for coding in DatastarCompression.availableCodings where coding == .brotli || coding == .zstd {
            #expect(throws: DatastarCompressionError.self) { try settings.makeCompressor(for: coding) }
        }
    }

    @Test("every write decodes on its own; finish ends the stream; nothing after finish")
    func flushedWrites() throws {
        for coding in [ContentCoding.gzip, .deflate] {
            let compressor = try #require(try DatastarCompression.automatic.makeCompressor(for: coding))
            let decompressor = try ZlibDecompressor(algorithm: coding == .gzip ? .gzip : .zlib)
            for n in 1...3 {
                var input = try compressor.compress(ByteBuffer(string: "event \(n)\n\n"))
                var output = ByteBufferAllocator().buffer(capacity: 1024)
                try decompressor.inflate(from: &input, to: &output)
                #expect(String(buffer: output) == "event \(n)\n\n")
            }
            _ = try compressor.finish()
            #expect(throws: DatastarCompressionError.self) { try compressor.compress(ByteBuffer(string: "late")) }
        }
    }
}
