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

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a series of publishes did.
struct PublishOutcome: Sendable {
    /// Requests written in full.
    var written = 0
    /// Requests written and answered with a 2xx status.
    var acknowledged = 0
    /// Requests that failed (write error, bad status, no answer within the time limit).
    var failed = 0
    /// The first failure, if any.
    var firstError: String?
    /// Seconds from the first publish to the end of the series' last interval.
    var seconds = 0.0
    /// Round trips (request written to response head read), µs.
    var roundTrips = LagHistogram()
}

/// `POST /publish` over one keep-alive connection with blocking POSIX calls: the calling
/// thread (the main thread of the bench, never an event loop) writes the requests on a fixed
/// schedule without waiting for the answers (HTTP/1.1 pipelining), and a thread of its own
/// reads the responses, so a slow server does not slow the publishing down: it shows as lag.
final class Publisher: @unchecked Sendable {
    let port: Int
    /// How long the reader waits for a response before it gives up.
    let timeout: Double
    private var fd: Int32 = -1
    /// Bytes read after the last response head (reader thread only).
    private var buffered: [UInt8] = []
    /// When each request of the current series was written (monotonic s).
    private let sentLock = NSLock()
    private var sentTimes: [Double] = []

    static let request = Array(
        "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n".utf8
    )

    init(port: Int, timeout: Double = 5) {
        self.port = port
        self.timeout = timeout
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Publishes `count` times at `hz` per second on a fixed schedule (a late write does not
    /// make the next ones come sooner), calls `afterWriting` at the end of the last interval,
    /// then waits for the outstanding responses.
    func run(count: Int, hz: Double, afterWriting: () -> Void = {}) -> PublishOutcome {
        var outcome = PublishOutcome()
        do {
            if fd < 0 { try connectSocket() }
        } catch {
            outcome.failed = count
            outcome.firstError = "\(error)"
            return outcome
        }
        sentLock.withLock { sentTimes = [] }
        let responses = ResponseTally()
        let finished = DispatchSemaphore(value: 0)
        let reader = Thread { [self] in
            readResponses(count: count, into: responses)
            finished.signal()
        }
        reader.name = "datastar-bench publish responses"
        reader.start()

        let interval = 1 / hz
        let start = Clock.monotonicSeconds()
        var next = start
        var writeError: String?
        for _ in 0..<count {
            let wait = next - Clock.monotonicSeconds()
            if wait > 0 { Clock.sleep(seconds: wait) }
            sentLock.withLock { sentTimes.append(Clock.monotonicSeconds()) }
            do {
                try writeRequest()
                outcome.written += 1
            } catch {
                writeError = "\(error)"
                break
            }
            next = max(next + interval, Clock.monotonicSeconds())
        }
        let wait = next - Clock.monotonicSeconds()
        if wait > 0 && writeError == nil { Clock.sleep(seconds: wait) }
        outcome.seconds = Clock.monotonicSeconds() - start
        afterWriting()
        if writeError != nil { shutdown(fd, Int32(SHUT_RDWR)) }
        // Wait for the responses while they keep coming; a reader that saw none for `timeout`
        // seconds is ended (its recv fails once the socket is shut down).
        var answered = -1
        var progressed = Clock.monotonicSeconds()
        while finished.wait(timeout: .now() + 0.1) == .timedOut {
            let now = Clock.monotonicSeconds()
            let acknowledged = responses.acknowledged
            if acknowledged != answered {
                answered = acknowledged
                progressed = now
            } else if now - progressed > timeout {
                shutdown(fd, Int32(SHUT_RDWR))
                finished.wait()
                break
            }
        }
        let tally = responses.value
        outcome.acknowledged = tally.acknowledged
        outcome.failed = count - tally.acknowledged
        outcome.firstError = writeError ?? tally.error
        outcome.roundTrips = tally.roundTrips
        if outcome.failed > 0 { disconnect() }
        return outcome
    }

    /// What the reader thread saw.
    private final class ResponseTally: @unchecked Sendable {
        struct Value {
            var acknowledged = 0
            var error: String?
            var roundTrips = LagHistogram()
        }
        private let lock = NSLock()
        private var stored = Value()

        var value: Value { lock.withLock { stored } }
        var acknowledged: Int { lock.withLock { stored.acknowledged } }

        func update(_ body: (inout Value) -> Void) {
            lock.withLock { body(&stored) }
        }
    }

    private func readResponses(count: Int, into tally: ResponseTally) {
        for index in 0..<count {
            do {
                try readResponse()
                let now = Clock.monotonicSeconds()
                let sent = sentLock.withLock { index < sentTimes.count ? sentTimes[index] : now }
                tally.update {
                    $0.acknowledged += 1
                    $0.roundTrips.record(Int64((now - sent) * 1e6))
                }
            } catch {
                tally.update { $0.error = "\(error)" }
                return
            }
        }
    }

    private func writeRequest() throws {
        try Self.request.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw BenchError.server("publish: send: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Reads one response: its head, and its body by `Content-Length`; throws unless 2xx.
    private func readResponse() throws {
        let head = try readHead()
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n")
        let status = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard status.count >= 2, status[0].hasPrefix("HTTP/1."), let code = Int(status[1]) else {
            throw BenchError.badResponse("publish: status line \(lines.first ?? "")")
        }
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        if code != 204 && code != 304 && length > 0 { try skip(length) }
        guard (200..<300).contains(code) else { throw BenchError.badResponse("publish: status \(code)") }
    }

    private func connectSocket() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw BenchError.server("publish: socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            close(socketFD)
            throw BenchError.server("publish: connect: \(message)")
        }
        var one: Int32 = 1
        setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        fd = socketFD
        buffered = []
    }

    private func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        buffered = []
    }

    /// Reads more bytes into `buffered`; throws at end of stream, on an error or time-out.
    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffered.append(contentsOf: chunk[0..<count])
                return
            }
            if count == 0 { throw BenchError.server("publish: the server closed the connection") }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                throw BenchError.timedOut("the publish response (\(format(timeout, 0)) s)")
            }
            throw BenchError.server("publish: recv: \(String(cString: strerror(errno)))")
        }
    }

    private func readHead() throws -> [UInt8] {
        let end: [UInt8] = [13, 10, 13, 10]
        var searched = 0
        while true {
            if buffered.count >= 4 {
                for index in max(0, searched - 3)...(buffered.count - 4)
                where buffered[index..<index + 4].elementsEqual(end) {
                    let head = Array(buffered[0..<index])
                    buffered.removeFirst(index + 4)
                    return head
                }
                searched = buffered.count
            }
            if buffered.count > 65_536 { throw BenchError.badResponse("publish: response head too large") }
            try fill()
        }
    }

    private func skip(_ length: Int) throws {
        while buffered.count < length { try fill() }
        buffered.removeFirst(length)
    }
}
