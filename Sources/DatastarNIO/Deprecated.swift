// Names that shipped before the naming pass, kept so that code written against them still
// builds; each says what replaced it.

/// Renamed: see ``StreamCloseReason``.
@available(*, deprecated, renamed: "StreamCloseReason")
public typealias StreamEndReason = StreamCloseReason

/// Renamed: see ``DatastarSendError``.
@available(*, deprecated, renamed: "DatastarSendError")
public typealias ServerSentEventStreamError = DatastarSendError
