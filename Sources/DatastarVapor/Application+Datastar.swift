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

public import DatastarNIO
import NIOConcurrencyHelpers
public import Vapor

extension Application {
    /// Datastar's per-application state.
    public var datastar: Datastar { Datastar(application: self) }

    /// Datastar's per-application state: the reactor that drives the application's streams.
    public struct Datastar: Sendable {
        let application: Application

        private struct ReactorKey: StorageKey, LockKey {
            typealias Value = DatastarReactor
        }

        private struct AsyncStreamsKey: StorageKey, LockKey {
            typealias Value = AsyncStreamRegistry
        }

        /// The application's reactor, created on first use. ``DatastarStream`` responses use it
        /// unless they name another.
        public var reactor: DatastarReactor {
            get {
                application.locks.lock(for: ReactorKey.self).withLock {
                    if let reactor = application.storage[ReactorKey.self] { return reactor }
                    let reactor = DatastarReactor(logger: application.logger)
                    application.storage[ReactorKey.self] = reactor
                    return reactor
                }
            }
            nonmutating set {
                application.locks.lock(for: ReactorKey.self).withLock {
                    application.storage[ReactorKey.self] = newValue
                }
            }
        }

        /// The application's running `DatastarResponse` streams, which the server's shutdown
        /// closes (``Vapor/Application/Servers/Provider/datastar``).
        var asyncStreams: AsyncStreamRegistry {
            application.locks.lock(for: AsyncStreamsKey.self).withLock {
                if let registry = application.storage[AsyncStreamsKey.self] { return registry }
                let registry = AsyncStreamRegistry()
                application.storage[AsyncStreamsKey.self] = registry
                return registry
            }
        }
    }
}

extension Application.Servers.Provider {
    /// Vapor's HTTP server, with Datastar streams ended before it shuts down.
    ///
    /// Vapor's server waits for open responses when it stops, and long-lived streams never end
    /// by themselves; so without this, shutdown waits for the server's shutdown timeout. With
    /// it, every stream of the application's reactor gets its `onDisconnect` and ends first,
    /// and every running `DatastarResponse` stream is closed:
    ///
    /// ```swift
    /// app.servers.use(.datastar)
    /// ```
    public static var datastar: Self {
        .init { app in
            app.servers.use { app in
                DatastarServer(
                    base: app.http.server.shared,
                    reactor: app.datastar.reactor,
                    asyncStreams: app.datastar.asyncStreams
                )
            }
        }
    }
}

/// Vapor's HTTP server, which ends the reactor's streams and the running async streams before
/// it shuts down.
struct DatastarServer: Server {
    let base: HTTPServer
    let reactor: DatastarReactor
    let asyncStreams: AsyncStreamRegistry

    var onShutdown: EventLoopFuture<Void> { base.onShutdown }

    @available(*, noasync)
    func start(address: BindAddress?) throws {
        try base.start(address: address)
    }

    func start(address: BindAddress?) async throws {
        try await base.start(address: address)
    }

    /// Vapor's synchronous shutdown. It does not wait for the reactor: the close of every
    /// stream is enqueued on its event loop first, so each loop closes its streams before it
    /// handles the server's own shutdown, which then finds no open stream to wait for.
    @available(*, noasync)
    func shutdown() {
        asyncStreams.shutDownAll()
        _ = reactor.beginShutdown()
        base.shutdown()
    }

    func shutdown() async {
        asyncStreams.shutDownAll()
        await reactor.shutdown()
        await base.shutdown()
    }
}
