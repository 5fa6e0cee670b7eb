/// A token bucket with the requests waiting for it, in arrival order.
struct QueuedBucket: Sendable {
    var bucket: TokenBucket
    private(set) var queue: [UInt64] = []

    init(_ bucket: TokenBucket) {
        self.bucket = bucket
    }

    mutating func enqueue(_ ticket: UInt64) {
        queue.append(ticket)
    }

    mutating func remove(_ ticket: UInt64) {
        queue.removeAll { $0 == ticket }
    }

    /// How long until `ticket` may take a token: the bucket must hold a token for it and for every request ahead of
    /// it, so requests are served in arrival order. A request further back than the bucket's capacity sleeps until
    /// the tokens of those ahead will have come in; once the bucket is full it may go even if some ahead have not
    /// (they are held up by another bucket), so a full bucket never sits idle.
    func wait(for ticket: UInt64, at now: Duration) -> Duration {
        let needed = Double((queue.firstIndex(of: ticket) ?? 0) + 1)
        let untilFullOrEnough = bucket.wait(forTokens: needed, at: now)
        guard untilFullOrEnough > .zero, needed > bucket.capacity else { return untilFullOrEnough }
        return untilFullOrEnough + .seconds((needed - bucket.capacity) / bucket.effectiveRefillPerSecond)
    }
}
