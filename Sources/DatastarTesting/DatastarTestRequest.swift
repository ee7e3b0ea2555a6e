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

public import Datastar

/// A request as the Datastar client sends it for an action such as `@get('/x')` or
/// `@post('/x')`: the signals in the `datastar` query parameter (GET, DELETE) or as a JSON
/// body (other methods), with the headers `Datastar-Request: true` and
/// `Accept: text/event-stream, text/html, application/json`.
///
/// The framework kits (`DatastarHummingbirdTesting`, `DatastarVaporTesting`) send it for you;
/// build one yourself to send it with any other client.
public struct DatastarTestRequest: Sendable, Hashable {
    /// The HTTP method, such as `GET`.
    public var method: String
    /// The path and query, with the signals' query parameter when the method carries them
    /// there.
    public var uri: String
    /// The header fields the client sends.
    public var headers: [DatastarHTTPHeader]
    /// The JSON body, for methods that carry signals there; `nil` otherwise.
    public var body: [UInt8]?

    /// Builds the request the client sends.
    ///
    /// - Parameters:
    ///   - method: the HTTP method, such as `"GET"` or `"POST"`.
    ///   - uri: the path (and query) of the action.
    ///   - signals: the signals the page holds, as the client sends them; `nil` sends `{}`.
    ///   - lastEventID: the `Last-Event-ID` a reconnecting client sends.
    /// - Throws: ``DatastarError`` when `signals` does not encode to JSON.
    public init(
        method: String,
        uri: String,
        signals: (any Encodable)? = nil,
        lastEventID: String? = nil
    ) throws(DatastarError) {
        let json = try signals.map { value throws(DatastarError) in try JSONValue(encoding: value) } ?? .object([])
        let text = json.serialized()
        self.method = method.uppercased()
        self.headers = [
            DatastarHTTPHeader(name: "Datastar-Request", value: "true"),
            DatastarHTTPHeader(name: "Accept", value: "text/event-stream, text/html, application/json"),
        ]
        if let lastEventID { headers.append(DatastarHTTPHeader(name: "Last-Event-ID", value: lastEventID)) }
        if self.method == "GET" || self.method == "DELETE" {
            let separator = uri.contains("?") ? "&" : "?"
            self.uri = uri + separator + DatastarSignals.queryParameterName + "=" + Self.percentEncoded(text)
            self.body = nil
        } else {
            self.uri = uri
            self.headers.append(DatastarHTTPHeader(name: "Content-Type", value: "application/json"))
            self.body = Array(text.utf8)
        }
    }

    /// Percent-encodes every byte but the unreserved characters of RFC 3986.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.append(byte)
            default:
                encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}
