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

import Datastar
import Testing

@Suite("Accept-Encoding negotiation", .timeLimit(.minutes(1)))
struct ContentCodingTests {
    @Test(
        "the server's preference decides among what the client accepts",
        arguments: [
            (nil, ContentCoding.identity),
            ("", .identity),
            ("gzip", .gzip),
            ("gzip, deflate, br, zstd", .brotli),
            ("gzip;q=1.0, br;q=0.1", .brotli),
            ("zstd, gzip", .zstd),
            ("deflate", .deflate),
            ("x-gzip", .gzip),
            ("GZIP", .gzip),
            ("br;q=0, gzip", .gzip),
            (" br ; q=0 , zstd ; q=0.5 ", .zstd),
            ("*", .brotli),
            ("*;q=0, gzip", .gzip),
            ("compress", .identity),
            ("identity", .identity),
            ("br;q=garbage", .brotli),
        ] as [(String?, ContentCoding)]
    )
    func negotiate(header: String?, expected: ContentCoding) {
        #expect(ContentCoding.negotiate(acceptEncoding: header) == expected)
    }

    @Test("identity can be refused; then nothing is acceptable unless the server offers more")
    func refusedIdentity() {
        #expect(ContentCoding.negotiate(acceptEncoding: "identity;q=0") == nil)
        #expect(ContentCoding.negotiate(acceptEncoding: "identity;q=0, gzip") == .gzip)
        #expect(ContentCoding.negotiate(acceptEncoding: "identity;q=0", preference: [.identity]) == nil)
        #expect(ContentCoding.negotiate(acceptEncoding: "*;q=0", preference: [.gzip, .identity]) == nil)
        #expect(
            ContentCoding.negotiate(acceptEncoding: "*;q=0, identity", preference: [.gzip, .identity]) == .identity
        )
    }

    @Test("a route can narrow or reorder the server's preference, or opt out")
    func preference() {
        #expect(ContentCoding.negotiate(acceptEncoding: "br, gzip", preference: [.gzip, .brotli]) == .gzip)
        #expect(ContentCoding.negotiate(acceptEncoding: "br, gzip", preference: [.identity]) == .identity)
        #expect(ContentCoding.negotiate(acceptEncoding: "br", preference: [.gzip, .identity]) == .identity)
        #expect(ContentCoding.negotiate(acceptEncoding: nil, preference: [.gzip]) == .gzip)
        #expect(ContentCoding.allCases.map(\.description) == ["br", "zstd", "gzip", "deflate", "identity"])
    }
}
