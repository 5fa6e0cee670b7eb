/// A token bucket that only reports its level for `x-ms-ratelimit-remaining-*` headers; nothing is enforced.
struct RateLimitBucket: Sendable {
    let capacity: Double
    let refillPerSecond: Double
    private var level: Double
    private var updatedAt: ContinuousClock.Instant

    init(capacity: Double, refillPerSecond: Double, now: ContinuousClock.Instant) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.level = capacity
        self.updatedAt = now
    }

    /// Spends one token (never below zero) and returns what remains.
    mutating func take(at now: ContinuousClock.Instant) -> Int {
        let elapsed = now - self.updatedAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        self.level = min(self.capacity, self.level + seconds * self.refillPerSecond)
        self.updatedAt = now
        self.level = max(0, self.level - 1)
        return Int(self.level)
    }
}

/// The per-subscription ARM buckets (per principal and global, reads and writes).
struct SubscriptionBuckets: Sendable {
    var reads: RateLimitBucket
    var globalReads: RateLimitBucket
    var writes: RateLimitBucket
    var globalWrites: RateLimitBucket

    init(now: ContinuousClock.Instant) {
        self.reads = RateLimitBucket(capacity: 250, refillPerSecond: 25, now: now)
        self.globalReads = RateLimitBucket(capacity: 3_750, refillPerSecond: 375, now: now)
        self.writes = RateLimitBucket(capacity: 200, refillPerSecond: 10, now: now)
        self.globalWrites = RateLimitBucket(capacity: 3_000, refillPerSecond: 150, now: now)
    }
}

/// Per-VM state that is not part of the VM's description.
struct VMRuntime: Sendable {
    /// POSTs since the behaviour was set, for the "first N POSTs fail" behaviours.
    var postAttempts = 0
    /// The operation that keeps the VM busy, if any.
    var activeOperationID: String?
    var guestPatch3Min: RateLimitBucket
    var guestPatch30Min: RateLimitBucket
    var getOperation3Min: RateLimitBucket
    var getOperation30Min: RateLimitBucket

    init(now: ContinuousClock.Instant) {
        self.guestPatch3Min = RateLimitBucket(capacity: 6, refillPerSecond: 2.0 / 60, now: now)
        self.guestPatch30Min = RateLimitBucket(capacity: 30, refillPerSecond: 1.0 / 60, now: now)
        self.getOperation3Min = RateLimitBucket(capacity: 45, refillPerSecond: 15.0 / 60, now: now)
        self.getOperation30Min = RateLimitBucket(capacity: 300, refillPerSecond: 10.0 / 60, now: now)
    }
}
