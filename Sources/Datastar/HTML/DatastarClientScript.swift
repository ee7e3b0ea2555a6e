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

/// Where the page loads the Datastar client from.
public struct DatastarClientScript: Sendable, Hashable {
    /// The version of the Datastar client the SDK is built for, and the CDN default: 1.0.4.
    ///
    /// The SDK's own browser tests run on the 1.0.1 client, the newest they can fetch offline;
    /// 1.0.4 adds `@query()`, whose signals the SDK reads from the body like POST's.
    public static let pinnedVersion = "1.0.4"

    /// The URL of the client module.
    public var url: String

    /// The client from the jsDelivr CDN, at a version (``pinnedVersion`` by default).
    public static func cdn(version: String = pinnedVersion) -> DatastarClientScript {
        DatastarClientScript(url: "https://cdn.jsdelivr.net/gh/starfederation/datastar@\(version)/bundles/datastar.js")
    }

    /// A self-hosted copy of the client, served by your app at `path`.
    public static func selfHosted(path: String) -> DatastarClientScript {
        DatastarClientScript(url: path)
    }

    /// Creates a client script for any URL.
    public init(url: String) {
        self.url = url
    }

    /// The `<script type="module">` tag that loads the client.
    public var tag: String {
        #"<script type="module" src="\#(HTML.escape(url))"></script>"#
    }
}
