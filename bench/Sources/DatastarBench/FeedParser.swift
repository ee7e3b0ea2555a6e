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

/// Parses one `GET /feed` response as it arrives: the head (status 200, `Transfer-Encoding`),
/// then chunked framing (hex size line, data, CRLF; split anywhere across reads), then SSE:
/// each event (ended by a blank line) that holds `"t":<µs>` yields one lag. It works on the
/// raw bytes of each read and allocates nothing after the head.
struct FeedParser {
    enum Phase: UInt8 {
        case head, chunkSize, chunkData, chunkEnd, trailer, identity, failed
    }

    private(set) var phase = Phase.head
    /// Set once the head said 200.
    private(set) var opened = false
    /// Why the response was refused or could not be parsed.
    private(set) var failure: String?
    /// Whether the chunked body ended normally (its last chunk and trailers arrived), rather
    /// than being cut by a closed connection.
    private(set) var bodyEnded = false

    private var head: [UInt8] = []
    private var headEndMatch = 0
    private var chunkSize = 0
    private var chunkSizeDigits = 0
    private var chunkExtension = false
    private var chunkLeft = 0
    private var trailerLineLength = 0
    private var events = SSEScanner()

    static let maximumHead = 65_536
    static let maximumChunk = 1 << 40

    /// Consumes one read; records lags into `stats` with `now` (µs) as the receive time.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, now: Int64, stats: LoopStats) {
        var index = 0
        let count = bytes.count
        while index < count {
            switch phase {
            case .head:
                index = consumeHead(bytes, from: index)
            case .chunkSize:
                let byte = bytes[index]
                index &+= 1
                if byte == ASCII.lineFeed {
                    guard chunkSizeDigits > 0 else { return fail("chunk size line without digits") }
                    if chunkSize == 0 {
                        // The last chunk: skip trailers; anything after is parsed as more chunks.
                        phase = .trailer
                        trailerLineLength = 0
                    } else {
                        chunkLeft = chunkSize
                        phase = .chunkData
                    }
                    chunkSize = 0
                    chunkSizeDigits = 0
                    chunkExtension = false
                } else if !chunkExtension, let digit = ASCII.hexValue(byte) {
                    chunkSize = chunkSize &* 16 &+ digit
                    chunkSizeDigits &+= 1
                    guard chunkSize < Self.maximumChunk else { return fail("chunk size too large") }
                } else if byte == ASCII.carriageReturn || byte == ASCII.semicolon || byte == ASCII.space
                    || byte == ASCII.tab
                {
                    chunkExtension = true
                } else if !chunkExtension {
                    return fail("bad chunk size byte \(byte)")
                }
            case .chunkData:
                let take = min(chunkLeft, count &- index)
                stats.bytes &+= take
                events.scan(bytes, from: index, to: index &+ take, now: now, stats: stats)
                index &+= take
                chunkLeft &-= take
                if chunkLeft == 0 { phase = .chunkEnd }
            case .chunkEnd:
                let byte = bytes[index]
                index &+= 1
                if byte == ASCII.lineFeed {
                    phase = .chunkSize
                } else if byte != ASCII.carriageReturn {
                    return fail("missing CRLF after chunk data")
                }
            case .trailer:
                let byte = bytes[index]
                index &+= 1
                if byte == ASCII.lineFeed {
                    if trailerLineLength == 0 {
                        phase = .chunkSize
                        bodyEnded = true
                    }
                    trailerLineLength = 0
                } else if byte != ASCII.carriageReturn {
                    trailerLineLength &+= 1
                }
            case .identity:
                stats.bytes &+= count &- index
                events.scan(bytes, from: index, to: count, now: now, stats: stats)
                index = count
            case .failed:
                return
            }
        }
    }

    private mutating func fail(_ reason: String) {
        phase = .failed
        failure = reason
    }

    /// Collects the head up to CRLF CRLF, then checks it; returns the index after what it used.
    private mutating func consumeHead(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            index &+= 1
            head.append(byte)
            if byte == (headEndMatch % 2 == 0 ? ASCII.carriageReturn : ASCII.lineFeed) {
                headEndMatch &+= 1
            } else {
                headEndMatch = byte == ASCII.carriageReturn ? 1 : 0
            }
            if headEndMatch == 4 {
                checkHead()
                head = []
                return index
            }
            if head.count > Self.maximumHead {
                fail("response head larger than \(Self.maximumHead) bytes")
                return bytes.count
            }
        }
        return index
    }

    private mutating func checkHead() {
        let text = String(decoding: head, as: UTF8.self)
        let lines = text.split(separator: "\r\n")
        guard let statusLine = lines.first else { return fail("empty response head") }
        let status = statusLine.split(separator: " ", maxSplits: 2)
        guard status.count >= 2, status[0].hasPrefix("HTTP/1.") else {
            return fail("bad status line \(statusLine)")
        }
        guard status[1] == "200" else { return fail("status \(status.dropFirst().joined(separator: " "))") }
        var chunked = false
        for line in lines.dropFirst() {
            let lowered = line.lowercased()
            if lowered.hasPrefix("transfer-encoding:") && lowered.contains("chunked") { chunked = true }
        }
        opened = true
        phase = chunked ? .chunkSize : .identity
    }
}

/// Finds SSE events in body bytes: an event ends at a blank line; comment lines (`:`) are
/// skipped; `"t":` followed by digits gives the event's send time in µs.
struct SSEScanner {
    private var lineLength = 0
    private var lineIsComment = false
    private var eventHasContent = false
    private var eventHasTime = false
    private var eventTime: Int64 = 0
    /// How much of `"t":` matched so far.
    private var match = 0
    private var inNumber = false
    private var numberDigits = 0
    private var number: Int64 = 0

    @inline(__always)
    mutating func scan(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, now: Int64, stats: LoopStats) {
        var index = start
        while index < end {
            let byte = bytes[index]
            index &+= 1
            if byte == ASCII.lineFeed {
                finishNumber()
                if lineLength == 0 {
                    if eventHasTime {
                        stats.record(lag: now &- eventTime)
                    } else if eventHasContent {
                        stats.otherEvents &+= 1
                    }
                    eventHasContent = false
                    eventHasTime = false
                }
                lineLength = 0
                lineIsComment = false
                match = 0
                continue
            }
            if byte == ASCII.carriageReturn { continue }
            if lineLength == 0 && byte == ASCII.colon { lineIsComment = true }
            lineLength &+= 1
            if lineIsComment { continue }
            eventHasContent = true
            if inNumber {
                if byte >= ASCII.zero && byte <= ASCII.nine {
                    number = number &* 10 &+ Int64(byte &- ASCII.zero)
                    numberDigits &+= 1
                    continue
                }
                if numberDigits == 0 && byte == ASCII.space { continue }
                finishNumber()
            }
            match = Self.advance(match, with: byte)
            if match == 4 {
                match = 0
                inNumber = true
                numberDigits = 0
                number = 0
            }
        }
    }

    @inline(__always)
    private mutating func finishNumber() {
        guard inNumber else { return }
        inNumber = false
        if numberDigits > 0 {
            eventHasTime = true
            eventTime = number
        }
    }

    /// Steps the match of `"t":` by one byte.
    @inline(__always)
    static func advance(_ matched: Int, with byte: UInt8) -> Int {
        switch (matched, byte) {
        case (0, ASCII.quote): 1
        case (1, ASCII.lowercaseT): 2
        case (2, ASCII.quote): 3
        case (3, ASCII.colon): 4
        case (3, ASCII.lowercaseT): 2
        case (_, ASCII.quote): 1
        default: 0
        }
    }
}

/// The bytes the parsers look for.
enum ASCII {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let quote: UInt8 = 0x22
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let lowercaseT: UInt8 = 0x74

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte &- 0x30)
        case 0x41...0x46: Int(byte &- 0x41 &+ 10)
        case 0x61...0x66: Int(byte &- 0x61 &+ 10)
        default: nil
        }
    }
}
