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

public import Datastar
public import NIOCore

extension ByteBuffer: ServerSentEventBuffer {
    /// Appends raw bytes; lets events be encoded straight into the buffer that is written.
    public mutating func appendSSEBytes(_ bytes: UnsafeRawBufferPointer) {
        writeBytes(bytes)
    }
}

extension DatastarEvent {
    /// The event in wire format, in a new `ByteBuffer`. Encode once and write the same buffer
    /// to every client: `ByteBuffer` is copy-on-write, so that shares the bytes.
    public func encoded(allocator: ByteBufferAllocator) throws(DatastarError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 128)
        try encode(into: &buffer)
        return buffer
    }
}
