import PatchscanCore
import Testing

@Suite("Token bucket")
struct TokenBucketTests {
    /// 3 tokens, 2 per second: a token every 500 ms once empty.
    func bucket() -> TokenBucket {
        TokenBucket(capacity: 3, refillPerSecond: 2, at: .zero)
    }

    @Test("a new bucket allows its burst at once, then asks to wait for the next token")
    func burst() {
        var bucket = bucket()
        for _ in 0..<3 {
            #expect(bucket.take(at: .zero) == .zero)
        }
        #expect(bucket.take(at: .zero) == .milliseconds(500))
        #expect(bucket.level(at: .zero) == 0)
    }

    @Test("a refused take takes nothing; the token is there after the wait it named")
    func refusedTakeTakesNothing() {
        var bucket = bucket()
        for _ in 0..<3 { bucket.take(at: .zero) }
        #expect(bucket.take(at: .milliseconds(200)) == .milliseconds(300))
        #expect(bucket.take(at: .milliseconds(200)) == .milliseconds(300))
        #expect(bucket.take(at: .milliseconds(500)) == .zero)
        #expect(bucket.take(at: .milliseconds(500)) == .milliseconds(500))
    }

    @Test("refills at the configured rate and never above the capacity")
    func refill() {
        var bucket = bucket()
        for _ in 0..<3 { bucket.take(at: .zero) }
        #expect(bucket.level(at: .milliseconds(750)) == 1.5)
        #expect(bucket.level(at: .seconds(60)) == 3)
        #expect(bucket.wait(forTokens: 2, at: .zero) == .seconds(1))
        #expect(bucket.wait(forTokens: 10, at: .zero) == .milliseconds(1_500), "capped at the capacity")
    }

    @Test("a pause empties the bucket, hands out nothing until it ends, and refills only from then")
    func pause() {
        var bucket = bucket()
        bucket.take(at: .zero)
        bucket.pause(until: .seconds(30), at: .seconds(1))
        #expect(bucket.isPaused(at: .seconds(29)))
        #expect(bucket.level(at: .seconds(29)) == 0)
        #expect(bucket.take(at: .seconds(10)) == .seconds(20) + .milliseconds(500))
        #expect(bucket.take(at: .seconds(30)) == .milliseconds(500))
        #expect(bucket.take(at: .milliseconds(30_500)) == .zero)
    }

    @Test("a shorter pause does not cut a longer one short")
    func longerPauseWins() {
        var bucket = bucket()
        bucket.pause(until: .seconds(1_200), at: .zero)
        bucket.pause(until: .seconds(60), at: .seconds(1))
        #expect(bucket.pausedUntil == .seconds(1_200))
        #expect(bucket.wait(at: .seconds(100)) == .seconds(1_100) + .milliseconds(500))
    }

    @Test("the rate factor slows the refill from the moment it is set, and is clamped")
    func rateFactor() {
        var bucket = bucket()
        for _ in 0..<3 { bucket.take(at: .zero) }
        bucket.setRateFactor(0.5, at: .milliseconds(500))
        #expect(bucket.level(at: .milliseconds(500)) == 1, "refilled at full speed until the change")
        #expect(bucket.level(at: .milliseconds(1_500)) == 2)
        #expect(bucket.effectiveRefillPerSecond == 1)

        bucket.setRateFactor(0, at: .milliseconds(1_500))
        #expect(bucket.rateFactor == TokenBucket.minimumRateFactor)
        bucket.setRateFactor(7, at: .milliseconds(1_500))
        #expect(bucket.rateFactor == 1)
    }

    @Test("limiting the level only ever lowers it")
    func limitLevel() {
        var bucket = bucket()
        bucket.limitLevel(to: 1.5, at: .zero)
        #expect(bucket.level(at: .zero) == 1.5)
        bucket.limitLevel(to: 10, at: .zero)
        #expect(bucket.level(at: .zero) == 1.5)
        bucket.limitLevel(to: -4, at: .zero)
        #expect(bucket.level(at: .zero) == 0)
    }
}
