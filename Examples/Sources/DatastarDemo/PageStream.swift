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

import Datastar
import DatastarNIO
import Foundation
import NIOConcurrencyHelpers

/// The page's one long-lived stream, `GET /updates?live=push|pull`: everything the server
/// pushes to a page goes over it, so a page holds one connection of the browser's six per host
/// over HTTP/1.1, and one stream of a shared connection over HTTP/2.
///
/// - the shared board: the stream subscribes to the board's hub topic, so every toggle, from
///   any process, reaches it as it is published;
/// - the live view, every 100 ms, in push mode (in pull mode the page polls for it instead);
/// - the stats, every second.
///
/// When the stream opens it sends the page everything it shows, unless the hub replayed the
/// board updates that the page missed: on a first visit (`.fresh`) and when the page comes
/// back from another process or after the history moved on (`.gap`), the whole board.
struct PageStream: Sendable {
    /// How often the stats are sent.
    static let statsInterval: Duration = .seconds(1)
    /// The longest wait between two tries to reconnect (the client starts at 1 s and doubles):
    /// a page is live again at most this long after a restarted server listens, however long
    /// the restart took. The client's default is 30 s.
    static let retryMaxWait: Duration = .seconds(4)
    /// How many tries before the page says it is offline: about ten minutes of them. The
    /// client's default is 10 (about three minutes with its longer waits).
    static let retryMaxCount = 150

    let board: BoardRoutes
    let live: LiveView
    let stats: Stats
    let reactor: DatastarReactor

    /// The stream for a page whose live view comes by `mode`.
    func stream(live mode: LiveView.Mode) async throws -> DatastarStream {
        // From PostgreSQL, the board is read before subscribing (a toggle in that instant shows
        // with the next one); the in-memory board is read once subscribed, in onConnect.
        let loaded = try await board.load()
        let store = board.store
        let live = self.live
        let stats = self.stats
        let pushing = mode == .push
        // Push: a tick per sample, and the stats every tenth tick. Pull: a tick per second.
        let interval = pushing ? LiveView.sampleInterval : Self.statsInterval
        let ticksPerStats = Int(Self.statsInterval / interval)
        return DatastarStream(
            subscribingTo: [BoardRoutes.topic],
            on: board.hub,
            every: interval,
            reactor: reactor,
            update: { sse in
                if pushing {
                    try sse.send(.patchElements(live.render(at: Date())))
                }
                if sse.updates % ticksPerStats == 0 {
                    try sse.send(.patchElements(stats.render()))
                }
            },
            onConnect: { sse in
                switch sse.resume {
                case .replayed:
                    // The board updates the page missed were replayed: its board is current.
                    break
                case .fresh, .gap, nil:
                    let current = store.snapshot ?? loaded
                    try sse.send(
                        .patchElements(current.render(), eventID: current.eventID(prefix: store.eventIDPrefix))
                    )
                }
                if pushing {
                    stats.pushing.insert(sse.id)
                    try sse.send(.patchElements(live.render(at: Date())))
                }
                try sse.send(.patchElements(stats.render()))
                // The coding negotiated for this stream from the browser's Accept-Encoding.
                try sse.send(.patchElements(Page.compressionBadge(sse.contentCoding ?? .identity)))
            },
            onDisconnect: { sse, _ in
                stats.pushing.remove(sse.id)
            }
        )
    }

    /// The element that opens the stream when it appears and aborts it when it is removed
    /// (`requestCancellation: 'cleanup'`): switching the live view's mode replaces it. It
    /// sends no signals (`filterSignals`): the stream needs none, and a GET carries them in its
    /// URL. It also keeps `$_connection`, the state the page shows, from the client's fetch
    /// events about this element:
    ///
    /// - `connecting` from the request's start until the stream delivers;
    /// - `live` once the stream delivers (again, after a retry);
    /// - `retrying` after a network error, while the client tries again (after 1 s, then 2,
    ///   then every 4 s);
    /// - `offline` when the client gave up (`retries-failed`);
    /// - `ended` when the stream ended and will not come back (the server ended it, or
    ///   answered with an error).
    static func element(_ mode: LiveView.Mode) -> String {
        let url = "/updates?live=\(mode.rawValue)"
        let open =
            "@get('\(url)', {filterSignals: {include: /^$/}, requestCancellation: 'cleanup', "
            + "retryMaxWait: \(Self.retryMaxWait.components.seconds * 1000), retryMaxCount: \(Self.retryMaxCount)})"
        // The states by event type; `finished` after `retries-failed` leaves `offline`.
        let track =
            "if (evt.detail.el !== el) return; "
            + "const state = ({'started': 'connecting', 'datastar-patch-elements': 'live', "
            + "'datastar-patch-signals': 'live', 'retrying': 'retrying', 'retries-failed': 'offline', "
            + "'finished': 'ended'})[evt.detail.type]; "
            + "if (state && !(state === 'ended' && $_connection === 'offline')) $_connection = state"
        // The listener first, so that it hears the request start.
        return #"<div id="stream" hidden data-mode="\#(mode.rawValue)" data-on:datastar-fetch="\#(track)" "#
            + #"data-init="\#(open)"></div>"#
    }
}

/// The connections of a reactor that are in some state, by their IDs.
final class ConnectionSet: Sendable {
    private let ids = NIOLockedValueBox(Set<UInt64>())

    func insert(_ id: UInt64) { ids.withLockedValue { _ = $0.insert(id) } }
    func remove(_ id: UInt64) { ids.withLockedValue { _ = $0.remove(id) } }
    var count: Int { ids.withLockedValue { $0.count } }
}
