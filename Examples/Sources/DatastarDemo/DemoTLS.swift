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

import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// The demo's TLS: the server's certificate and key, from PEM files (`--cert`, `--key`) or a
/// self-signed certificate for `localhost`, `127.0.0.1` and `::1` that the demo makes itself.
///
/// The self-signed certificate is kept in a directory and used again by the next start while
/// it is valid for at least another day: a browser told to trust it (or to proceed past its
/// warning) still trusts the process that replaces this one, so open pages reconnect after a
/// restart.
struct DemoTLS {
    /// The certificate chain, leaf first.
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey
    /// Says where the certificate comes from, for the start-up message.
    let summary: String

    /// The server's TLS configuration: HTTP/2 or HTTP/1.1, negotiated by ALPN (`h2` first).
    var serverConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.applicationProtocols = ["h2", "http/1.1"]
        return configuration
    }

    /// Reads a certificate chain and its private key from PEM files.
    static func load(certificate certificatePath: String, key keyPath: String) throws -> DemoTLS {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw DemoTLSError("--cert \(certificatePath): not a readable PEM certificate (\(error))")
        }
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw DemoTLSError("--key \(keyPath): not a readable PEM private key (\(error))")
        }
        guard !chain.isEmpty else { throw DemoTLSError("--cert \(certificatePath): no certificate in the file") }
        return DemoTLS(chain: chain, key: key, summary: "certificate \(certificatePath), key \(keyPath)")
    }

    /// The self-signed certificate kept in `directory`, made (again) when it is missing,
    /// unreadable, or valid for less than a day. Several demo processes may start at once:
    /// a lock on the directory lets one of them make it and the others read it.
    static func selfSigned(in directory: URL = defaultDirectory) throws -> DemoTLS {
        let manager = FileManager.default
        try manager.createDirectory(
            at: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let certificatePath = directory.appendingPathComponent("localhost.crt").path
        let keyPath = directory.appendingPathComponent("localhost.key").path
        let lock = open(directory.appendingPathComponent("lock").path, O_CREAT | O_RDWR, 0o600)
        guard lock >= 0 else { throw DemoTLSError("cannot open the lock file in \(directory.path)") }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw DemoTLSError("cannot lock \(directory.path)") }
        defer { flock(lock, LOCK_UN) }

        if let kept = try? read(certificate: certificatePath, key: keyPath) {
            return kept
        }
        let (certificatePEM, keyPEM) = try makeSelfSigned(now: Date())
        guard
            manager.createFile(
                atPath: keyPath,
                contents: Data(keyPEM.utf8),
                attributes: [.posixPermissions: 0o600]
            ),
            manager.createFile(
                atPath: certificatePath,
                contents: Data(certificatePEM.utf8),
                attributes: [.posixPermissions: 0o644]
            )
        else {
            throw DemoTLSError("cannot write the certificate to \(directory.path)")
        }
        return try read(certificate: certificatePath, key: keyPath, made: true)
    }

    /// Where the self-signed certificate is kept: `datastar-demo-tls` in the temporary
    /// directory.
    static var defaultDirectory: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("datastar-demo-tls", isDirectory: true)
    }

    /// Reads a certificate made by ``makeSelfSigned(now:)`` (`made` now, or kept from an
    /// earlier start); fails unless it is valid for at least another day.
    private static func read(certificate certificatePath: String, key keyPath: String, made: Bool = false) throws
        -> DemoTLS
    {
        guard let data = FileManager.default.contents(atPath: certificatePath) else {
            throw DemoTLSError("no certificate at \(certificatePath)")
        }
        let parsed = try Certificate(pemEncoded: String(decoding: data, as: UTF8.self))
        guard parsed.notValidAfter > Date().addingTimeInterval(86_400), parsed.notValidBefore < Date() else {
            throw DemoTLSError("the certificate at \(certificatePath) is not valid for another day")
        }
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        return DemoTLS(
            chain: chain,
            key: key,
            summary: "\(made ? "made a" : "the") self-signed certificate for localhost and 127.0.0.1 in "
                + "\(certificatePath), valid until \(parsed.notValidAfter): have your browser trust it, or "
                + "accept its warning once"
        )
    }

    /// A new P-256 key and a certificate it signs for `localhost`, `127.0.0.1` and `::1`,
    /// valid for 30 days; both as PEM.
    static func makeSelfSigned(now: Date) throws -> (certificate: String, key: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("swift-datastar demo")
            CommonName("localhost")
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(30 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                // No KeyUsage: a self-issued certificate whose KeyUsage lacks keyCertSign is
                // not accepted as its own trust root by BoringSSL.
                Critical(BasicConstraints.notCertificateAuthority)
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"),
                    .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }
}

/// Why the demo could not set up TLS.
struct DemoTLSError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
