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

package import NIOCore

/// Reads how many bytes written to a TCP socket the kernel still holds unsent — bytes the
/// client has not made room for — so that a subscriber's backlog counts them whatever the
/// kernel's buffer sizes (which autotune up to megabytes per socket).
package enum SocketBacklog {
    /// The bytes `channel`'s socket holds unsent, on Linux, for a channel that is a TCP socket
    /// (an HTTP/1.1 connection; not an HTTP/2 stream, whose socket is shared); `nil` when that
    /// cannot be known. Call on the channel's event loop: it reads synchronously (one
    /// `getsockopt`).
    package static func unsentBytes(of channel: any Channel) -> Int? {
        #if os(Linux)
            channel.eventLoop.assertInEventLoop()
            guard let provider = channel as? any SocketOptionProvider else { return nil }
            var unsent: Int?
            // On the channel's loop, NIO reads the option at once and completes the future
            // before returning it, so the callback below runs before this function returns.
            let info: EventLoopFuture<TCPInfoPrefix> = provider.unsafeGetSocketOption(
                level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_TCP)),
                name: NIOBSDSocket.Option(rawValue: CInt(TCP_INFO))
            )
            info.assumeIsolated().whenSuccess { unsent = $0.notsentBytes }
            return unsent
        #else
            return nil
        #endif
    }
}

#if os(Linux)
    import Glibc

    /// The first 152 bytes of Linux's `struct tcp_info` (`linux/tcp.h`), as far as
    /// `tcpi_notsent_bytes` (offset 144, since Linux 4.6). Glibc's own `tcp_info` stops before
    /// that field. The kernel fills as much of the buffer as it knows; an older one leaves
    /// `notsentBytes` zero.
    struct TCPInfoPrefix: Sendable {
        private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        private var more: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0)

        /// `tcpi_notsent_bytes`: bytes queued in the socket that have not been sent.
        var notsentBytes: Int {
            withUnsafeBytes(of: self) { bytes in
                Int(bytes.loadUnaligned(fromByteOffset: 144, as: UInt32.self))
            }
        }
    }
#endif
