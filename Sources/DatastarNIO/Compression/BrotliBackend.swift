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

#if Brotli
    import CDatastarBrotli
    import NIOCore

    /// Brotli through Debian's libbrotlienc.
    final class BrotliBackend: CompressionBackend {
        private let state: OpaquePointer

        init(options: BrotliOptions) throws(DatastarCompressionError) {
            try options.validate()
            guard let state = BrotliEncoderCreateInstance(nil, nil, nil) else {
                throw .failed(.brotli, "BrotliEncoderCreateInstance returned nothing")
            }
            self.state = state
            let parameters: [(BrotliEncoderParameter, Int)] = [
                (BROTLI_PARAM_QUALITY, options.quality),
                (BROTLI_PARAM_LGWIN, options.windowBits),
                (BROTLI_PARAM_LGBLOCK, options.blockBits),
                (BROTLI_PARAM_MODE, Int(BROTLI_MODE_TEXT.rawValue)),
            ]
            for (parameter, value) in parameters where BrotliEncoderSetParameter(state, parameter, UInt32(value)) == 0 {
                BrotliEncoderDestroyInstance(state)
                throw .failed(.brotli, "parameter \(parameter.rawValue) = \(value) was refused")
            }
        }

        deinit {
            BrotliEncoderDestroyInstance(state)
        }

        func process(_ input: inout ByteBuffer, finish: Bool, into output: inout ByteBuffer)
            throws(DatastarCompressionError)
        {
            let operation = finish ? BROTLI_OPERATION_FINISH : BROTLI_OPERATION_FLUSH
            let state = self.state
            var failed = false
            input.withUnsafeReadableBytes { source in
                var availableIn = source.count
                var nextIn = source.baseAddress?.assumingMemoryBound(to: UInt8.self)
                repeat {
                    let room = max(DatastarCompressor.outputCapacity(for: availableIn), 1024)
                    output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { target in
                        var availableOut = target.count
                        var nextOut = target.baseAddress?.assumingMemoryBound(to: UInt8.self)
                        if BrotliEncoderCompressStream(
                            state,
                            operation,
                            &availableIn,
                            &nextIn,
                            &availableOut,
                            &nextOut,
                            nil
                        )
                            == 0
                        {
                            failed = true
                        }
                        return target.count - availableOut
                    }
                } while !failed && (availableIn > 0 || BrotliEncoderHasMoreOutput(state) != 0)
            }
            if failed { throw .failed(.brotli, "BrotliEncoderCompressStream failed") }
            input.moveReaderIndex(to: input.writerIndex)
        }
    }
#endif
