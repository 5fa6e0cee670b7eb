#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A UTC instant with 100-nanosecond ticks, formatted the ways Azure formats time on the wire.
///
/// Written by hand (civil-from-days arithmetic) because Azure's 7-digit fractional seconds are not
/// what Foundation's ISO 8601 formatters produce.
struct AzureTimestamp: Sendable, Hashable, Comparable {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    var epochSeconds: Int64
    /// Sub-second part in 100 ns units, `0..<10_000_000`.
    var ticks: Int

    init(epochSeconds: Int64, ticks: Int = 0) {
        self.epochSeconds = epochSeconds
        self.ticks = ticks
    }

    /// The current wall-clock time.
    static func now() -> AzureTimestamp {
        let interval = Date().timeIntervalSince1970
        let seconds = interval.rounded(.down)
        return AzureTimestamp(epochSeconds: Int64(seconds), ticks: Int((interval - seconds) * 10_000_000))
    }

    static func < (lhs: AzureTimestamp, rhs: AzureTimestamp) -> Bool {
        (lhs.epochSeconds, lhs.ticks) < (rhs.epochSeconds, rhs.ticks)
    }

    func adding(seconds: Int64, ticks extraTicks: Int = 0) -> AzureTimestamp {
        let totalTicks = self.ticks + extraTicks
        return AzureTimestamp(
            epochSeconds: self.epochSeconds + seconds + Int64(totalTicks / 10_000_000),
            ticks: totalTicks % 10_000_000
        )
    }

    /// `2026-11-27T10:02:04.2556154Z`, the assessPatches result style.
    var sevenDigitZulu: String {
        "\(self.dateAndTime).\(Self.pad(self.ticks, 7))Z"
    }

    /// `2026-11-27T10:02:04.2556154+00:00`, the async-operation status style.
    var sevenDigitOffset: String {
        "\(self.dateAndTime).\(Self.pad(self.ticks, 7))+00:00"
    }

    /// `2026-11-27T00:00:00Z`, the `publishedDate` style (whole seconds).
    var wholeSecondZulu: String {
        "\(self.dateAndTime)Z"
    }

    /// `2026-11-27 10:02:04Z`, the Entra error `timestamp` style.
    var entraStyle: String {
        let civil = self.civil
        return "\(Self.pad(civil.year, 4))-\(Self.pad(civil.month, 2))-\(Self.pad(civil.day, 2)) "
            + "\(Self.pad(civil.hour, 2)):\(Self.pad(civil.minute, 2)):\(Self.pad(civil.second, 2))Z"
    }

    /// `11/27/2026 10:02:04 AM`, the style of ARM's token-expiry messages.
    var armMessageStyle: String {
        let civil = self.civil
        let hour12 = civil.hour % 12 == 0 ? 12 : civil.hour % 12
        let meridiem = civil.hour < 12 ? "AM" : "PM"
        return "\(civil.month)/\(civil.day)/\(civil.year) \(hour12):\(Self.pad(civil.minute, 2)):\(Self.pad(civil.second, 2)) \(meridiem)"
    }

    /// `20261127T100204Z`, the style inside `x-ms-routing-request-id`.
    var compact: String {
        let civil = self.civil
        return "\(Self.pad(civil.year, 4))\(Self.pad(civil.month, 2))\(Self.pad(civil.day, 2))T"
            + "\(Self.pad(civil.hour, 2))\(Self.pad(civil.minute, 2))\(Self.pad(civil.second, 2))Z"
    }

    private var dateAndTime: String {
        let civil = self.civil
        return "\(Self.pad(civil.year, 4))-\(Self.pad(civil.month, 2))-\(Self.pad(civil.day, 2))T"
            + "\(Self.pad(civil.hour, 2)):\(Self.pad(civil.minute, 2)):\(Self.pad(civil.second, 2))"
    }

    private var civil: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let secondsPerDay: Int64 = 86_400
        var days = self.epochSeconds / secondsPerDay
        var secondOfDay = self.epochSeconds % secondsPerDay
        if secondOfDay < 0 {
            secondOfDay += secondsPerDay
            days -= 1
        }
        // Howard Hinnant's civil_from_days.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (
            Int(year), Int(month), Int(day),
            Int(secondOfDay / 3_600), Int(secondOfDay % 3_600 / 60), Int(secondOfDay % 60)
        )
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
