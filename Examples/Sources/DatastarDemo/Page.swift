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

/// The demo's one page. Everything on it is rendered here once, then kept current by the
/// server over the page's one stream (`data-init` on `#stream`, see ``PageStream``), which
/// patches the board, the stats and, in push mode, the live view; in pull mode the live
/// driver (`#live-driver`) polls for the live view. The header shows the stream's state
/// (`$_connection`), and a banner says so while the page is not live.
struct Page: Sendable {
    /// Where the page loads the Datastar client from.
    let client: DatastarClientScript
    /// Says where the client comes from, for the header.
    let clientLabel: String
    /// Says what carries hub messages, for the header.
    let backplaneLabel: String

    /// The client's version for the header: the pinned one from the CDN; unknown for a local file.
    var clientVersion: String {
        client == .cdn() ? " \(DatastarClientScript.pinnedVersion)" : ""
    }

    func render(live: String, board: String, stats: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>swift-datastar demo</title>
        <link rel="icon" href="data:,">
        <style>\(Self.css)</style>
        \(client.tag)
        </head>
        <body data-signals="{\(SignupForm.signals), _connection: 'connecting'}">
        \(PageStream.element(.push))
        <div id="connection-banner" class="banner" role="status" aria-live="polite" hidden \
        data-attr:hidden="$_connection === 'live' || $_connection === 'connecting'" \
        data-attr:data-state="$_connection" data-text="\(Self.bannerText)"></div>
        <div class="wrap">
        <header class="top">
          <div class="brand"><div class="logo">✦</div><div><h1>swift-datastar</h1>
          <p>The Datastar SDK for Swift, live: Hummingbird 2 on SwiftNIO</p></div></div>
          <div class="badges">\(Self.connectionBadge)<span class="badge">hub: <b>\(HTML.escape(backplaneLabel))</b></span>\
        <span class="badge">client: <b>Datastar\(clientVersion)</b> · \(HTML.escape(clientLabel))</span>\
        \(Self.compressionBadge(nil))</div>
        </header>
        <main class="grid">
        <section class="card span4" id="live-card">
          <div class="card-head"><div><h2>Live view</h2>
          <p>A simulated fleet, sampled ten times a second. Push or pull: the same updater.</p></div>
          \(LiveView.modeSwitch(.push))</div>
          \(live)
          \(LiveView.driver(.push))
          <div class="sdk"><code>DatastarStream(subscribingTo:on:every:)</code><code>DatastarPoll</code>\
        <code>data-on-interval</code></div>
        </section>
        <section class="card span2" id="stats-card">
          <div class="card-head"><div><h2>This process</h2>
          <p>From the SDK's swift-metrics, refreshed every second.</p></div></div>
          \(stats)
          <div class="sdk"><code>datastar_streams_open</code><code>datastar_events_sent</code>\
        <code>hub.subscriberCount(of:)</code></div>
        </section>
        <section class="card span3" id="board-card">
          <div class="card-head"><div><h2>Shared board</h2>
          <p>Every tab sees every toggle: a POST publishes, the page's one stream receives.</p></div></div>
          \(board)
          <div class="sdk"><code>hub.publish(_:to:)</code><code>HubResume</code>\
        <code>Last-Event-ID</code></div>
        </section>
        <section class="card span3" id="form-card">
          <div class="card-head"><div><h2>Sign up</h2>
          <p>Fields are signals; the server validates as you type and on submit.</p></div></div>
          \(SignupForm.renderForm())
          <div class="sdk"><code>router.datastar(.post, signals:)</code><code>.patchElements</code>\
        <code>.patchSignals</code></div>
        </section>
        </main>
        <footer class="foot">Open this page in another window to see the board and the counts follow. \
        <a href="/plain">Plain responses and QUERY</a></footer>
        </div>
        </body>
        </html>
        """
    }

    /// The badge that shows the state of the page's stream (`$_connection`).
    static let connectionBadge = """
        <span class="badge conn" id="connection" data-attr:data-state="$_connection" data-state="connecting">\
        <i class="dot"></i><span id="connection-label" data-text="\(labelText)">connecting…</span></span>
        """

    /// The badge's label for each state.
    static let labelText =
        "({connecting: 'connecting…', live: 'live', retrying: 'reconnecting…', offline: 'offline', "
        + "ended: 'disconnected'})[$_connection] ?? $_connection"

    /// The banner's text for each state (the banner is hidden while live or connecting).
    static let bannerText =
        "({retrying: 'Connection lost: reconnecting…', "
        + "offline: 'The server cannot be reached. Reload the page to try again.', "
        + "ended: 'The server ended the stream. Reload the page for live updates.'})[$_connection] ?? ''"

    /// The badge that names the board stream's content coding, as negotiated with this
    /// browser (`nil` before the stream opens).
    static func compressionBadge(_ coding: ContentCoding?) -> String {
        let label = coding.map { $0 == .identity ? "none" : $0.rawValue } ?? "…"
        return #"<span class="badge" id="stream-coding">stream compression: <b>\#(label)</b></span>"#
    }

    static let css = """
        :root{--bg:#f4f5fb;--card:#fff;--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--accent:#6366f1;\
        --accent2:#8b5cf6;--ok:#10b981;--warm:#f59e0b;--hot:#ef4444;--err:#dc2626}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);\
        background:radial-gradient(1100px 520px at 8% -12%,#e0e7ff 0,transparent 62%),var(--bg)}
        .wrap{max-width:1180px;margin:0 auto;padding:26px 24px 30px}
        header.top{display:flex;align-items:center;justify-content:space-between;gap:16px;margin-bottom:20px;flex-wrap:wrap}
        .brand{display:flex;gap:14px;align-items:center}
        .logo{width:44px;height:44px;border-radius:12px;background:linear-gradient(135deg,var(--accent),var(--accent2));\
        display:grid;place-items:center;color:#fff;font-size:22px;box-shadow:0 6px 16px rgba(99,102,241,.35)}
        h1{font-size:22px;margin:0;letter-spacing:-.01em}
        .brand p{margin:0;color:var(--muted);font-size:14px}
        .badges{display:flex;gap:8px;flex-wrap:wrap}
        .badge{font-size:12.5px;padding:5px 11px;border-radius:999px;background:#fff;border:1px solid var(--line);color:#334155}
        .badge b{color:var(--accent);font-weight:600}
        .grid{display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:18px}
        .card{background:var(--card);border:1px solid var(--line);border-radius:16px;padding:20px 22px;\
        box-shadow:0 1px 2px rgba(15,23,42,.04),0 8px 24px rgba(15,23,42,.05);display:flex;flex-direction:column;gap:14px}
        .span4{grid-column:span 4}.span3{grid-column:span 3}.span2{grid-column:span 2}
        .card-head{display:flex;justify-content:space-between;align-items:flex-start;gap:12px}
        h2{font-size:16px;margin:0}
        .card-head p{margin:2px 0 0;color:var(--muted);font-size:13.5px}
        .sdk{display:flex;flex-wrap:wrap;gap:6px;margin-top:auto}
        .sdk code{font-size:11.5px;background:#f1f5f9;border:1px solid var(--line);border-radius:6px;padding:2px 7px;color:#475569}
        .mono,code{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
        .muted{color:var(--muted)}
        .switch{display:inline-flex;background:#f1f5f9;border:1px solid var(--line);border-radius:10px;padding:3px;gap:2px;flex:none}
        .switch button{border:0;background:transparent;padding:6px 12px;border-radius:8px;font:inherit;font-size:13px;\
        color:#475569;cursor:pointer;white-space:nowrap}
        .switch button small{color:#94a3b8;font-size:11px;margin-left:3px}
        .switch button.active{background:#fff;color:var(--ink);box-shadow:0 1px 3px rgba(15,23,42,.14);font-weight:600}
        .live{display:flex;flex-direction:column;gap:12px}
        .live-head{display:flex;justify-content:space-between;align-items:baseline;font-size:13px;gap:8px}
        .big{font-size:30px;font-weight:700;letter-spacing:-.02em;font-variant-numeric:tabular-nums}
        .chart{width:100%;height:130px;display:block;border-radius:8px}
        .grid-line{stroke:#e2e8f0;stroke-dasharray:4 4}
        .nodes{display:grid;grid-template-columns:1fr 1fr;gap:8px 24px}
        .node{display:grid;grid-template-columns:72px 1fr 42px;align-items:center;gap:10px;font-size:12.5px}
        .bar{height:8px;background:#eef2f7;border-radius:99px;overflow:hidden}
        .bar i{display:block;height:100%;border-radius:99px;transition:width .2s ease}
        .bar i.ok{background:var(--ok)}.bar i.warm{background:var(--warm)}.bar i.hot{background:var(--hot)}
        .pct{text-align:right;color:#334155;font-variant-numeric:tabular-nums}
        .stats{display:grid;grid-template-columns:1fr 1fr;gap:12px}
        .stat{background:#f8fafc;border:1px solid var(--line);border-radius:12px;padding:12px 14px;display:flex;flex-direction:column}
        .stat .label{font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
        .stat .value{font-size:28px;font-weight:700;letter-spacing:-.02em;font-variant-numeric:tabular-nums}
        .stat .sub{font-size:12px;color:var(--muted)}
        .cells{display:grid;gap:8px}
        .cells input{appearance:none;-webkit-appearance:none;margin:0;aspect-ratio:1;width:100%;border-radius:8px;\
        border:1.5px solid #cbd5e1;background:#fff;cursor:pointer;transition:background .15s,border-color .15s,transform .1s}
        .cells input:hover{border-color:var(--accent)}
        .cells input:active{transform:scale(.92)}
        .cells input:checked{background:linear-gradient(135deg,var(--accent),var(--accent2));border-color:transparent;\
        box-shadow:0 2px 6px rgba(99,102,241,.35)}
        .board p{margin:12px 0 0;font-size:13px}
        #signup form{display:flex;flex-direction:column;gap:4px}
        .fields{display:grid;gap:4px}
        .field{display:grid;gap:4px}
        .field span{font-size:13px;font-weight:600}
        .field input{font:inherit;padding:8px 12px;border:1.5px solid #cbd5e1;border-radius:10px;outline:none;\
        transition:border-color .15s,box-shadow .15s}
        .field input:focus{border-color:var(--accent);box-shadow:0 0 0 3px rgba(99,102,241,.15)}
        .field:has(.error:not(:empty)) input{border-color:var(--err)}
        .error{margin:0;min-height:19px;font-size:12.5px;color:var(--err)}
        button.primary{align-self:flex-start;font:inherit;font-weight:600;color:#fff;\
        background:linear-gradient(135deg,var(--accent),var(--accent2));border:0;border-radius:10px;padding:9px 18px;\
        cursor:pointer;box-shadow:0 4px 12px rgba(99,102,241,.3)}
        .welcome{display:flex;gap:14px;align-items:flex-start;background:#ecfdf5;border:1px solid #a7f3d0;border-radius:12px;\
        padding:16px;flex-wrap:wrap}
        .welcome p{margin:2px 0 0;font-size:13.5px}
        .welcome .check{width:32px;height:32px;border-radius:50%;background:var(--ok);color:#fff;display:grid;\
        place-items:center;font-weight:700;flex:none}
        .welcome button{margin-left:auto;font:inherit;font-size:13px;border:1px solid #a7f3d0;background:#fff;\
        border-radius:8px;padding:6px 12px;cursor:pointer}
        .foot{margin-top:18px;text-align:center;color:var(--muted);font-size:13px}
        .conn .dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:#94a3b8;margin-right:6px;\
        vertical-align:1px}
        .conn[data-state=live] .dot{background:var(--ok);box-shadow:0 0 0 3px rgba(16,185,129,.18)}
        .conn[data-state=retrying] .dot{background:var(--warm);animation:pulse 1s ease-in-out infinite}
        .conn[data-state=offline] .dot,.conn[data-state=ended] .dot{background:var(--err)}
        .conn[data-state=retrying] span,.conn[data-state=offline] span,.conn[data-state=ended] span{font-weight:600}
        @keyframes pulse{50%{opacity:.3}}
        .banner{position:sticky;top:0;z-index:10;padding:10px 16px;text-align:center;font-size:14px;font-weight:600;\
        color:#78350f;background:#fef3c7;border-bottom:1px solid #fcd34d}
        .banner[hidden]{display:none}
        .banner[data-state=offline],.banner[data-state=ended]{color:#7f1d1d;background:#fee2e2;border-color:#fca5a5}
        @media (max-width:900px){.grid{grid-template-columns:minmax(0,1fr)}.span4,.span3,.span2{grid-column:auto}\
        .nodes{grid-template-columns:1fr}}
        @media (max-width:560px){.wrap{padding:16px 12px 20px}.card{padding:16px 14px}\
        .card-head{flex-wrap:wrap}\
        .live-head{flex-wrap:wrap}.node{grid-template-columns:64px minmax(0,1fr) 38px}}
        """
}
