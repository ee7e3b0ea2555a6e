import CoreMetrics

/// The reactor's metrics, through swift-metrics.
///
/// - `datastar_streams_open` (meter): open reactor streams.
/// - `datastar_events_sent` (counter): events written to clients.
/// - `datastar_bytes_sent` (counter): bytes written to clients, keep-alives included.
/// - `datastar_streams_retired` (counter, dimension `reason`): ended streams by cause.
struct StreamMetrics: Sendable {
    let open = Meter(label: "datastar_streams_open")
    let events = Counter(label: "datastar_events_sent")
    let bytes = Counter(label: "datastar_bytes_sent")

    func retired(_ reason: StreamEndReason) {
        Counter(label: "datastar_streams_retired", dimensions: [("reason", reason.label)]).increment()
    }
}
