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

/// One HTTP header field: the headers of a plain response (``DatastarPlainPatch/headers``) and
/// of a request a test sends as the Datastar client would.
public struct DatastarHTTPHeader: Sendable, Hashable {
    /// The field name, such as `datastar-selector`.
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
