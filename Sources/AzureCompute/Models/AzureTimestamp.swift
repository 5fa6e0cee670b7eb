import Foundation

/// A timestamp as Azure sent it, kept verbatim, with a best-effort parsed `Date`.
///
/// Azure writes ISO 8601 with up to seven fractional digits (`2020-04-24T21:02:04.2556154Z`) or an
/// offset (`+00:00`); `ISO8601DateFormatter` rejects the seven digits, so the fraction is parsed here.
public struct AzureTimestamp: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text exactly as received.
    public let rawValue: String

    /// Wraps a timestamp string.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// The instant, or `nil` when the text is not an ISO 8601 date-time.
    public var date: Date? { Self.parse(rawValue) }

    static func parse(_ text: String) -> Date? {
        guard let tIndex = text.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }) else { return nil }
        let timePart = text[text.index(after: tIndex)...]
        var fraction = 0.0
        var withoutFraction = text
        if let dot = timePart.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix(while: \.isNumber)
            guard !digits.isEmpty, let value = Double("0." + digits) else { return nil }
            fraction = value
            withoutFraction = String(text[..<dot]) + String(text[digits.endIndex...])
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let whole = formatter.date(from: withoutFraction) else { return nil }
        return whole.addingTimeInterval(fraction)
    }
}
