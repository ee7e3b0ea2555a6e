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

/// Builds Datastar backend-action expressions for `data-on:*` and `data-init` attributes,
/// such as `@get('/feed')` or `@post('/todo', {contentType: 'form'})`.
///
/// Strings are written as JavaScript string literals in which `"`, `'`, `&`, `<`, `>` and line
/// breaks are escaped, so the result can be put into a double-quoted HTML attribute as is.
///
/// ```swift
/// let html = #"<button data-on:click="\#(DatastarAction.post("/increment"))">+1</button>"#
/// ```
public struct DatastarAction: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP method of a backend action.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// `@get`: signals go in the `datastar` query parameter.
        case get
        /// `@post`: signals go in a JSON body.
        case post
        /// `@put`: signals go in a JSON body.
        case put
        /// `@patch`: signals go in a JSON body.
        case patch
        /// `@delete`: signals go in the `datastar` query parameter.
        case delete
        /// `@query` (client 1.0.4 and later): an HTTP `QUERY` request, signals in a JSON body.
        case query
    }

    /// How the client encodes the request.
    public enum ContentType: String, Sendable, Hashable {
        /// Signals as JSON (the default).
        case json
        /// The closest form's fields, form-encoded; signals are not sent.
        case form
    }

    /// When the client retries a failed request.
    public enum Retry: String, Sendable, Hashable {
        /// On network errors (the client's default).
        case auto
        /// On network errors and error responses.
        case error
        /// Always, even after a stream ended normally.
        case always
        /// Never.
        case never
    }

    /// The options of a backend action; `nil` leaves the client's default.
    public struct Options: Sendable, Hashable {
        /// How the request body is encoded.
        public var contentType: ContentType?
        /// A JavaScript regular expression (its source) of the signal paths to send.
        public var includeSignals: String?
        /// A JavaScript regular expression (its source) of the signal paths not to send.
        public var excludeSignals: String?
        /// The form to send, with ``ContentType/form``, by CSS selector.
        public var selector: String?
        /// Extra request headers, in order.
        public var headers: [ScriptAttribute]
        /// Keep a stream open while the page is hidden.
        public var openWhenHidden: Bool?
        /// When to retry.
        public var retry: Retry?
        /// The first delay before a retry.
        public var retryInterval: Duration?
        /// The factor by which the delay grows after each retry.
        public var retryScaler: Double?
        /// The longest delay between retries.
        public var retryMaxWait: Duration?
        /// The most retries before giving up.
        public var retryMaxCount: Int?
        /// Whether a new request from the same element cancels the one in flight (the client
        /// does by default); `false` sends `requestCancellation: 'disabled'`.
        public var cancelsPreviousRequest: Bool?

        /// Creates options; every argument defaults to the client's behaviour.
        public init(
            contentType: ContentType? = nil,
            includeSignals: String? = nil,
            excludeSignals: String? = nil,
            selector: String? = nil,
            headers: [ScriptAttribute] = [],
            openWhenHidden: Bool? = nil,
            retry: Retry? = nil,
            retryInterval: Duration? = nil,
            retryScaler: Double? = nil,
            retryMaxWait: Duration? = nil,
            retryMaxCount: Int? = nil,
            cancelsPreviousRequest: Bool? = nil
        ) {
            self.contentType = contentType
            self.includeSignals = includeSignals
            self.excludeSignals = excludeSignals
            self.selector = selector
            self.headers = headers
            self.openWhenHidden = openWhenHidden
            self.retry = retry
            self.retryInterval = retryInterval
            self.retryScaler = retryScaler
            self.retryMaxWait = retryMaxWait
            self.retryMaxCount = retryMaxCount
            self.cancelsPreviousRequest = cancelsPreviousRequest
        }

        /// The options as a JavaScript object literal, or `nil` when all are defaults.
        var javaScript: String? {
            var fields: [String] = []
            if let contentType { fields.append("contentType: \(Self.literal(contentType.rawValue))") }
            if includeSignals != nil || excludeSignals != nil {
                var filter: [String] = []
                if let includeSignals { filter.append("include: new RegExp(\(Self.literal(includeSignals)))") }
                if let excludeSignals { filter.append("exclude: new RegExp(\(Self.literal(excludeSignals)))") }
                fields.append("filterSignals: {\(filter.joined(separator: ", "))}")
            }
            if let selector { fields.append("selector: \(Self.literal(selector))") }
            if !headers.isEmpty {
                let pairs = headers.map { "\(Self.literal($0.name)): \(Self.literal($0.value))" }
                fields.append("headers: {\(pairs.joined(separator: ", "))}")
            }
            if let openWhenHidden { fields.append("openWhenHidden: \(openWhenHidden)") }
            if let retry { fields.append("retry: \(Self.literal(retry.rawValue))") }
            if let retryInterval { fields.append("retryInterval: \(Self.milliseconds(retryInterval))") }
            if let retryScaler, retryScaler.isFinite { fields.append("retryScaler: \(retryScaler)") }
            if let retryMaxWait { fields.append("retryMaxWait: \(Self.milliseconds(retryMaxWait))") }
            if let retryMaxCount { fields.append("retryMaxCount: \(retryMaxCount)") }
            if let cancelsPreviousRequest {
                fields.append("requestCancellation: \(Self.literal(cancelsPreviousRequest ? "auto" : "disabled"))")
            }
            return fields.isEmpty ? nil : "{\(fields.joined(separator: ", "))}"
        }

        /// A single-quoted JavaScript string literal that is also safe in an HTML attribute.
        static func literal(_ text: String) -> String {
            var output = "'"
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": output += "\\\\"
                case "'": output += "\\'"
                case "\"", "&", "<", ">", "\n", "\r", "\u{2028}", "\u{2029}":
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: output.unicodeScalars.append(scalar)
                }
            }
            return output + "'"
        }

        /// Whole milliseconds, with negative durations clamped to 0 and huge ones saturating.
        static func milliseconds(_ duration: Duration) -> Int64 {
            max(0, duration.wholeMilliseconds)
        }
    }

    /// The HTTP method.
    public var method: Method
    /// The URL the action requests.
    public var url: String
    /// The action's options.
    public var options: Options

    /// Creates an action.
    public init(_ method: Method, _ url: String, options: Options = Options()) {
        self.method = method
        self.url = url
        self.options = options
    }

    /// The expression, such as `@get('/feed')`.
    public var description: String {
        let url = Options.literal(self.url)
        if let options = options.javaScript {
            return "@\(method.rawValue)(\(url), \(options))"
        }
        return "@\(method.rawValue)(\(url))"
    }

    /// `@get(url, options)`.
    public static func get(_ url: String, _ options: Options = Options()) -> DatastarAction {
        DatastarAction(.get, url, options: options)
    }

    /// `@post(url, options)`.
    public static func post(_ url: String, _ options: Options = Options()) -> DatastarAction {
        DatastarAction(.post, url, options: options)
    }

    /// `@put(url, options)`.
    public static func put(_ url: String, _ options: Options = Options()) -> DatastarAction {
        DatastarAction(.put, url, options: options)
    }

    /// `@patch(url, options)`.
    public static func patch(_ url: String, _ options: Options = Options()) -> DatastarAction {
        DatastarAction(.patch, url, options: options)
    }

    /// `@delete(url, options)`.
    public static func delete(_ url: String, _ options: Options = Options()) -> DatastarAction {
        DatastarAction(.delete, url, options: options)
    }

    /// `@query(url, options)`: an HTTP `QUERY` request (client 1.0.4 and later), safe and
    /// idempotent like GET, with the signals in its body like POST.
    public static func query(_ url: String, _ options: Options = Options()) -> DatastarAction {
        DatastarAction(.query, url, options: options)
    }
}
