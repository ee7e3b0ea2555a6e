public import NIOCore

/// How the reactor writes to one connection of a framework. The framework adapters provide
/// transports; every call is made on ``eventLoop``.
public protocol ReactorTransport: Sendable {
    /// The event loop of the connection's channel.
    var eventLoop: any EventLoop { get }
    /// Writes a chunk of the response body and flushes it. The promise succeeds once the bytes
    /// are in the socket, and fails if they cannot be written.
    func writeAndFlush(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?)
    /// Ends the response. Called exactly once, after the last write.
    func finish()
    /// Completes when the connection closes, where the framework exposes that; `nil`
    /// otherwise (closed connections are then noticed by their failing writes).
    var closeFuture: EventLoopFuture<Void>? { get }
}
