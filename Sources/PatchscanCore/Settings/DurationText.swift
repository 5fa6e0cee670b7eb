/// The duration syntax of the configuration file: whole numbers with units from largest to smallest
/// (`500ms`, `30s`, `5m`, `1h30m`, `2d`), or a bare whole number of seconds.
enum DurationText {
    /// Why a duration was rejected; the message is meant for the operator.
    struct SyntaxError: Error {
        let message: String
    }

    private struct Unit {
        let symbol: String
        let milliseconds: Int64
    }

    /// Largest first: the order units must appear in.
    private static let units = [
        Unit(symbol: "d", milliseconds: 86_400_000),
        Unit(symbol: "h", milliseconds: 3_600_000),
        Unit(symbol: "m", milliseconds: 60_000),
        Unit(symbol: "s", milliseconds: 1_000),
        Unit(symbol: "ms", milliseconds: 1),
    ]

    static let examples = "use whole numbers with the units d, h, m, s or ms, largest first, "
        + "such as 500ms, 30s, 5m, 1h30m or 2d (a bare number means seconds)"

    static func parse(_ text: String) throws(SyntaxError) -> Duration {
        if text.hasPrefix("-") {
            throw SyntaxError(message: "durations cannot be negative (got '\(text)')")
        }
        if !text.isEmpty, text.allSatisfy(\.isASCIIDigit) {
            return try .milliseconds(total([(digits: text, milliseconds: Int64(1_000))], text: text))
        }
        var terms: [(digits: Substring, milliseconds: Int64)] = []
        var rest = Substring(text)
        var nextAllowedUnit = units.startIndex
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCIIDigit)
            rest = rest.dropFirst(digits.count)
            let symbol = rest.prefix(while: { $0.isLetter })
            rest = rest.dropFirst(symbol.count)
            guard !digits.isEmpty, let unitIndex = units.firstIndex(where: { $0.symbol == symbol }) else {
                throw SyntaxError(message: "invalid duration '\(text)'; \(examples)")
            }
            guard unitIndex >= nextAllowedUnit else {
                throw SyntaxError(message: "invalid duration '\(text)': units must each appear once, largest first")
            }
            nextAllowedUnit = unitIndex + 1
            terms.append((digits, units[unitIndex].milliseconds))
        }
        guard !terms.isEmpty else {
            throw SyntaxError(message: "the duration is empty; \(examples)")
        }
        return try .milliseconds(total(terms, text: text))
    }

    /// Formats a duration in the same syntax, e.g. `1h30m`, `500ms`, `0s`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        guard !overflow, whole >= 0 else { return "\(duration)" }
        var remaining = whole + attoseconds / 1_000_000_000_000_000
        guard remaining > 0 else { return "0s" }
        var text = ""
        for unit in units where remaining >= unit.milliseconds {
            text += "\(remaining / unit.milliseconds)\(unit.symbol)"
            remaining %= unit.milliseconds
        }
        return text
    }

    private static func total<Digits: StringProtocol>(
        _ terms: [(digits: Digits, milliseconds: Int64)],
        text: String
    ) throws(SyntaxError) -> Int64 {
        var sum: Int64 = 0
        for term in terms {
            guard let count = Int64(term.digits) else { throw tooLarge(text) }
            let (product, productOverflow) = count.multipliedReportingOverflow(by: term.milliseconds)
            let (next, sumOverflow) = sum.addingReportingOverflow(product)
            guard !productOverflow, !sumOverflow else { throw tooLarge(text) }
            sum = next
        }
        return sum
    }

    private static func tooLarge(_ text: String) -> SyntaxError {
        SyntaxError(message: "the duration '\(text)' is too large")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
