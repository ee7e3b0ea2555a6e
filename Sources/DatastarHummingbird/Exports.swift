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

// Everything a user needs for Datastar comes with this one import: the protocol's events,
// signals and HTML helpers (`Datastar`) and the engine's public types — streams, the reactor,
// the hub, compression settings (`DatastarNIO`).
@_exported public import Datastar
@_exported public import DatastarNIO
