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
import Logging
import NIOConcurrencyHelpers
import NIOCore

func message(
    _ topic: String = "topic",
    _ payload: String,
    eventID: String? = nil,
    coalescingKey: String? = nil,
    origin: String
) -> HubMessage {
    HubMessage(
        topic: topic,
        payload: ByteBuffer(string: payload),
        eventID: eventID,
        coalescingKey: coalescingKey,
        origin: origin
    )
}

/// Records what a logger logs, with the logger's metadata and the entry's merged.
final class CapturedLogs: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let box = NIOLockedValueBox<[Record]>([])

    /// What was logged so far, oldest first.
    var records: [Record] { self.box.withLockedValue { $0 } }

    /// A logger, at level trace, that records into this.
    var logger: Logger {
        Logger(label: "datastar.postgres.unit-tests") { _ in Handler(capture: self) }
    }

    private struct Handler: LogHandler {
        let capture: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let record = Record(
                level: event.level,
                message: event.message.description,
                metadata: self.metadata.merging(event.metadata ?? [:]) { $1 }
            )
            self.capture.box.withLockedValue { $0.append(record) }
        }
    }
}
