import Foundation
import Logging

/// A swift-log handler that writes each event as one line in a ``LogFormat``.
///
/// Bootstrap it once in `main`:
///
/// ```swift
/// let format = LogFormat.automatic(environment: ProcessInfo.processInfo.environment)
/// LoggingSystem.bootstrap { label in PatchscanLogHandler(label: label, format: format, logLevel: .notice) }
/// ```
///
/// Metadata is merged like swift-log's `StreamLogHandler`: the handler's own, then the metadata provider's, then
/// the event's, later keys winning. An error passed to the logging call appears as the `error` key unless the
/// metadata already has one. Keys are sorted in every format.
public struct PatchscanLogHandler: LogHandler {
    /// The logger's label, written on ``LogFormat/text`` and ``LogFormat/json`` lines.
    public let label: String
    /// How events are rendered.
    public let format: LogFormat
    /// The least severe level written.
    public var logLevel: Logger.Level
    /// Metadata attached to every event of this handler.
    public var metadata: Logger.Metadata
    /// Contributes metadata, such as task-local values, to every event.
    public var metadataProvider: Logger.MetadataProvider?
    private let sink: LogSink
    private let now: @Sendable () -> Date

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - format: How events are rendered.
    ///   - logLevel: The least severe level written.
    ///   - sink: Where lines go; standard error unless a test collects them.
    ///   - metadataProvider: Contributes metadata to every event; by default the one bootstrapped with swift-log.
    ///   - now: The time written on ``LogFormat/text`` and ``LogFormat/json`` lines.
    public init(
        label: String,
        format: LogFormat,
        logLevel: Logger.Level = .info,
        sink: LogSink = .standardError,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.format = format
        self.logLevel = logLevel
        self.metadata = [:]
        self.metadataProvider = metadataProvider
        self.sink = sink
        self.now = now
    }

    /// Reads or changes one key of ``metadata``.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Renders the event and writes it to the sink as one line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided, uniquingKeysWith: { _, new in new })
        }
        if let own = event.metadata {
            merged.merge(own, uniquingKeysWith: { _, new in new })
        }
        if let error = event.error, merged["error"] == nil {
            merged["error"] = "\(error)"
        }
        let record = LogRecord(
            time: now(),
            level: event.level,
            label: label,
            message: event.message.description,
            source: event.source,
            metadata: merged.map { (key: $0.key, value: $0.value.description) }.sorted { $0.key < $1.key }
        )
        sink.write(format.line(for: record))
    }
}
