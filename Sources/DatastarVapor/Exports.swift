// Everything a user needs for Datastar comes with this one import: the protocol's events,
// signals and HTML helpers (`Datastar`) and the engine's public types — streams, the reactor,
// the hub, compression settings (`DatastarNIO`).
@_exported public import Datastar
@_exported public import DatastarNIO
