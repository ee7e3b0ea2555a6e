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
import DatastarPostgres
import NIOCore
import Testing

@Suite("Backplane wire format", .timeLimit(.minutes(1)))
struct WireFormatTests {
    static let oddMessages: [HubMessage] = [
        message("t", "", origin: "o"),
        message(
            "room 42 | 100% ünïcødé 🙂",
            "event: datastar-patch-elements\ndata: elements <p>|%7C%</p>\n\n",
            eventID: "id|%7C%|=",
            coalescingKey: "",
            origin: "orig|in%"
        ),
        message("", "x", eventID: "", coalescingKey: "=", origin: ""),
        message("nul\u{0}topic", "a|b|c|d|e|f|g", eventID: "\u{0}", coalescingKey: "k\u{0}", origin: "o"),
        HubMessage(
            topic: "binary",
            payload: ByteBuffer(bytes: [0, 1, 2, 0xFF, 0xFE, 0x7C, 0x25, 0xC3]),
            eventID: "7",
            coalescingKey: nil,
            origin: "o"
        ),
    ]

    @Test("messages survive encoding and decoding unchanged", arguments: oddMessages)
    func roundTrip(original: HubMessage) throws {
        let encoded = WireFormat.encode(original)
        #expect(!encoded.utf8.contains(0), "PostgreSQL text cannot hold NUL")
        #expect(try WireFormat.decode(encoded) == .message(original))
    }

    @Test("a UTF-8 payload travels as text, other bytes in base64")
    func bodyKinds() {
        #expect(WireFormat.encode(message("t", "héllo", origin: "o")) == "ds1|i|o|t|||héllo")
        #expect(
            WireFormat.encode(message("t", "x", eventID: "1", coalescingKey: "k", origin: "o")) == "ds1|i|o|t|=1|=k|x"
        )
        let binary = HubMessage(
            topic: "t",
            payload: ByteBuffer(bytes: [0xFF]),
            eventID: nil,
            coalescingKey: nil,
            origin: "o"
        )
        #expect(WireFormat.encode(binary) == "ds1|b|o|t|||/w==")
        let nul = HubMessage(
            topic: "t",
            payload: ByteBuffer(bytes: [0x41, 0]),
            eventID: nil,
            coalescingKey: nil,
            origin: "o"
        )
        #expect(WireFormat.encode(nul).hasPrefix("ds1|b|"))
    }

    @Test("references carry the origin and the row id")
    func references() throws {
        let prefix = WireFormat.referencePrefix(origin: "a|b")
        #expect(prefix == "ds1|r|a%7Cb|")
        #expect(try WireFormat.decode(prefix + "42") == .reference(origin: "a|b", rowID: 42))
    }

    @Test(
        "malformed payloads are errors, not crashes",
        arguments: [
            "", "hello", "ds1", "ds1|", "ds2|i|o|t|||x", "ds1|x|o|t|||x", "ds1|i|o|t||", "ds1|i|o|t|x||body",
            "ds1|i|o%|t|||x", "ds1|i|o%4|t|||x", "ds1|i|o%zz|t|||x", "ds1|i|o%FF|t|||x", "ds1|b|o|t|||not base64!",
            "ds1|r|o|", "ds1|r|o|12x", "ds1|r|o", "ds1|r|o|99999999999999999999",
        ]
    )
    func malformed(payload: String) {
        #expect(throws: WireFormat.DecodingError.self) { try WireFormat.decode(payload) }
    }
}
