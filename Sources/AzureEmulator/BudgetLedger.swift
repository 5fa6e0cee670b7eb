/// What a request is about, for picking its buckets and for the journal.
struct RequestScope: Sendable {
    var subscriptionID: String?
    var location: String?
    var vmResourceID: String?

    func key(for name: BudgetName) -> String? {
        name.scope.key(subscriptionID: self.subscriptionID, location: self.location, vmResourceID: self.vmResourceID)
    }
}

/// The emulator's token buckets (created full on first use) and its forced throttles.
struct BudgetLedger: Sendable {
    struct BucketID: Sendable, Hashable {
        var name: BudgetName
        var key: String
    }

    /// Whole tokens left in one bucket after the request.
    struct Level: Sendable {
        var name: BudgetName
        var remaining: Int
    }

    /// Why a request was refused.
    struct Refusal: Sendable {
        /// The first bucket of the group without a token.
        var name: BudgetName
        var capacity: Int
        /// Capacity plus the requests refused since the bucket last admitted one.
        var measuredRequestCount: Int
        var secondsUntilToken: Double
        /// The levels of every bucket of the group, the refusing one at 0.
        var levels: [Level]
    }

    enum Admission: Sendable {
        case admitted([Level])
        case refused(Refusal)
    }

    /// Compute 429s still to be forced on a subscription's assessPatches POSTs.
    struct ForcedThrottle: Sendable {
        var remaining: Int
        var retryAfterSeconds: Int
    }

    let budgets: EmulatorBudgets
    private var buckets: [BucketID: TokenBucket] = [:]
    private var forcedThrottles: [String: ForcedThrottle] = [:]

    init(budgets: EmulatorBudgets) {
        self.budgets = budgets
    }

    /// Admits a request through every limited bucket of `names` that applies to `scope`, or through none:
    /// a refused request spends no token anywhere in the group.
    mutating func admit(_ names: [BudgetName], scope: RequestScope, at now: ContinuousClock.Instant) -> Admission {
        var group: [(id: BucketID, bucket: TokenBucket)] = []
        for name in names {
            guard let limit = self.budgets[name], let key = scope.key(for: name) else { continue }
            let id = BucketID(name: name, key: key)
            var bucket = self.buckets[id] ?? TokenBucket(limit, now: now)
            bucket.refill(at: now)
            group.append((id, bucket))
        }
        if let refusing = group.firstIndex(where: { !$0.bucket.hasToken }) {
            group[refusing].bucket.refuse()
            let (id, bucket) = group[refusing]
            self.buckets[id] = bucket
            return .refused(
                Refusal(
                    name: id.name,
                    capacity: Int(bucket.capacity),
                    measuredRequestCount: Int(bucket.capacity) + bucket.refusedInARow,
                    secondsUntilToken: bucket.secondsUntilToken,
                    levels: group.map { Level(name: $0.id.name, remaining: $0.bucket.remaining) }
                )
            )
        }
        for index in group.indices {
            group[index].bucket.take()
            self.buckets[group[index].id] = group[index].bucket
        }
        return .admitted(group.map { Level(name: $0.id.name, remaining: $0.bucket.remaining) })
    }

    /// Forces the next `count` assessPatches POSTs in `subscriptionID` to get a Compute 429.
    mutating func force(subscriptionID: String, retryAfterSeconds: Int, count: Int) {
        self.forcedThrottles[subscriptionID.lowercased()] =
            count > 0 ? ForcedThrottle(remaining: count, retryAfterSeconds: retryAfterSeconds) : nil
    }

    /// Spends one forced 429 of `subscriptionID`, returning its `Retry-After`, or `nil` when none is due.
    mutating func spendForcedThrottle(subscriptionID: String) -> Int? {
        let key = subscriptionID.lowercased()
        guard var forced = self.forcedThrottles[key] else { return nil }
        forced.remaining -= 1
        self.forcedThrottles[key] = forced.remaining > 0 ? forced : nil
        return forced.retryAfterSeconds
    }
}
