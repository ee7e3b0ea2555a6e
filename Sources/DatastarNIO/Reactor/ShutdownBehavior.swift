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

/// What a long-lived stream does when the server shuts down (a deploy, a restart).
///
/// The Datastar client reopens a stream only after a network error; a stream that ended
/// normally is never reopened. So by default (``reconnect``) the SDK ends an open stream on
/// shutdown as a network error would — the HTTP/1.1 connection closes without the body's last
/// chunk, the HTTP/2 stream is reset — and the browser retries with its backoff (1 s, then
/// doubling) until the next process answers. It sends `Last-Event-ID` when it retries: a hub
/// subscription resumes from the topic's history where it can, and tells `onConnect` when it
/// cannot (``HubResume/gap``; a new process has an empty history, so after a restart the
/// page gets the full state).
///
/// ``end`` ends the stream normally instead, for a stream that should not come back (a
/// one-off job's progress, for example).
///
/// Whatever the behaviour, a stream the app closes (``DatastarConnection/close()``, or an
/// async stream's closure returning) ends normally, and `onDisconnect` receives
/// ``StreamCloseReason/serverShutdown`` on shutdown.
public enum ShutdownBehavior: Sendable, Hashable {
    /// End the stream as a network error would, so the client reconnects to the next process.
    /// The default.
    case reconnect
    /// End the stream normally: the client does not reopen it.
    case end
}
