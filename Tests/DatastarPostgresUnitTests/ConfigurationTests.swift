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

import DatastarPostgres
import PostgresNIO
import Testing

@Suite("PostgresBackplane configuration: URLs, names and errors", .timeLimit(.minutes(1)))
struct ConfigurationTests {
    @Test(
        "a bad URL throws invalidURL",
        arguments: [
            "",
            "not a url at all",
            "http://user@localhost/db",
            "postgres://localhost/db",
            "postgres://user@/db",
            "postgres://user@localhost:0/db",
            "postgres://user@localhost/db/extra",
            "postgres://user@localhost/db?sslmode=sometimes",
            "postgres://user@localhost/db?pool_size=3",
            "postgres://user@localhost/db?connect_timeout=soon",
            "postgres://user@/db?host=relative/dir",
        ]
    )
    func badURL(url: String) {
        #expect {
            _ = try PostgresBackplane(url: url)
        } throws: { error in
            guard let error = error as? PostgresBackplaneError, case .invalidURL = error else { return false }
            return true
        }
    }

    @Test("the reason does not repeat the password")
    func reasonHidesPassword() {
        do {
            _ = try PostgresBackplane.connectionConfiguration(url: "postgres://user:s3cret@localhost/db?oops=1")
            Issue.record("no error")
        } catch {
            #expect(!error.description.contains("s3cret"))
            #expect(error.description.contains("oops"))
        }
    }

    @Test(
        "a bad channel name throws invalidChannelName",
        arguments: [
            "", "1abc", "bad-name", "has space", "x\"; DROP TABLE y; --", "ünïcode", String(repeating: "c", count: 64),
        ]
    )
    func badChannel(name: String) {
        #expect(throws: PostgresBackplaneError.invalidChannelName(name)) {
            _ = try PostgresBackplane(url: "postgres://user@localhost/db", channel: name)
        }
    }

    @Test("a bad table name throws invalidTableName", arguments: ["", "9t", "a.b", "t;", "\"t\""])
    func badTable(name: String) {
        #expect(throws: PostgresBackplaneError.invalidTableName(name)) {
            _ = try PostgresBackplane(url: "postgres://user@localhost/db", payloadTable: name)
        }
    }

    @Test("good names are kept as they are")
    func goodNames() throws {
        let backplane = try PostgresBackplane(
            url: "postgres://user@localhost/db",
            channel: "Hub_2",
            payloadTable: "_payloads" + String(repeating: "x", count: 54)
        )
        #expect(backplane.channel == "Hub_2")
        #expect(backplane.payloadTable.utf8.count == 63)
        let defaults = try PostgresBackplane(url: "postgres://user@localhost/db")
        #expect(defaults.channel == "datastar_hub")
        #expect(defaults.payloadTable == "datastar_hub_payloads")
    }

    @Test("a URL's parts reach the connection configuration, percent-decoded")
    func urlParts() throws {
        let configuration = try PostgresBackplane.connectionConfiguration(
            url: "postgresql://us%40er:p%3Ass%2Fw@db.example.com:6543/my%20db?sslmode=disable"
                + "&application_name=datastar&connect_timeout=3"
        )
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "us@er")
        #expect(configuration.password == "p:ss/w")
        #expect(configuration.database == "my db")
        #expect(!configuration.tls.isAllowed)
        #expect(configuration.options.connectTimeout == .seconds(3))
        #expect(configuration.options.additionalStartupParameters.contains { $0 == ("application_name", "datastar") })

        let minimal = try PostgresBackplane.connectionConfiguration(url: "postgres://postgres@127.0.0.1")
        #expect(minimal.port == 5432)
        #expect(minimal.password == nil)
        #expect(minimal.database == nil)

        let tls = try PostgresBackplane.connectionConfiguration(url: "postgres://u@h/db?sslmode=require")
        #expect(tls.tls.isEnforced)
        let preferred = try PostgresBackplane.connectionConfiguration(url: "postgres://u@h/db?sslmode=prefer")
        #expect(preferred.tls.isAllowed && !preferred.tls.isEnforced)

        let socket = try PostgresBackplane.connectionConfiguration(url: "postgres://u@/db?host=/run/postgresql/")
        #expect(socket.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(socket.host == nil)
    }

    @Test("each error names what is wrong, and a URL error does not repeat the URL")
    func errorDescriptions() {
        #expect(
            PostgresBackplaneError.invalidURL(reason: "unknown parameter oops").description
                == "invalid PostgreSQL URL: unknown parameter oops"
        )
        let channel = PostgresBackplaneError.invalidChannelName("bad-name").description
        #expect(channel.hasPrefix("invalid NOTIFY channel name \"bad-name\""))
        let table = PostgresBackplaneError.invalidTableName("a.b").description
        #expect(table.hasPrefix("invalid payload table name \"a.b\""))
        for description in [channel, table] {
            #expect(description.contains("1 to 63 ASCII letters, digits and underscores, not starting with a digit"))
        }

        do {
            _ = try PostgresBackplane(url: "postgres://alice:s3cret@db.internal:5432/orders?pool_size=3")
            Issue.record("no error")
        } catch {
            #expect(error == .invalidURL(reason: "unsupported query parameter \"pool_size\""))
            for part in ["alice", "s3cret", "db.internal", "orders"] {
                #expect(!error.description.contains(part), "the description repeats \(part)")
            }
        }
    }
}
