/// A token bucket that starts full and refills continuously; the emulator's enforcement and
/// ``BudgetAudit``'s replay both use it.
struct TokenBucket: Sendable {
    /// Guards against refill arithmetic leaving a level a hair below a whole token.
    private static let epsilon = 1e-9

    let capacity: Double
    let refillPerSecond: Double
    /// Tokens held; the audit lets it go below zero to measure an overdraft.
    private(set) var level: Double
    private var updatedAt: ContinuousClock.Instant
    /// Requests refused since the bucket last admitted one.
    private(set) var refusedInARow = 0

    init(_ bucket: EmulatorBudgets.Bucket, now: ContinuousClock.Instant) {
        self.capacity = Double(bucket.capacity)
        self.refillPerSecond = bucket.refillPerSecond
        self.level = Double(bucket.capacity)
        self.updatedAt = now
    }

    /// Adds the tokens earned since the last update, up to the capacity.
    mutating func refill(at now: ContinuousClock.Instant) {
        guard now > self.updatedAt else { return }
        let elapsed = now - self.updatedAt
        self.level = min(self.capacity, self.level + elapsed / .seconds(1) * self.refillPerSecond)
        self.updatedAt = now
    }

    var hasToken: Bool {
        self.level + Self.epsilon >= 1
    }

    /// Spends one token, even one the bucket does not have.
    mutating func take() {
        self.level -= 1
        self.refusedInARow = 0
    }

    mutating func refuse() {
        self.refusedInARow += 1
    }

    /// Whole tokens left, never negative: the value of `x-ms-ratelimit-remaining-*`.
    var remaining: Int {
        max(0, Int((self.level + Self.epsilon).rounded(.down)))
    }

    /// Seconds until the bucket holds a whole token again (0 when it does; infinite when it never refills).
    var secondsUntilToken: Double {
        if self.hasToken {
            return 0
        }
        return self.refillPerSecond > 0 ? (1 - self.level) / self.refillPerSecond : .infinity
    }
}
