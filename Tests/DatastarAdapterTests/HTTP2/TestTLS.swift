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
import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import SwiftASN1
import X509

/// A self-signed certificate made at test time (a P-256 key; `127.0.0.1` and `localhost`; valid
/// for one hour), the TLS configurations of a server that presents it and of a client that
/// trusts it, and a count of the TLS handshakes the server completed.
struct TestTLS: Sendable {
    let certificate: NIOSSLCertificate
    let privateKey: NIOSSLPrivateKey
    /// Every handshake the server completes is recorded here, through BoringSSL's key log.
    let handshakes = HandshakeCounter()

    init() throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("swift-datastar tests")
            CommonName("localhost")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-60),
            notValidAfter: now.addingTimeInterval(3600),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                // No KeyUsage: BoringSSL checks that a certificate which issued itself may
                // sign certificates (keyCertSign), so a KeyUsage without it would make the
                // self-signed certificate untrusted even though it is a trust root.
                Critical(BasicConstraints.notCertificateAuthority)
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"),
                    .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.certificate = try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
        self.privateKey = try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)
    }

    /// The server's configuration: this certificate, ALPN `h2` then `http/1.1`, and every
    /// handshake counted.
    var server: TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)],
            privateKey: .privateKey(privateKey)
        )
        configuration.applicationProtocols = ["h2", "http/1.1"]
        let handshakes = self.handshakes
        configuration.keyLogCallback = { line in handshakes.record(keyLogLine: line) }
        return configuration
    }

    /// A client configuration that trusts this certificate, and only it, with full
    /// verification (the certificate names 127.0.0.1, which the tests connect to).
    var client: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([certificate])
        configuration.certificateVerification = .fullVerification
        return configuration
    }
}

/// The TLS handshakes a server completed, told apart by their client random: BoringSSL's key
/// log writes `LABEL <client random> <secret>` lines (several per handshake), and each
/// connection's handshake has its own client random. So the count is the number of TCP
/// connections that clients opened and completed TLS on.
final class HandshakeCounter: Sendable {
    private let randoms = NIOLockedValueBox(Set<String>())

    func record(keyLogLine line: ByteBuffer) {
        let fields = String(buffer: line).split(separator: " ")
        guard fields.count >= 3 else { return }
        let random = String(fields[1])
        randoms.withLockedValue { _ = $0.insert(random) }
    }

    /// How many distinct handshakes were seen.
    var count: Int { randoms.withLockedValue { $0.count } }
}

/// An `HTTPClient` for one HTTP/2 test server: it trusts that server's certificate, negotiates
/// the protocol by ALPN (`httpVersion = .automatic`, so h2), decodes no content coding, runs on
/// an event loop group of its own (never the server's), and counts the connections it opens.
final class H2Client: Sendable {
    let http: HTTPClient
    private let group: MultiThreadedEventLoopGroup
    private let counts = NIOLockedValueBox((http1: 0, http2: 0))
    private let frames = HTTP2FrameWatch.Counts()
    private let isShutDown = NIOLockedValueBox(false)

    /// The HTTP/2 connections the client opened.
    var http2Connections: Int { counts.withLockedValue { $0.http2 } }
    /// The HTTP/1.1 connections the client opened (none, when h2 is negotiated).
    var http1Connections: Int { counts.withLockedValue { $0.http1 } }
    /// The empty DATA frames without END_STREAM the client received: a server should send none
    /// (NIOHTTP2 takes two in a row for a flood, and drops the frames that follow).
    var emptyDataFrames: Int { frames.value.withLockedValue { $0.emptyData } }
    /// The errors the client's HTTP/2 connections reported (a flood, a protocol error).
    var connectionErrors: [String] { frames.value.withLockedValue { $0.errors } }

    init(trusting tls: TestTLS) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counts = self.counts
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls.client
        configuration.httpVersion = .automatic
        configuration.decompression = .disabled
        // At most one connection while the first is being made; once it has negotiated h2,
        // every request is a stream on it.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1
        configuration.http1_1ConnectionDebugInitializer = { channel in
            counts.withLockedValue { $0.http1 += 1 }
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        let frames = self.frames
        configuration.http2ConnectionDebugInitializer = { channel in
            counts.withLockedValue { $0.http2 += 1 }
            return channel.eventLoop.makeCompletedFuture {
                // After NIOHTTP2's handler: it sees the frames that handler let through, and the
                // errors it reports.
                let multiplexer = try channel.pipeline.syncOperations.context(handlerType: HTTP2StreamMultiplexer.self)
                try channel.pipeline.syncOperations.addHandler(
                    HTTP2FrameWatch(counts: frames),
                    position: .before(multiplexer.handler)
                )
            }
        }
        self.group = group
        self.http = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
    }

    /// Shuts the client down, closing its connections; only the first call does anything.
    func shutdown() async throws {
        let already = isShutDown.withLockedValue { isShutDown in
            defer { isShutDown = true }
            return isShutDown
        }
        if already { return }
        try await http.shutdown()
        try await group.shutdownGracefully()
    }

    /// Sends a request and returns the response head, its body still to read.
    func request(
        _ url: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)] = []
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await http.execute(request, timeout: .seconds(30))
    }
}

/// Runs `body` with a client of `server`, and shuts the client down afterwards whatever happens.
func withH2Client(_ server: H2Server, _ body: (H2Client) async throws -> Void) async throws {
    let client = H2Client(trusting: server.tls)
    do {
        try await body(client)
    } catch {
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
}

/// A wait on a test event that could never come: gives up after `limit` with an error that
/// names what was awaited (``withDeadline(_:_:_:)``), instead of holding the test until its
/// time limit.
func waitFor<T: Sendable>(
    _ what: String,
    within limit: Duration = .seconds(30),
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withDeadline(limit, what, operation)
}

/// Counts, on a client's HTTP/2 connection, the empty DATA frames (without END_STREAM) it
/// receives and the errors its HTTP/2 handler reports; passes everything on.
final class HTTP2FrameWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame

    /// What the watches of one client saw.
    final class Counts: Sendable {
        let value = NIOLockedValueBox((emptyData: 0, errors: [String]()))
    }

    private let counts: Counts

    init(counts: Counts) {
        self.counts = counts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .data(let payload) = unwrapInboundIn(data).payload, !payload.endStream,
            payload.data.readableBytes == 0
        {
            counts.value.withLockedValue { $0.emptyData += 1 }
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        counts.value.withLockedValue { $0.errors.append("\(error)") }
        context.fireErrorCaught(error)
    }
}
