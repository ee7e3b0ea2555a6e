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

import DatastarNIO
import Testing

@testable import DatastarPostgres

extension PostgresTests {
    /// Two servers with their own hubs, one PostgreSQL between them, real HTTP on both sides.
    @Suite(
        "Hub over PostgreSQL: two servers, one database",
        .timeLimit(.minutes(1)),
        .enabled(
            if: TestDatabase.isAvailable,
            "DATASTAR_TEST_POSTGRES_URL is not set; scripts/test starts a throwaway PostgreSQL and sets it"
        )
    )
    struct PostgresHubTests {
        @Test(
            "a publish through one server reaches the clients of the other, once; large payloads cross intact; resume works across servers",
            arguments: [(Framework.hummingbird, Framework.vapor), (Framework.vapor, Framework.hummingbird)]
        )
        func twoServers(first: Framework, second: Framework) async throws {
            let channel = uniqueName("hub")
            let table = uniqueName("payloads")
            let backplaneA = try PostgresBackplane(
                configuration: TestDatabase.configuration,
                channel: channel,
                payloadTable: table,
                logger: testLogger
            )
            let backplaneB = try PostgresBackplane(
                configuration: TestDatabase.configuration,
                channel: channel,
                payloadTable: table,
                logger: testLogger
            )
            let hubA = DatastarHub(name: "a", backplane: backplaneA)
            let hubB = DatastarHub(name: "b", backplane: backplaneB)
            try await running([backplaneA, backplaneB]) {
                try await backplaneA.waitUntilReady()
                try await backplaneB.waitUntilReady()
                try await withServer(first, hub: hubA) { a in
                    try await withServer(second, hub: hubB) { b in
                        var atA = try await subscribe(a.base).reader
                        var atB = try await subscribe(b.base).reader

                        // Published on A: A's client gets them from A's hub, B's through
                        // PostgreSQL; the second is far above NOTIFY's 8000-byte limit.
                        try await publishOverHTTP(a.base, n: 1, id: "m1")
                        try await publishOverHTTP(a.base, n: 2, id: "m2", pad: 20_000)
                        for n in 1...2 {
                            let expected = published(n, pad: n == 2 ? 20_000 : 0, id: "m\(n)")
                            #expect(try await atA.next() == expected)
                            #expect(try await atB.next() == expected)
                        }
                        // Published on B: the other way round.
                        try await publishOverHTTP(b.base, n: 3, id: "m3")
                        #expect(try await atA.next() == published(3, id: "m3"))
                        #expect(try await atB.next() == published(3, id: "m3"))
                        // Nothing arrived twice: the next event on each side is the next one
                        // published, not a copy of an earlier one.
                        try await publishOverHTTP(a.base, n: 4, id: "m4")
                        #expect(try await atA.next() == published(4, id: "m4"))
                        #expect(try await atB.next() == published(4, id: "m4"))

                        // A client of B that saw m1 (published on A) resumes from B's history.
                        let back = try await subscribe(b.base, lastEventID: "m1")
                        #expect(back.resume == "replayed:3")
                        #expect(
                            back.replayed == [
                                published(2, pad: 20_000, id: "m2"), published(3, id: "m3"), published(4, id: "m4"),
                            ]
                        )
                    }
                }
            }
            try await TestDatabase.dropTable(table)
        }
    }
}
