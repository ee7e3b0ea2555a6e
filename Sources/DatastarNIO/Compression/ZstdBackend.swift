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

#if Zstd
    import CDatastarZstd
    import NIOCore

    /// Zstandard through Debian's libzstd.
    final class ZstdBackend: CompressionBackend {
        private let context: OpaquePointer

        init(options: ZstdOptions) throws(DatastarCompressionError) {
            try options.validate()
            guard let context = ZSTD_createCCtx() else { throw .failed(.zstd, "ZSTD_createCCtx returned nothing") }
            self.context = context
            var parameters: [(ZSTD_cParameter, Int)] = [
                (ZSTD_c_compressionLevel, options.level),
                (ZSTD_c_windowLog, options.windowLog),
            ]
            if let hashLog = options.hashLog { parameters.append((ZSTD_c_hashLog, hashLog)) }
            if let chainLog = options.chainLog { parameters.append((ZSTD_c_chainLog, chainLog)) }
            for (parameter, value) in parameters {
                let result = ZSTD_CCtx_setParameter(context, parameter, Int32(value))
                if ZSTD_isError(result) != 0 {
                    let message = String(cString: ZSTD_getErrorName(result))
                    ZSTD_freeCCtx(context)
                    throw .failed(.zstd, message)
                }
            }
        }

        deinit {
            ZSTD_freeCCtx(context)
        }

        func process(_ input: inout ByteBuffer, finish: Bool, into output: inout ByteBuffer)
            throws(DatastarCompressionError)
        {
            let directive = finish ? ZSTD_e_end : ZSTD_e_flush
            let context = self.context
            var error: Int?
            input.withUnsafeReadableBytes { source in
                var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
                var remaining = 1
                while remaining != 0, error == nil {
                    let room = max(DatastarCompressor.outputCapacity(for: inBuffer.size - inBuffer.pos), 1024)
                    output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { target in
                        var outBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                        remaining = ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive)
                        if ZSTD_isError(remaining) != 0 { error = remaining }
                        return outBuffer.pos
                    }
                }
            }
            if let error { throw .failed(.zstd, String(cString: ZSTD_getErrorName(error))) }
            input.moveReaderIndex(to: input.writerIndex)
        }
    }
#endif
