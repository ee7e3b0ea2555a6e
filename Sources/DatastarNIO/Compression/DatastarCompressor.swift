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
public import NIOCore

/// One stream's compressor: what it is given comes out compressed and flushed, so the client
/// can decode everything given so far.
///
/// A compressor belongs to one stream and is used from one place at a time (the stream's event
/// loop, or its writing task); it is not `Sendable`. The reactor, the hub and the async stream
/// runner use it for you; it is SPI (`@_spi(Compressor) import DatastarNIO`) for benchmarks.
@_spi(Compressor)
public final class DatastarCompressor {
    /// The coding it produces.
    public let coding: ContentCoding
    private let backend: any CompressionBackend
    private var finished = false

    init(coding: ContentCoding, backend: any CompressionBackend) {
        self.coding = coding
        self.backend = backend
    }

    /// Compresses `input` and flushes: the result, appended to what came before, decodes to
    /// everything given so far.
    ///
    /// - Throws: ``DatastarCompressionError/failed(_:_:)`` when the library fails, or after
    ///   ``finish()``.
    public func compress(_ input: ByteBuffer) throws(DatastarCompressionError) -> ByteBuffer {
        guard !finished else { throw .failed(coding, "the stream was already finished") }
        var input = input
        var output = ByteBufferAllocator().buffer(capacity: Self.outputCapacity(for: input.readableBytes))
        try backend.process(&input, finish: false, into: &output)
        return output
    }

    /// Ends the compressed stream: returns its last bytes (for gzip, the checksum trailer).
    /// Nothing can be compressed afterwards.
    public func finish() throws(DatastarCompressionError) -> ByteBuffer {
        guard !finished else { throw .failed(coding, "the stream was already finished") }
        finished = true
        var input = ByteBufferAllocator().buffer(capacity: 1)
        var output = ByteBufferAllocator().buffer(capacity: 64)
        try backend.process(&input, finish: true, into: &output)
        return output
    }

    /// Room for the compressed form of `count` bytes: flushed output never grows by more than
    /// a few bytes per 16 KiB, plus headers.
    static func outputCapacity(for count: Int) -> Int {
        count + count / 16 + 128
    }
}

/// A compression library behind ``DatastarCompressor``.
protocol CompressionBackend: AnyObject {
    /// Consumes all of `input` and appends the compressed bytes to `output`, flushed (or, with
    /// `finish`, ending the stream); grows `output` as needed.
    func process(_ input: inout ByteBuffer, finish: Bool, into output: inout ByteBuffer)
        throws(DatastarCompressionError)
}
