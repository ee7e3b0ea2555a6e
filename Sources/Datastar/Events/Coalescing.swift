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

extension DatastarEvent {
    /// The event's coalescing key: a key that two events share when the later one makes the
    /// earlier one useless, because both replace the same target. A broadcast hub coalesces
    /// events with the same key: for a client that reads too slowly, it drops a queued event
    /// that a newer one supersedes.
    ///
    /// - Elements patched in a replacing mode (`outer`, `inner`, `replace`) share a key when
    ///   they have the same mode, namespace and selector, or — without a selector — the same
    ///   mode and namespace and a first element with the same `id`.
    /// - Signal patches share a key when they set the same top-level signals (in any order)
    ///   with the same `onlyIfMissing`.
    /// - Every other event (appends, removals, scripts, elements without selector or `id`,
    ///   signals that are not a JSON object) has no coalescing key: it is never
    ///   replaced.
    public var coalescingKey: String? {
        switch payload {
        case .patchElements(let patch):
            switch patch.mode {
            case .outer, .inner, .replace: break
            default: return nil
            }
            if let selector = patch.selector, !selector.isEmpty {
                return "elements|\(patch.mode.rawValue)|\(patch.namespace.rawValue)|\(selector)"
            }
            guard let elements = patch.elements, let id = HTML.firstElementID(in: elements) else { return nil }
            return "elements|\(patch.mode.rawValue)|\(patch.namespace.rawValue)|#\(id)"
        case .patchSignals(let patch):
            guard case .object(let members)? = try? JSONValue(parsing: patch.signals), !members.isEmpty else {
                return nil
            }
            let keys = members.map(\.key).sorted()
            // Keys are JSON-escaped so that no key can run into the next.
            let joined = keys.map { JSONValue.string($0).serialized() }.joined(separator: ",")
            return "signals|\(patch.onlyIfMissing)|\(joined)"
        }
    }
}
