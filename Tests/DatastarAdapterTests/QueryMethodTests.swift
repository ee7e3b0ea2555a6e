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
import Datastar
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// The client's `@query()` (1.0.4): an HTTP `QUERY` request with the signals in its body.
@Suite("QUERY requests over real sockets", .timeLimit(.minutes(2)))
struct QueryMethodTests {
    static let query = HTTPMethod.RAW(value: "QUERY")

    @Test("QUERY carries signals in its body, like POST, on the route sugar and by hand", arguments: Framework.allCases)
    func readsSignals(framework: Framework) async throws {
        try await withServer(framework) { server in
            let json = #"{"name":"Ada & <Bob>","times":2}"#
            let headers = [("Content-Type", "application/json"), ("Datastar-Request", "true")]
            let post = try await HTTPClient.test.fetch(
                "\(server.base)/greet",
                method: .POST,
                headers: headers,
                body: Array(json.utf8)
            )
            let query = try await HTTPClient.test.fetch(
                "\(server.base)/greet",
                method: Self.query,
                headers: headers,
                body: Array(json.utf8)
            )
            #expect(query.status == 200)
            #expect(query.headers.first(name: "Content-Type") == "text/event-stream")
            #expect(query.body == post.body)
            #expect(query.body.contains("Hello, Ada &amp; &lt;Bob&gt;</p>"))
            // The query string is ignored, as for POST.
            let search = try await HTTPClient.test.fetch(
                "\(server.base)/search?datastar=%7B%7D",
                method: Self.query,
                headers: headers,
                body: Array(json.utf8)
            )
            #expect(search.status == 200)
            #expect(search.headers.first(name: "Content-Type") == "application/json")
            #expect(search.body == #"{"found":"Ada & <Bob>","times":2}"#)
        }
    }

    @Test("Hummingbird's QUERY sugar for polls and reactor streams")
    func channelResponseSugar() async throws {
        try await withServer(.hummingbird) { server in
            let poll = try await HTTPClient.test.fetch("\(server.base)/query-poll", method: Self.query)
            #expect(poll.status == 200)
            #expect(poll.body == "event: datastar-patch-signals\ndata: signals {\"polled\":true}\n\n")
            let get = try await HTTPClient.test.fetch("\(server.base)/query-poll")
            #expect(get.status == 404)
        }
    }

    @Test("bad QUERY signals get the same 400 and 413 as POST, with a message", arguments: Framework.allCases)
    func badSignals(framework: Framework) async throws {
        try await withServer(framework) { server in
            let tooLarge = [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
            let cases: [(body: [UInt8]?, status: Int, message: String)] = [
                (nil, 400, "body is empty"),
                ([], 400, "body is empty"),
                (Array("[1,2".utf8), 400, "not valid JSON"),
                (Array(#"{"name":"x"}"#.utf8), 400, "missing key 'times'"),
                (Array(#"{"name":1,"times":1}"#.utf8), 400, "expected shape"),
                (tooLarge, 413, "larger than the limit"),
            ]
            for path in ["/greet", "/search"] {
                for (body, status, message) in cases {
                    let query = try await HTTPClient.test.fetch("\(server.base)\(path)", method: Self.query, body: body)
                    let post = try await HTTPClient.test.fetch("\(server.base)/greet", method: .POST, body: body)
                    let what = "\(framework) QUERY \(path) with \(body?.count ?? -1) bytes"
                    #expect(query.status == status, "\(what)")
                    #expect(query.body.contains(message), "\(what): \(query.body)")
                    #expect(query.status == post.status, "\(what)")
                }
            }
        }
    }

    @Test("the server reads a QUERY request as written on the socket", arguments: Framework.allCases)
    func rawSocket(framework: Framework) async throws {
        try await withServer(framework) { server in
            let body = #"{"name":"raw","times":1}"#
            let request =
                "QUERY /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            let response = try await withDeadline(.seconds(20), "a raw QUERY to \(framework)") {
                try await RawSocket.exchange(request, port: server.port)
            }
            #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(response)")
            #expect(response.hasSuffix(#"{"found":"raw","times":1}"#), "\(response)")
        }
    }
}

/// Writes bytes to a TCP connection and reads until the server closes it.
enum RawSocket {
    static func exchange(_ text: String, port: Int) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            var received = ByteBuffer()
            for try await chunk in inbound {
                var chunk = chunk
                received.writeBuffer(&chunk)
            }
            return String(buffer: received)
        }
    }
}
