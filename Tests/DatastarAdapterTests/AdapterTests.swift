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
import AsyncHTTPClient
import Datastar
import Foundation
import DatastarNIO
import NIOCore
import NIOHTTP1
import Testing

@Suite("Adapters over real sockets", .timeLimit(.minutes(2)))
struct AdapterTests {
    @Test("each event reaches the client when it is sent", arguments: Framework.allCases)
    func eventsArriveWhenSent(framework: Framework) async throws {
        for compression in framework == .vapor ? [false, true] : [false] {
            let gate = Gate()
            try await withServer(framework, gate: gate, vaporCompression: compression ? .enabled : nil) { server in
                try await withDeadline(.seconds(20), "the gated stream, compression: \(compression)") {
                    try await Self.readGatedStream(server, gate: gate, compression: compression)
                }
            }
        }
    }

    /// Reads `/gated` with gzip, opening the gate once the first event has arrived.
    static func readGatedStream(_ server: TestServer, gate: Gate, compression: Bool) async throws {
        var request = HTTPClientRequest(url: "\(server.base)/gated")
        request.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
        let response = try await HTTPClient.test.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
        // The SDK's own gzip, once: Vapor's response compression stays out of the way.
        #expect(response.headers["Content-Encoding"] == ["gzip"], "compression: \(compression)")
        let gunzip = try ZlibDecompressor(algorithm: .gzip)
        var received = ""
        var chunks = response.body.makeAsyncIterator()
        // The second event waits for the gate, which opens only after the first event
        // has arrived, decoded: a server that held events (or compressed output) back
        // until the end would never send it.
        while !received.contains("</p>\n\n") {
            var chunk = try #require(try await chunks.next())
            var decoded = ByteBufferAllocator().buffer(capacity: 4096)
            try gunzip.inflate(from: &chunk, to: &decoded)
            received += String(buffer: decoded)
        }
        #expect(received == "event: datastar-patch-elements\ndata: elements <p id=\"first\">1</p>\n\n")
        await gate.release()
        while var chunk = try await chunks.next() {
            var decoded = ByteBufferAllocator().buffer(capacity: 4096)
            try gunzip.inflate(from: &chunk, to: &decoded)
            received += String(buffer: decoded)
        }
        #expect(received.hasSuffix("data: elements <p id=\"second\">2</p>\n\n"))
    }

    @Test("a sending closure ends once the client is gone", arguments: Framework.allCases)
    func sendThrowsAfterDisconnect(framework: Framework) async throws {
        let probe = Probe()
        try await withServer(framework, probe: probe) { server in
            try await withClient(HTTPClient(eventLoopGroupProvider: .singleton)) { client in
                var reader = try await openStream(client, "\(server.base)/until-gone")
                #expect(try await reader.next() == #"event: datastar-patch-signals\#ndata: signals {"n":0}"#)
                // Closing the client (on leaving withClient) closes its connection in the middle
                // of the stream.
            }
            // The closure learns it either from a send that throws, or — where the adapter
            // sees the channel close first — from being cancelled while it sleeps.
            let ending = try await probe.next()
            #expect([DatastarSendError.closed.description, "\(CancellationError())"].contains(ending))
        }
    }

    @Test("signals are read from the query (GET) and the body (POST)", arguments: Framework.allCases)
    func readsSignals(framework: Framework) async throws {
        try await withServer(framework) { server in
            let json = #"{"name":"Ada & <Bob>","times":2}"#
            let get = try await HTTPClient.test.fetch("\(server.base)/greet?datastar=\(queryEncode(json))")
            let post = try await HTTPClient.test.fetch(
                "\(server.base)/greet",
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: Array(json.utf8)
            )
            let event =
                "event: datastar-patch-elements\ndata: elements <p id=\"greeting\">Hello, Ada &amp; &lt;Bob&gt;</p>\n\n"
            #expect(get.status == 200)
            #expect(get.body == event + event)
            #expect(post.body == event + event)
            // A browser's URLSearchParams writes spaces as '+'.
            let plus = try await HTTPClient.test.fetch(
                "\(server.base)/greet?datastar=%7B%22name%22%3A%22A+B%22%2C%22times%22%3A1%7D"
            )
            #expect(plus.body.contains("Hello, A B</p>"))
        }
    }

    @Test("isDatastarRequest reads the Datastar-Request header", arguments: Framework.allCases)
    func detectsDatastarRequests(framework: Framework) async throws {
        try await withServer(framework) { server in
            let yes = try await HTTPClient.test.fetch("\(server.base)/plain", headers: [("Datastar-Request", "true")])
            let no = try await HTTPClient.test.fetch("\(server.base)/plain")
            #expect(yes.body.contains(#"signals {"datastar":true}"#))
            #expect(no.body.contains(#"signals {"datastar":false}"#))
        }
    }

    @Test("bad signals get a 4xx that names the problem, never a 500", arguments: Framework.allCases)
    func badSignals(framework: Framework) async throws {
        try await withServer(framework) { server in
            typealias BadCase = (path: String, method: HTTPMethod, body: [UInt8]?, status: Int, message: String)
            let tooLarge = [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
            let cases: [BadCase] = [
                ("/greet", .GET, nil, 400, "no 'datastar' query parameter"),
                ("/greet?datastar=%7Bnope", .GET, nil, 400, "not valid JSON"),
                ("/greet?datastar=%7B%22name%22%3A1%7D", .GET, nil, 400, "expected shape"),
                ("/greet", .POST, [], 400, "body is empty"),
                ("/greet", .POST, Array("[1,2".utf8), 400, "not valid JSON"),
                ("/greet", .POST, Array(#"{"name":"x"}"#.utf8), 400, "missing key 'times'"),
                ("/greet", .POST, tooLarge, 413, "larger than the limit"),
            ]
            for (path, method, body, status, message) in cases {
                let response = try await HTTPClient.test.fetch("\(server.base)\(path)", method: method, body: body)
                #expect(response.status == status, "\(method) \(path)")
                #expect(response.body.contains(message), "\(method) \(path): \(response.body)")
            }
        }
    }
}
