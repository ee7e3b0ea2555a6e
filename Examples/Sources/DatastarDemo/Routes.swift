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

import CoreMetrics
import Datastar
import DatastarHummingbird
import DatastarNIO
import Hummingbird
import NIOCore
import PostgresNIO
import Foundation

/// The board's routes: the board's part of the page's stream, and one POST per toggle.
struct BoardRoutes: Sendable {
    /// The hub topic of the board's updates.
    static let topic = "board"

    let store: any BoardStore
    let hub: DatastarHub
    /// The newest board this process has delivered.
    let versions: BoardVersions

    /// The board as it is now.
    func load() async throws -> Board {
        try await available { try await store.load() }
    }

    /// Runs a store operation; a store that fails (the database is down) is a 503 that says so.
    private func available(_ operation: () async throws -> Board) async throws -> Board {
        do {
            return try await operation()
        } catch {
            // PSQLError's description hides the details on purpose; its code is safe to show.
            let reason = (error as? PSQLError).map { "\($0.code)" } ?? "\(error)"
            throw HTTPError(.serviceUnavailable, message: "The board's database is unavailable (\(reason)).")
        }
    }

    /// `POST /board/cells/:cell/toggle`: toggles the cell in the store and publishes the new
    /// board to every subscriber, in this process and through the backplane in the others.
    func toggle(cell text: String?) async throws -> HTTPResponse.Status {
        guard let text, let cell = Int(text), (0..<Board.size).contains(cell) else {
            throw HTTPError(.badRequest, message: "The cell must be a number from 0 to \(Board.size - 1).")
        }
        let board = try await available { try await store.toggle(cell) }
        // Published unless a newer board went out meanwhile (it contains this toggle).
        try versions.ifNewer(board.version) {
            try hub.publish(
                .patchElements(board.render(), eventID: board.eventID(prefix: store.eventIDPrefix)),
                to: Self.topic
            )
        }
        return .noContent
    }
}

/// Every route of the demo.
struct DemoRoutes: Sendable {
    let page: Page
    let updates: PageStream
    let form: SignupForm
    let polls: Counter
    /// The Datastar client's source when it is served by the demo (`--datastar-js`).
    let datastarJS: ByteBuffer?

    func register(on router: Router<BasicDatastarRequestContext>) {
        let board = updates.board
        let live = updates.live
        let stats = updates.stats
        router.get("/") { _, _ in
            let board = try await board.load()
            let html = page.render(
                live: live.render(at: Date()),
                board: board.render(),
                stats: stats.render()
            )
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: html))
            )
        }
        // A page of its own: plain (non-SSE) responses and QUERY.
        PlainPage(client: page.client).register(on: router)
        if let datastarJS {
            router.get("/datastar.js") { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
                    body: ResponseBody(byteBuffer: datastarJS)
                )
            }
        }

        // The page's one stream: the board, the stats and, in push mode, the live view.
        router.get("/updates") { request, _ async throws -> DatastarStream in
            let text = request.uri.queryParameters.get("live") ?? LiveView.Mode.push.rawValue
            guard let mode = LiveView.Mode(rawValue: text) else {
                throw HTTPError(.badRequest, message: "live is push or pull, not \(String(reflecting: text)).")
            }
            return try await updates.stream(live: mode)
        }

        // The live view: pushed by the page's stream, or pulled by a one-shot poll.
        router.get("/live/poll") { _, _ in
            polls.increment()
            return live.poll
        }
        router.get("/live/mode/:mode") { _, context in
            let text = context.parameters.get("mode") ?? ""
            guard let mode = LiveView.Mode(rawValue: text) else {
                throw HTTPError(.badRequest, message: "The mode is push or pull, not \(String(reflecting: text)).")
            }
            return DatastarResponse { sse in
                try await sse.send([
                    .patchElements(LiveView.modeSwitch(mode)),
                    // Replaced, not morphed: the old elements' requests end with them. The page's
                    // stream opens again, asking for the live view in the new mode.
                    .patchElements(LiveView.driver(mode), selector: "#live-driver", mode: .replace),
                    .patchElements(PageStream.element(mode), selector: "#stream", mode: .replace),
                ])
            }
        }

        // The shared board: a toggle publishes the new board to every page's stream.
        router.post("/board/cells/:cell/toggle") { _, context in
            try await board.toggle(cell: context.parameters.get("cell"))
        }

        // The form: validation while typing, then the submit.
        router.datastar(.post, "/signup/validate", signals: SignupSignals.self) { signals, sse in
            try await sse.send(SignupForm.problemsPatch(form.validate(signals, final: false)))
        }
        router.datastar(.post, "/signup", signals: SignupSignals.self) { signals, sse in
            let problems = form.validate(signals, final: true)
            let name = signals.username.trimmingWhitespace()
            guard problems.isEmpty, let number = form.register(name) else {
                var problems = problems
                if problems.isEmpty { problems.username = "“\(name)” was just taken. Try another." }
                try await sse.send(SignupForm.problemsPatch(problems))
                return
            }
            try await sse.send([
                .patchElements(SignupForm.renderWelcome(name: name, number: number)),
                SignupForm.resetPatch(),
            ])
        }
        router.datastar(.get, "/signup/form") { _, _, sse in
            // A validation that answered after the welcome may have left messages: cleared.
            try await sse.send([.patchElements(SignupForm.renderForm()), SignupForm.resetPatch()])
        }
    }
}
