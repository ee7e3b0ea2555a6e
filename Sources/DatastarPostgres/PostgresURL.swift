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

public import PostgresNIO

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

extension PostgresBackplane {
    /// Reads a connection URL of the form
    /// `postgres://user:password@host:port/database?sslmode=require` into a connection
    /// configuration.
    ///
    /// - The scheme is `postgres` or `postgresql`; the user is required; the password, the port
    ///   (default 5432) and the database are optional. User, password and database may be
    ///   percent-encoded.
    /// - Without a host, a `host` query parameter that starts with `/` names the directory of
    ///   the server's Unix socket (`postgres://user@/db?host=/var/run/postgresql`).
    /// - Query parameters: `sslmode` (`disable`, the default; `allow` and `prefer`: TLS when the
    ///   server offers it, certificate not verified; `require`: TLS, certificate not verified;
    ///   `verify-ca`: certificate verified, host name not; `verify-full`: both verified, as
    ///   libpq does), `connect_timeout` (seconds) and `application_name`. Other parameters are
    ///   refused, so that a typo does not pass unnoticed.
    ///
    /// - Throws: ``PostgresBackplaneError/invalidURL(reason:)``, naming what is wrong.
    public static func connectionConfiguration(
        url: String
    ) throws(PostgresBackplaneError) -> PostgresConnection.Configuration {
        guard let components = URLComponents(string: url) else {
            throw .invalidURL(reason: "not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidURL(reason: "the scheme must be postgres:// or postgresql://")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidURL(reason: "no user name (postgres://user@host/database)")
        }
        let password = components.password
        var database: String? = components.path
        if let path = database, path.hasPrefix("/") { database = String(path.dropFirst()) }
        if database == "" { database = nil }
        if let database, database.contains("/") {
            throw .invalidURL(reason: "the path must be a single database name")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw .invalidURL(reason: "port \(port) is out of range")
        }

        var sslMode = "disable"
        var connectTimeout: Int64?
        var applicationName: String?
        var socketDirectory: String?
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                sslMode = value
            case "connect_timeout":
                guard let seconds = Int64(value), seconds > 0 else {
                    throw .invalidURL(reason: "connect_timeout must be a positive number of seconds")
                }
                connectTimeout = seconds
            case "application_name":
                applicationName = value
            case "host":
                guard value.hasPrefix("/") else {
                    throw .invalidURL(reason: "the host query parameter must be a socket directory (starting with /)")
                }
                socketDirectory = value
            default:
                throw .invalidURL(reason: "unsupported query parameter \(String(reflecting: item.name))")
            }
        }

        var configuration: PostgresConnection.Configuration
        if let host = components.host, !host.isEmpty {
            let tls = try tlsConfiguration(sslMode: sslMode)
            configuration = .init(
                host: host,
                port: port,
                username: user,
                password: password,
                database: database,
                tls: tls
            )
        } else if let socketDirectory {
            guard sslMode == "disable" || sslMode == "allow" || sslMode == "prefer" else {
                throw .invalidURL(reason: "sslmode=\(sslMode) cannot be used over a Unix socket")
            }
            let directory = socketDirectory.hasSuffix("/") ? String(socketDirectory.dropLast()) : socketDirectory
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(port)",
                username: user,
                password: password,
                database: database
            )
        } else {
            throw .invalidURL(reason: "no host (postgres://user@host/database)")
        }
        if let connectTimeout {
            configuration.options.connectTimeout = .seconds(connectTimeout)
        }
        if let applicationName {
            configuration.options.additionalStartupParameters.append(("application_name", applicationName))
        }
        return configuration
    }

    private static func tlsConfiguration(
        sslMode: String
    ) throws(PostgresBackplaneError) -> PostgresConnection.Configuration.TLS {
        let verification: CertificateVerification
        let required: Bool
        switch sslMode {
        case "disable":
            return .disable
        case "allow", "prefer":
            (verification, required) = (.none, false)
        case "require":
            (verification, required) = (.none, true)
        case "verify-ca":
            (verification, required) = (.noHostnameVerification, true)
        case "verify-full":
            (verification, required) = (.fullVerification, true)
        default:
            throw .invalidURL(
                reason: "sslmode must be disable, allow, prefer, require, verify-ca or verify-full, not "
                    + String(reflecting: sslMode)
            )
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = verification
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw .invalidURL(reason: "cannot set up TLS for sslmode=\(sslMode): \(error)")
        }
        return required ? .require(context) : .prefer(context)
    }
}
