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

import AsyncHTTPClient
import CompressNIO
import Datastar
import DatastarNIO
import NIOCore
import NIOHTTP1
import Testing

@Suite("Plain (non-SSE) responses over real sockets", .timeLimit(.minutes(2)))
struct PlainResponseTests {
    /// The `datastar-*` headers of a response, as `name: value` lines in order.
    private func datastarHeaders(_ response: FullResponse) -> [String] {
        response.headers.filter { $0.name.lowercased().hasPrefix("datastar-") }
            .map { "\($0.name.lowercased()): \($0.value)" }
    }

    @Test("each kind arrives with its content type, headers and body", arguments: Framework.allCases)
    func eachKind(framework: Framework) async throws {
        try await withServer(framework) { server in
            let elements = try await HTTPClient.test.fetch("\(server.base)/one-shot/elements")
            #expect(elements.status == 200)
            #expect(elements.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
            #expect(
                datastarHeaders(elements) == [
                    "datastar-selector: #list", "datastar-mode: append", "datastar-use-view-transition: true",
                ]
            )
            #expect(elements.headers.first(name: "Content-Length") == "12")
            #expect(elements.body == "<li>new</li>")

            let signals = try await HTTPClient.test.fetch("\(server.base)/one-shot/signals")
            #expect(signals.status == 200)
            #expect(signals.headers.first(name: "Content-Type") == "application/json")
            #expect(datastarHeaders(signals) == ["datastar-only-if-missing: true"])
            #expect(signals.body == #"{"count":3,"name":"é"}"#)

            let script = try await HTTPClient.test.fetch("\(server.base)/one-shot/script")
            #expect(script.status == 200)
            #expect(script.headers.first(name: "Content-Type") == "text/javascript; charset=utf-8")
            #expect(datastarHeaders(script) == [#"datastar-script-attributes: {"type":"module"}"#])
            #expect(script.body == "window.ran = true")

            // An event's script sugar, as a plain HTML patch.
            let log = try await HTTPClient.test.fetch("\(server.base)/one-shot/hello")
            #expect(log.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
            #expect(datastarHeaders(log) == ["datastar-selector: body", "datastar-mode: append"])
            #expect(log.body.contains(#"console.log("hello")"#))

            // None of them is a stream: no SSE headers.
            for response in [elements, signals, script, log] {
                #expect(response.headers.first(name: "Cache-Control") == nil)
                #expect(response.headers.first(name: "X-Accel-Buffering") == nil)
                #expect(response.headers.first(name: "Vary") == "Accept-Encoding")
            }
        }
    }

    @Test("long bodies are compressed whole; short ones and opted-out routes are not", arguments: Framework.allCases)
    func compression(framework: Framework) async throws {
        try await withServer(framework) { server in
            for coding in [ContentCoding.gzip, .deflate] {
                let response = try await HTTPClient.test.fetch(
                    "\(server.base)/one-shot/long",
                    headers: [("Accept-Encoding", coding.rawValue)]
                )
                #expect(response.status == 200)
                #expect(response.headers.first(name: "Content-Encoding") == coding.rawValue)
                #expect(response.headers.first(name: "Vary") == "Accept-Encoding")
                var compressed = try await HTTPClient.test.fetchBody(
                    "\(server.base)/one-shot/long",
                    acceptEncoding: coding.rawValue
                )
                #expect(compressed.readableBytes * 4 < PlainRoutes.longList.utf8.count)
                let decompressor = try ZlibDecompressor(algorithm: coding == .gzip ? .gzip : .zlib)
                var decoded = ByteBufferAllocator().buffer(capacity: 16 << 10)
                try decompressor.inflate(from: &compressed, to: &decoded)
                #expect(String(buffer: decoded) == PlainRoutes.longList, "\(framework) \(coding)")
            }
            // The best coding this build has, for a client that takes them all.
            let best = try await HTTPClient.test.fetch(
                "\(server.base)/one-shot/long",
                headers: [("Accept-Encoding", "gzip, deflate, br, zstd")]
            )
            let expected = DatastarCompression.availableCodings.first!
            #expect(best.headers.first(name: "Content-Encoding") == (expected == .identity ? nil : expected.rawValue))
            // Short: sent as is, but the answer still varies with the header.
            let short = try await HTTPClient.test.fetch(
                "\(server.base)/one-shot/elements",
                headers: [("Accept-Encoding", "gzip")]
            )
            #expect(short.headers.first(name: "Content-Encoding") == nil)
            #expect(short.headers.first(name: "Vary") == "Accept-Encoding")
            #expect(short.body == "<li>new</li>")
            // Opted out: neither Content-Encoding nor Vary.
            let off = try await HTTPClient.test.fetch(
                "\(server.base)/one-shot-uncompressed/long",
                headers: [("Accept-Encoding", "gzip")]
            )
            #expect(off.headers.first(name: "Content-Encoding") == nil)
            #expect(off.headers.first(name: "Vary") == nil)
            #expect(off.body == PlainRoutes.longList)
        }
    }

    @Test("with the SDK's compression off, Vapor's own response compression applies")
    func vaporCompresses() async throws {
        try await withServer(.vapor, vaporCompression: .enabled) { server in
            let off = try await HTTPClient.test.fetch(
                "\(server.base)/one-shot-uncompressed/long",
                headers: [("Accept-Encoding", "gzip")]
            )
            #expect(off.headers.first(name: "Content-Encoding") == "gzip")
            // With the SDK's compression on, the SDK compresses once and Vapor stays out.
            let on = try await HTTPClient.test.fetch(
                "\(server.base)/one-shot/long",
                headers: [("Accept-Encoding", "deflate")]
            )
            #expect(on.headers[canonicalForm: "Content-Encoding"] == ["deflate"])
            var compressed = try await HTTPClient.test.fetchBody(
                "\(server.base)/one-shot/long",
                acceptEncoding: "deflate"
            )
            let decompressor = try ZlibDecompressor(algorithm: .zlib)
            var decoded = ByteBufferAllocator().buffer(capacity: 16 << 10)
            try decompressor.inflate(from: &compressed, to: &decoded)
            #expect(String(buffer: decoded) == PlainRoutes.longList)
        }
    }
}

extension HTTPClient {
    /// The raw bytes of a GET response's body (`fetch` reads it as text).
    fileprivate func fetchBody(_ url: String, acceptEncoding: String) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept-Encoding", value: acceptEncoding)
        return try await withDeadline(.seconds(20), "the body of \(url)") { [request] in
            let response = try await self.execute(request, timeout: .seconds(20))
            return try await response.body.collect(upTo: 16 << 20)
        }
    }
}
