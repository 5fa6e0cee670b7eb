/// A token bucket: holds up to ``capacity`` tokens, refills at ``refillPerSecond`` × ``rateFactor``, and each
/// request spends one token.
///
/// A pure value: every method takes the current time as a `Duration` since any fixed origin (the owner's clock
/// reading), so tests drive it with plain numbers. A new bucket starts full.
public struct TokenBucket: Sendable, Equatable {
    /// The most tokens the bucket holds: the burst it allows.
    public let capacity: Double
    /// Tokens added per second at full speed.
    public let refillPerSecond: Double
    /// The share of ``refillPerSecond`` currently in effect, in (0, 1]; lowered when Azure reports a low budget.
    public private(set) var rateFactor: Double = 1
    /// While set and in the future, the bucket hands out nothing and does not refill.
    public private(set) var pausedUntil: Duration?

    private var storedLevel: Double
    private var updatedAt: Duration

    /// Levels within this of a whole token count as that token, so floating-point rounding never costs a wake-up.
    static let tolerance = 1e-9

    /// Creates a full bucket.
    /// - Precondition: `capacity` and `refillPerSecond` are greater than zero.
    public init(capacity: Double, refillPerSecond: Double, at now: Duration) {
        precondition(capacity > 0 && refillPerSecond > 0, "a token bucket needs a positive capacity and refill rate")
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.storedLevel = capacity
        self.updatedAt = now
    }

    /// The refill rate in effect: ``refillPerSecond`` × ``rateFactor``.
    public var effectiveRefillPerSecond: Double {
        refillPerSecond * rateFactor
    }

    /// The tokens available at `now`, including what has refilled since the last change.
    public func level(at now: Duration) -> Double {
        let refillStart = max(updatedAt, pausedUntil ?? updatedAt)
        guard now > refillStart else { return storedLevel }
        return min(capacity, storedLevel + (now - refillStart).timeInterval * effectiveRefillPerSecond)
    }

    /// Whether a pause is still in effect at `now`.
    public func isPaused(at now: Duration) -> Bool {
        pausedUntil.map { now < $0 } ?? false
    }

    /// How long from `now` until the bucket holds `count` tokens (at most ``capacity``) and is not paused;
    /// `.zero` when it already does. Nothing is taken.
    public func wait(forTokens count: Double = 1, at now: Duration) -> Duration {
        let needed = min(count, capacity)
        let resume = max(now, pausedUntil ?? now)
        let missing = needed - level(at: resume)
        let untilResume = resume - now
        guard missing > Self.tolerance else { return untilResume }
        return untilResume + .seconds(missing / effectiveRefillPerSecond)
    }

    /// Takes one token and returns `.zero` when one is available at `now`; otherwise takes nothing and returns
    /// how long until one will be.
    @discardableResult
    public mutating func take(at now: Duration) -> Duration {
        let wait = wait(forTokens: 1, at: now)
        guard wait == .zero else { return wait }
        settle(at: now)
        storedLevel = max(0, storedLevel - 1)
        return .zero
    }

    /// Empties the bucket and stops it until `end`: nothing is handed out before then and refilling starts at `end`.
    /// A pause that already lasts longer is kept.
    public mutating func pause(until end: Duration, at now: Duration) {
        settle(at: now)
        storedLevel = 0
        pausedUntil = max(end, pausedUntil ?? end)
    }

    /// Lowers the level to at most `maximum` tokens (never below zero); a higher `maximum` changes nothing.
    public mutating func limitLevel(to maximum: Double, at now: Duration) {
        settle(at: now)
        storedLevel = min(storedLevel, max(0, maximum))
    }

    /// Sets the share of the refill rate in effect from `now` on, clamped to [``minimumRateFactor``, 1].
    public mutating func setRateFactor(_ factor: Double, at now: Duration) {
        settle(at: now)
        rateFactor = min(1, max(Self.minimumRateFactor, factor))
    }

    /// The lowest ``rateFactor``: a slowed bucket still refills, so it always recovers.
    public static let minimumRateFactor = 0.1

    /// Books the refill up to `now` so that a change applies from `now` on.
    private mutating func settle(at now: Duration) {
        storedLevel = level(at: now)
        if let pausedUntil, now >= pausedUntil { self.pausedUntil = nil }
        updatedAt = max(updatedAt, now)
    }
}
