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
import NIOCore

/// gzip and deflate (zlib format) through compress-nio.
final class ZlibBackend: CompressionBackend {
    enum Format { case gzip, zlib }

    private let compressor: ZlibCompressor
    private let coding: ContentCoding

    init(format: Format, options: ZlibOptions) throws(DatastarCompressionError) {
        try options.validate()
        coding = format == .gzip ? .gzip : .deflate
        let configuration = ZlibConfiguration(
            windowSize: Int32(options.windowBits),
            compressionLevel: Int32(options.level),
            memoryLevel: Int32(options.memoryLevel)
        )
        do {
            compressor = try ZlibCompressor(algorithm: format == .gzip ? .gzip : .zlib, configuration: configuration)
        } catch {
            throw .failed(coding, "\(error)")
        }
    }

    func process(_ input: inout ByteBuffer, finish: Bool, into output: inout ByteBuffer)
        throws(DatastarCompressionError)
    {
        // One call with room for the whole result: a sync flush or a finish never needs more
        // than the input plus a few bytes per block. compress-nio reads the input through a
        // mutable view, so a buffer shared with other subscribers (a hub message) is copied
        // once here; brotli and zstd read it in place.
        output.reserveCapacity(minimumWritableBytes: DatastarCompressor.outputCapacity(for: input.readableBytes))
        do {
            try compressor.deflate(from: &input, to: &output, flush: finish ? .finish : .sync)
        } catch {
            throw .failed(coding, "\(error)")
        }
        guard input.readableBytes == 0 else { throw .failed(coding, "input left over after a flush") }
    }
}
