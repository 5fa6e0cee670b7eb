import Foundation
import Logging

/// A log event with its metadata merged and flattened to strings, ready for any ``LogFormat``.
struct LogRecord {
    var time: Date
    var level: Logger.Level
    var label: String
    var message: String
    var source: String
    /// Sorted by key, so lines are stable and easy to compare.
    var metadata: [(key: String, value: String)]
}

extension LogFormat {
    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// The complete line for `record`, ending in a newline.
    func line(for record: LogRecord) -> String {
        switch self {
        case .text:
            let time = record.time.formatted(Self.timestampStyle)
            return "\(time) \(record.level) \(record.label): \(Self.plainText(record))\n"
        case .journal:
            return "<\(record.level.syslogPriority)>\(Self.plainText(record))\n"
        case .json:
            return Self.json(record) + "\n"
        }
    }

    /// The message, then ` key=value` for each metadata entry; control characters escaped so one event stays
    /// one line (and one journal entry), and a value cannot forge a line of its own.
    private static func plainText(_ record: LogRecord) -> String {
        var text = LogEscaping.message(record.message)
        for (key, value) in record.metadata {
            text += " \(key)=\(LogEscaping.value(value))"
        }
        return text
    }

    private struct JSONLine: Encodable {
        let time: String
        let level: String
        let label: String
        let message: String
        let source: String
        let metadata: [String: String]
    }

    private static func json(_ record: LogRecord) -> String {
        let line = JSONLine(
            time: record.time.formatted(timestampStyle),
            level: record.level.rawValue,
            label: record.label,
            message: record.message,
            source: record.source,
            metadata: Dictionary(record.metadata, uniquingKeysWith: { _, last in last })
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(line) else {
            // Unreachable for a structure of strings; the event is still worth a line.
            return LogFormat.text.line(for: record).trimmingCharacters(in: .newlines)
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Logger.Level {
    /// The syslog priority journald reads from a `<N>` line prefix (`sd-daemon(3)`).
    var syslogPriority: Int {
        switch self {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
