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
package import NIOCore

/// How Datastar streams are compressed: which content codings the server offers, in its order
/// of preference, and how much each compressor may work and remember.
///
/// Every event is flushed through the stream's compressor as it is written, so the browser can
/// decode each event completely as soon as it arrives. A stream keeps one compressor for its
/// whole life, so a frame that repeats much of an earlier one (a board re-rendered with a few
/// cells changed) costs only its differences — as long as the earlier frame is still inside
/// the compressor's window.
///
/// ```swift
/// // The default: br, zstd, gzip, deflate, identity — whichever the client accepts first.
/// DatastarStream(every: .seconds(1), compression: .automatic) { sse in ... }
/// // Opt out for one route.
/// DatastarStream(every: .seconds(1), compression: .disabled) { sse in ... }
/// // Offer gzip only, with a smaller window.
/// var gzipOnly = DatastarCompression(preference: [.gzip, .identity])
/// gzipOnly.zlib.windowBits = 12
/// ```
///
/// Brotli and zstd are compiled in with the package traits `Brotli` and `Zstd` (Debian's
/// `libbrotli-dev` and `libzstd-dev`); without them, those codings are skipped when
/// negotiating (``availableCodings``). gzip and deflate are always available.
///
/// Memory per stream is bounded by the options: see ``BrotliOptions``, ``ZstdOptions`` and
/// ``ZlibOptions`` for each default and what it costs.
public struct DatastarCompression: Sendable, Hashable {
    /// The codings the server offers, most preferred first. Codings not compiled in are
    /// skipped. Empty (or identity only) never compresses.
    public var preference: [ContentCoding]
    /// Settings of brotli compressors.
    public var brotli: BrotliOptions
    /// Settings of zstd compressors.
    public var zstd: ZstdOptions
    /// Settings of gzip and deflate compressors.
    public var zlib: ZlibOptions

    /// Creates a compression setting.
    ///
    /// - Parameters:
    ///   - preference: the codings offered, most preferred first; by default br, zstd, gzip,
    ///     deflate, identity.
    ///   - brotli: settings of brotli compressors.
    ///   - zstd: settings of zstd compressors.
    ///   - zlib: settings of gzip and deflate compressors.
    public init(
        preference: [ContentCoding] = ContentCoding.defaultPreference,
        brotli: BrotliOptions = BrotliOptions(),
        zstd: ZstdOptions = ZstdOptions(),
        zlib: ZlibOptions = ZlibOptions()
    ) {
        self.preference = preference
        self.brotli = brotli
        self.zstd = zstd
        self.zlib = zlib
    }

    /// Negotiates from `Accept-Encoding` in the default order of preference, with the default
    /// settings of every compressor.
    public static let automatic = DatastarCompression()

    /// Never compresses; the response carries neither `Content-Encoding` nor `Vary`.
    public static let disabled = DatastarCompression(preference: [])

    /// The codings this build of the package can produce: identity, gzip and deflate always;
    /// br with the `Brotli` trait; zstd with the `Zstd` trait.
    public static var availableCodings: [ContentCoding] {
        var codings: [ContentCoding] = []
        #if Brotli
            codings.append(.brotli)
        #endif
        #if Zstd
            codings.append(.zstd)
        #endif
        codings += [.gzip, .deflate, .identity]
        return codings
    }

    /// Whether the setting may compress at all (it offers a coding other than identity that
    /// this build can produce).
    public var isEnabled: Bool {
        preference.contains { $0 != .identity && Self.availableCodings.contains($0) }
    }

    /// The coding for a response, given the request's `Accept-Encoding` header (several header
    /// lines joined with commas; `nil` when absent).
    ///
    /// - Returns: `nil` when the setting is ``disabled`` (the response is never compressed and
    ///   does not vary); otherwise the first coding of ``preference`` that this build can
    ///   produce and the client accepts, or ``ContentCoding/identity`` when there is none (a
    ///   client that refuses even identity still gets an uncompressed stream, which RFC 9110
    ///   allows, rather than an error).
    public func negotiate(acceptEncoding: String?) -> ContentCoding? {
        guard isEnabled else { return nil }
        let offered = preference.filter { Self.availableCodings.contains($0) }
        return ContentCoding.negotiate(acceptEncoding: acceptEncoding, preference: offered) ?? .identity
    }

    /// A fresh compressor for `coding`, with these settings; `nil` for identity.
    ///
    /// - Throws: ``DatastarCompressionError/unavailable(_:)`` for a coding this build does not
    ///   have, ``DatastarCompressionError/invalidOption(_:)`` for settings out of range, and
    ///   ``DatastarCompressionError/failed(_:_:)`` when the library cannot start a stream.
    @_spi(Compressor)
    public func makeCompressor(for coding: ContentCoding) throws(DatastarCompressionError) -> DatastarCompressor? {
        let backend: any CompressionBackend
        switch coding {
        case .identity:
            return nil
        case .gzip:
            backend = try ZlibBackend(format: .gzip, options: zlib)
        case .deflate:
            backend = try ZlibBackend(format: .zlib, options: zlib)
        case .brotli:
            #if Brotli
                backend = try BrotliBackend(options: brotli)
            #else
                throw .unavailable(coding)
            #endif
        case .zstd:
            #if Zstd
                backend = try ZstdBackend(options: zstd)
            #else
                throw .unavailable(coding)
            #endif
        }
        return DatastarCompressor(coding: coding, backend: backend)
    }

    /// `body` compressed whole, as one complete stream of `coding` (for gzip, with its
    /// trailer): the body of a one-shot response. Identity returns `body` as is.
    ///
    /// - Throws: what ``makeCompressor(for:)`` and the compressor throw.
    package func compressWhole(_ body: ByteBuffer, coding: ContentCoding) throws(DatastarCompressionError)
        -> ByteBuffer
    {
        guard let compressor = try makeCompressor(for: coding) else { return body }
        var output = try compressor.compress(body)
        var end = try compressor.finish()
        output.writeBuffer(&end)
        return output
    }
}

/// Settings of a brotli compressor (RFC 7932).
///
/// The defaults — quality 5, a 256 KiB window, 128 KiB input blocks — keep a whole re-rendered
/// fragment of up to about 250 KiB within reach of the next one: a 120 KiB board re-rendered
/// with 3 cells changed then costs about 50 bytes a frame (2,500:1). They cost about 2.8 MiB
/// per stream (measured by `datastar-bench-compression`), mostly the match finder of quality
/// 5; quality 4 with a 128 KiB window needs about 1.8 MiB (and gets about 220:1 on that
/// board). For many thousands of compressed streams, prefer gzip or a lower quality.
public struct BrotliOptions: Sendable, Hashable {
    /// Compression quality, 0 (fastest) to 11 (smallest); 5 by default.
    public var quality: Int
    /// Base-2 logarithm of the window: how far back a match may reach; 10 to 24, 18 (256 KiB)
    /// by default.
    public var windowBits: Int
    /// Base-2 logarithm of the input block size; 16 to 24, 17 (128 KiB) by default.
    public var blockBits: Int

    /// Creates brotli settings.
    public init(quality: Int = 5, windowBits: Int = 18, blockBits: Int = 17) {
        self.quality = quality
        self.windowBits = windowBits
        self.blockBits = blockBits
    }

    func validate() throws(DatastarCompressionError) {
        guard (0...11).contains(quality) else { throw .invalidOption("brotli quality \(quality) is not in 0...11") }
        guard (10...24).contains(windowBits) else {
            throw .invalidOption("brotli windowBits \(windowBits) is not in 10...24")
        }
        guard (16...24).contains(blockBits) else {
            throw .invalidOption("brotli blockBits \(blockBits) is not in 16...24")
        }
    }
}

/// Settings of a zstd compressor (RFC 8878).
///
/// The defaults — level 3, a 256 KiB window, match tables of 2^14 entries — are fast (about
/// 50 µs for a 120 KiB frame) and get about 60:1 on a re-rendered 120 KiB board; they cost
/// about 1.1 MiB per stream (measured by `datastar-bench-compression`), mostly the library's
/// stream buffers, which stay near 1 MiB even with a 32 KiB window. `nil` table sizes take the
/// level's own (2^17 and 2^16 entries at level 3: about 1.8 MiB). Browsers decode windows up
/// to 8 MiB (`windowLog` 23).
public struct ZstdOptions: Sendable, Hashable {
    /// Compression level, 1 (fastest) to 19; 3 by default.
    public var level: Int
    /// Base-2 logarithm of the window; 10 to 23, 18 (256 KiB) by default.
    public var windowLog: Int
    /// Base-2 logarithm of the match finder's hash table (4 bytes an entry); 6 to 26, 14 by
    /// default; `nil` for the level's own.
    public var hashLog: Int?
    /// Base-2 logarithm of its chain table (4 bytes an entry); 6 to 26, 14 by default; `nil`
    /// for the level's own.
    public var chainLog: Int?

    /// Creates zstd settings.
    public init(level: Int = 3, windowLog: Int = 18, hashLog: Int? = 14, chainLog: Int? = 14) {
        self.level = level
        self.windowLog = windowLog
        self.hashLog = hashLog
        self.chainLog = chainLog
    }

    func validate() throws(DatastarCompressionError) {
        guard (1...19).contains(level) else { throw .invalidOption("zstd level \(level) is not in 1...19") }
        guard (10...23).contains(windowLog) else {
            throw .invalidOption("zstd windowLog \(windowLog) is not in 10...23")
        }
        for (name, value) in [("hashLog", hashLog), ("chainLog", chainLog)] {
            if let value, !(6...26).contains(value) { throw .invalidOption("zstd \(name) \(value) is not in 6...26") }
        }
    }
}

/// Settings of a gzip or deflate compressor (zlib, through compress-nio).
///
/// zlib's state is `2^(windowBits + 2) + 2^(memoryLevel + 9)` bytes plus about 6 KiB: with
/// the defaults — level 6, a 32 KiB window (`windowBits` 15), `memoryLevel` 7 — about 198 KiB
/// per stream. A 32 KiB window cannot reach back to a previous frame larger than that: for
/// large repeating frames prefer brotli or zstd.
public struct ZlibOptions: Sendable, Hashable {
    /// Compression level, 0 (store) to 9 (smallest); 6 by default.
    public var level: Int
    /// Base-2 logarithm of the window, 9 to 15; 15 (32 KiB) by default.
    public var windowBits: Int
    /// How much memory the match finder uses, 1 to 9; 7 by default.
    public var memoryLevel: Int

    /// Creates zlib settings.
    public init(level: Int = 6, windowBits: Int = 15, memoryLevel: Int = 7) {
        self.level = level
        self.windowBits = windowBits
        self.memoryLevel = memoryLevel
    }

    func validate() throws(DatastarCompressionError) {
        guard (0...9).contains(level) else { throw .invalidOption("zlib level \(level) is not in 0...9") }
        guard (9...15).contains(windowBits) else {
            throw .invalidOption("zlib windowBits \(windowBits) is not in 9...15")
        }
        guard (1...9).contains(memoryLevel) else {
            throw .invalidOption("zlib memoryLevel \(memoryLevel) is not in 1...9")
        }
    }
}

/// Why a stream could not be compressed.
public enum DatastarCompressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// This build cannot produce the coding (its package trait is off).
    case unavailable(ContentCoding)
    /// A setting is out of range; the payload says which.
    case invalidOption(String)
    /// The compression library failed; the coding and what it said.
    case failed(ContentCoding, String)

    /// A message that says what went wrong.
    public var description: String {
        switch self {
        case .unavailable(let coding):
            return "Content coding \(coding) is not compiled in (enable the package trait for it)."
        case .invalidOption(let message):
            return "Invalid compression setting: \(message)."
        case .failed(let coding, let message):
            return "\(coding) compression failed: \(message)."
        }
    }
}
