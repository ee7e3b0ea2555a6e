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

import ArgumentParser
import ConformanceServer
import Hummingbird
import Logging

/// Serves the official Datastar conformance endpoint, `/test`.
@main
struct DatastarConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datastar-conformance",
        abstract: "Serves /test for the official Datastar SDK conformance cases on 127.0.0.1."
    )

    enum Framework: String, ExpressibleByArgument, CaseIterable {
        case hummingbird, vapor
    }

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: Int = 7331

    @Option(help: "The server framework: hummingbird or vapor.")
    var framework: Framework = .hummingbird

    func run() async throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535")
        }
        let logger: Logger = {
            var logger = Logger(label: "datastar-conformance")
            logger.logLevel = .info
            return logger
        }()
        switch framework {
        case .hummingbird:
            let app = HummingbirdConformance.application(port: port, logger: logger) { port in
                logger.info("datastar-conformance (hummingbird) listening on http://127.0.0.1:\(port)")
            }
            try await app.runService()
        case .vapor:
            try await VaporConformance.run(port: port)
        }
    }
}
