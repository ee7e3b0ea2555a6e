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

/// The board's routes: one GET stream per page, one POST per toggle.
struct BoardRoutes: Sendable {
    /// The hub topic of the board's updates.
    static let topic = "board"

    let store: any BoardStore
    let hub: DatastarHub
    /// The newest board this process has delivered.
    let versions: BoardVersions
    let reactor: DatastarReactor
    let stats: Stats

    /// `GET /board/updates`: the page's one long-lived stream. It subscribes to the board's
    /// topic (every toggle, from any process), starts with the full board unless the hub
    /// replayed what the client missed (`Last-Event-ID`), and sends the stats every second.
    func updates() async throws -> DatastarStream {
        let loaded = try await load()
        let store = self.store
        let stats = self.stats
        var stream = DatastarStream(
            subscribingTo: [Self.topic],
            on: hub,
            reactor: reactor,
            onConnect: { sse in
                if case .replayed = sse.resume {
                    // The board updates the client missed were replayed: it is current.
                } else {
                    // The in-memory board as it is once subscribed, so no toggle falls between
                    // the read and the subscription. From PostgreSQL, the board read before
                    // subscribing: a toggle in that instant shows with the next one.
                    try sse.send(.patchElements((store.snapshot ?? loaded).render()))
                }
                try sse.send(.patchElements(stats.render()))
                // The coding negotiated for this stream from the browser's Accept-Encoding.
                try sse.send(.patchElements(Page.compressionBadge(sse.contentCoding ?? .identity)))
            }
        )
        stream.interval = .seconds(1)
        stream.update = { sse in try sse.send(.patchElements(stats.render())) }
        return stream
    }

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
            try hub.publish(.patchElements(board.render(), eventID: String(board.version)), to: Self.topic)
        }
        return .noContent
    }
}

/// Every route of the demo.
struct DemoRoutes: Sendable {
    let page: Page
    let live: LiveView
    let board: BoardRoutes
    let form: SignupForm
    let stats: Stats
    let polls: Counter
    /// The Datastar client's source when it is served by the demo (`--datastar-js`).
    let datastarJS: ByteBuffer?

    func register(on router: Router<BasicDatastarRequestContext>) {
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
        if let datastarJS {
            router.get("/datastar.js") { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
                    body: ResponseBody(byteBuffer: datastarJS)
                )
            }
        }

        // The live view: push is a reactor stream, pull a one-shot of the same updater.
        router.get("/live/stream") { _, _ in live.stream }
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
                    // Replaced, not morphed: the old driver's requests end with it.
                    .patchElements(LiveView.driver(mode), selector: "#live-driver", mode: .replace),
                ])
            }
        }

        // The shared board.
        router.get("/board/updates") { _, _ in try await board.updates() }
        router.post("/board/cells/:cell/toggle") { _, context in
            try await board.toggle(cell: context.parameters.get("cell"))
        }

        // The form: validation while typing, then the submit.
        router.datastar(.post, "/signup/validate", signals: SignupSignals.self) { signals, sse in
            try await sse.send(.patchElements(SignupForm.renderProblems(form.validate(signals, final: false))))
        }
        router.datastar(.post, "/signup", signals: SignupSignals.self) { signals, sse in
            let problems = form.validate(signals, final: true)
            let name = signals.username.trimmingWhitespace()
            guard problems.isEmpty, let number = form.register(name) else {
                var problems = problems
                if problems.isEmpty { problems.username = "“\(name)” was just taken. Try another." }
                try await sse.send(.patchElements(SignupForm.renderProblems(problems)))
                return
            }
            try await sse.send([
                .patchElements(SignupForm.renderWelcome(name: name, number: number)),
                .patchSignals(json: ["username": .string(""), "email": .string(""), "age": .string("")]),
            ])
        }
        router.datastar(.get, "/signup/form") { _, _, sse in
            try await sse.send(.patchElements(SignupForm.renderForm()))
        }
    }
}
