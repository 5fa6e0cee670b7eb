import Foundation

/// A sustained request rate, written `N/s`, `N/min` or `N/h` in the configuration (`200/min`, `10/s`).
public struct RequestRate: Sendable, Equatable, CustomStringConvertible {
    /// Requests allowed per ``period``, at least 1.
    public var count: Int
    /// The period ``count`` is measured over: one second, minute or hour.
    public var period: Duration

    /// Creates a rate of `count` requests per `period`.
    public init(_ count: Int, per period: Duration) {
        self.count = count
        self.period = period
    }

    /// `count` requests per second.
    public static func perSecond(_ count: Int) -> RequestRate { RequestRate(count, per: .seconds(1)) }
    /// `count` requests per minute.
    public static func perMinute(_ count: Int) -> RequestRate { RequestRate(count, per: .seconds(60)) }
    /// `count` requests per hour.
    public static func perHour(_ count: Int) -> RequestRate { RequestRate(count, per: .seconds(3_600)) }

    /// The rate in requests per second.
    public var perSecond: Double {
        Double(count) / period.timeInterval
    }

    /// `N/s`, `N/min` or `N/h`, as in the configuration.
    public var description: String {
        let unit = Self.units.first { $0.period == period }?.symbol
        return unit.map { "\(count)/\($0)" } ?? "\(count) per \(period)"
    }

    private static let units: [(symbol: String, period: Duration)] = [
        ("s", .seconds(1)), ("min", .seconds(60)), ("h", .seconds(3_600)),
    ]

    /// Why a rate was rejected; the message is meant for the operator.
    struct SyntaxError: Error {
        let message: String
    }

    /// Parses `N/s`, `N/min` or `N/h` with a whole number `N` of at least 1; spaces around `/` are allowed.
    static func parse(_ text: String) throws(SyntaxError) -> RequestRate {
        let form = "write a rate as a whole number of requests per s, min or h, such as 10/s, 200/min or 30/h"
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw SyntaxError(message: "'\(text)' is not a rate; \(form)")
        }
        guard let unit = units.first(where: { $0.symbol == parts[1] }) else {
            throw SyntaxError(message: "'\(parts[1])' is not a rate unit; use s, min or h (\(form))")
        }
        guard parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw SyntaxError(message: "'\(parts[0])' is not a whole number of requests; \(form)")
        }
        guard let count = Int(parts[0]) else {
            throw SyntaxError(message: "the rate '\(text)' is too large")
        }
        guard count >= 1 else {
            throw SyntaxError(message: "the rate must allow at least 1 request per \(parts[1]) (got '\(text)')")
        }
        return RequestRate(count, per: unit.period)
    }
}
