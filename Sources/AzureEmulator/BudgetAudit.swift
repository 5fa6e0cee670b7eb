/// Replays a journal against token buckets to prove (or disprove) that a client stayed within a budget.
///
/// Every matching request counts, including those the emulator answered 429 or 401: the question is what the
/// client *sent*. Each key's bucket starts full at its first request and refills continuously; a request spends
/// one token even when none is left, so the level goes negative by as many requests as the client sent too early.
public enum BudgetAudit {
    /// Replays the requests of `kinds` in `entries`, grouped by `key` (entries whose key is `nil` are skipped),
    /// through a bucket of `capacity` tokens refilled at `refillPerSecond`.
    ///
    /// - Parameter tolerance: How many tokens a key may overdraw before it counts as a violation, to allow for
    ///   requests that the network delivered closer together than the client sent them (about 1 is plenty).
    public static func check(
        _ entries: [JournalEntry],
        kinds: Set<JournalEntry.Kind>,
        key: (JournalEntry) -> String?,
        capacity: Int,
        refillPerSecond: Double,
        tolerance: Double = 0
    ) -> BudgetAuditResult {
        let limit = EmulatorBudgets.Bucket(capacity: capacity, refillPerSecond: refillPerSecond)
        var buckets: [String: TokenBucket] = [:]
        var overdrafts: [String: Double] = [:]
        var requestCount = 0
        for entry in entries.sorted(by: { $0.at < $1.at }) where kinds.contains(entry.kind) {
            guard let key = key(entry) else { continue }
            requestCount += 1
            var bucket = buckets[key] ?? TokenBucket(limit, now: entry.at)
            bucket.refill(at: entry.at)
            bucket.take()
            buckets[key] = bucket
            overdrafts[key] = max(overdrafts[key] ?? 0, -bucket.level)
        }
        let worst = overdrafts.max { $0.value < $1.value }
        return BudgetAuditResult(
            requestCount: requestCount,
            keyCount: buckets.count,
            worstOverdraft: worst?.value ?? 0,
            worstKey: worst.flatMap { $0.value > 0 ? $0.key : nil },
            violatingKeys: overdrafts.filter { $0.value > tolerance }.keys.sorted(),
            tolerance: tolerance
        )
    }

    /// Replays `entries` against one of the emulator's budgets: its kinds, its key (``BudgetName/key(of:)``) and `limit`.
    public static func check(
        _ entries: [JournalEntry],
        budget: BudgetName,
        limit: EmulatorBudgets.Bucket,
        tolerance: Double = 0
    ) -> BudgetAuditResult {
        Self.check(
            entries,
            kinds: budget.kinds,
            key: { budget.key(of: $0) },
            capacity: limit.capacity,
            refillPerSecond: limit.refillPerSecond,
            tolerance: tolerance
        )
    }

    /// Replays `entries` against every limited budget of `budgets`.
    public static func checkAll(
        _ entries: [JournalEntry],
        budgets: EmulatorBudgets,
        tolerance: Double = 0
    ) -> [BudgetName: BudgetAuditResult] {
        var results: [BudgetName: BudgetAuditResult] = [:]
        for name in BudgetName.allCases {
            if let limit = budgets[name] {
                results[name] = Self.check(entries, budget: name, limit: limit, tolerance: tolerance)
            }
        }
        return results
    }

    /// How many requests of each kind the emulator answered 429.
    public static func throttledCounts(_ entries: [JournalEntry]) -> [JournalEntry.Kind: Int] {
        var counts: [JournalEntry.Kind: Int] = [:]
        for entry in entries where entry.status == 429 {
            counts[entry.kind, default: 0] += 1
        }
        return counts
    }

    /// How many 429s each budget answered (forced throttles count under the budget they imitate).
    public static func throttledCountsByBudget(_ entries: [JournalEntry]) -> [BudgetName: Int] {
        var counts: [BudgetName: Int] = [:]
        for entry in entries where entry.status == 429 {
            if let budget = entry.throttledBy {
                counts[budget, default: 0] += 1
            }
        }
        return counts
    }
}

/// The verdict of a ``BudgetAudit`` replay.
public struct BudgetAuditResult: Sendable, Hashable, CustomStringConvertible {
    /// The requests replayed.
    public var requestCount: Int
    /// The distinct keys (buckets) seen.
    public var keyCount: Int
    /// The deepest any bucket went below zero, in tokens; 0 when no request was sent without a token.
    public var worstOverdraft: Double
    /// The key of the deepest overdraft, when there was one.
    public var worstKey: String?
    /// The keys whose overdraft exceeded the tolerance, sorted.
    public var violatingKeys: [String]
    /// The tolerance the replay allowed.
    public var tolerance: Double

    /// Creates a result.
    public init(
        requestCount: Int,
        keyCount: Int,
        worstOverdraft: Double,
        worstKey: String?,
        violatingKeys: [String],
        tolerance: Double
    ) {
        self.requestCount = requestCount
        self.keyCount = keyCount
        self.worstOverdraft = worstOverdraft
        self.worstKey = worstKey
        self.violatingKeys = violatingKeys
        self.tolerance = tolerance
    }

    /// Whether no key overdrew its budget by more than the tolerance.
    public var isWithinBudget: Bool {
        self.violatingKeys.isEmpty
    }

    /// A one-line summary for test failure messages and benchmark reports.
    public var description: String {
        let overdraft = (self.worstOverdraft * 100).rounded() / 100
        let verdict = self.isWithinBudget ? "within budget" : "\(self.violatingKeys.count) key(s) over budget"
        return "\(self.requestCount) requests over \(self.keyCount) key(s): \(verdict); worst overdraft \(overdraft) token(s)"
            + (self.worstKey.map { " at \($0)" } ?? "") + " (tolerance \(self.tolerance))"
    }
}
