import Foundation

extension Duration {
    /// The duration in (fractional) seconds, as `Date` arithmetic and rates take it.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
