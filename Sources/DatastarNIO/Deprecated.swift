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

// Names that shipped before the naming pass, kept so that code written against them still
// builds; each says what replaced it.

/// Renamed: see ``StreamCloseReason``.
@available(*, deprecated, renamed: "StreamCloseReason")
public typealias StreamEndReason = StreamCloseReason

/// Renamed: see ``DatastarSendError``.
@available(*, deprecated, renamed: "DatastarSendError")
public typealias ServerSentEventStreamError = DatastarSendError
