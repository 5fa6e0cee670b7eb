import AzureCompute
import Clocks
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import PatchscanCore
import Prometheus
import Testing

private func vm(_ name: String, subscription: String = "sub-a") throws -> VMResourceID {
    try VMResourceID(subscriptionID: subscription, resourceGroup: "rg", name: name)
}

private func assess(_ vm: VMResourceID, in location: String? = "eastus") -> RequestContext {
    RequestContext(operation: .assessPatches, vm: vm, location: location)
}

private func poll(_ vm: VMResourceID, in location: String? = "eastus") -> RequestContext {
    RequestContext(operation: .pollOperation, vm: vm, location: location)
}

private func response(_ status: HTTPResponseStatus, headers: [(String, String)] = [], body: String = "") -> TransportResponse {
    TransportResponse(status: status, headers: HTTPHeaders(headers), body: ByteBuffer(string: body))
}

private func limiter(
    _ settings: RateLimitSettings = RateLimitSettings(),
    clock: any Clock<Duration>,
    metrics: any MetricsFactory = NOOPMetricsHandler.instance
) -> RateLimiter {
    RateLimiter(settings: settings, clock: clock, metricsFactory: metrics, logger: Logger(label: "test"))
}

/// Budgets with easy numbers and no safety margin.
private func plainSettings(region: BucketLimit = BucketLimit(rate: .perSecond(2), burst: 3)) -> RateLimitSettings {
    RateLimitSettings(safetyFactor: 1, assessPatchesPerRegion: region)
}

private func elapsed(_ clock: ImmediateClock<Duration>) -> Duration {
    ImmediateClock<Duration>.Instant().duration(to: clock.now)
}

private func expectClose(
    _ actual: Duration, _ expected: Duration, sourceLocation: SourceLocation = #_sourceLocation
) {
    let difference = actual > expected ? actual - expected : expected - actual
    #expect(difference < .milliseconds(1), "\(actual) is not \(expected)", sourceLocation: sourceLocation)
}

/// Compute's throttling body; `allowed` is the embedded `allowedRequestCount`, left out when nil.
private func computeThrottlingBody(allowed: Int?) -> String {
    let window = allowed.map { #"{\"operationGroup\":\"SomePolicy3Min\",\"allowedRequestCount\":\#($0),\"measuredRequestCount\":99}"# }
        ?? "too many"
    return #"{"error":{"code":"OperationNotAllowed","message":"The server rejected the request because too many requests have been received for this subscription.","details":[{"code":"TooManyRequests","target":"SomePolicy3Min","message":"\#(window)"}]}}"#
}

private let armWriteThrottlingBody =
    #"{"error":{"code":"SubscriptionRequestsThrottled","message":"Number of 'write' requests for subscription actor 'x' exceeded. Please try again after '120' seconds after additional tokens are available."}}"#

@Suite("Rate limiter: budgets and pacing")
struct RateLimiterPacingTests {
    @Test("a region's burst goes at once, then requests are paced at its refill rate")
    func burstThenPaced() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(plainSettings(), clock: clock)
        var grantedAt: [Duration] = []
        for index in 0..<6 {
            try await limiter.acquire(for: assess(try vm("vm-\(index)")))
            grantedAt.append(elapsed(clock))
        }
        #expect(grantedAt == [.zero, .zero, .zero, .milliseconds(500), .seconds(1), .milliseconds(1_500)])
    }

    @Test("the safety factor scales rate and burst: a VM gets 5 assessments at once, then one per 33.3 s")
    func perVMWithSafetyFactor() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        let web = try vm("web-01")
        for _ in 0..<5 {
            try await limiter.acquire(for: assess(web))
        }
        #expect(elapsed(clock) == .zero)
        try await limiter.acquire(for: assess(try vm("web-02")))
        #expect(elapsed(clock) == .zero, "another VM has its own bucket")
        try await limiter.acquire(for: assess(web))
        expectClose(elapsed(clock), .seconds(60) / 1.8)
    }

    @Test("VMs with an unknown region share one bucket per subscription")
    func unknownRegionShares() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(plainSettings(region: BucketLimit(rate: .perSecond(1), burst: 2)), clock: clock)
        try await limiter.acquire(for: assess(try vm("a"), in: nil))
        try await limiter.acquire(for: assess(try vm("b"), in: nil))
        try await limiter.acquire(for: assess(try vm("c"), in: "westeurope"))
        try await limiter.acquire(for: assess(try vm("d", subscription: "sub-b"), in: nil))
        #expect(elapsed(clock) == .zero, "a known region and another subscription have their own buckets")
        try await limiter.acquire(for: assess(try vm("e"), in: nil))
        #expect(elapsed(clock) == .seconds(1))
    }

    @Test("regions compare case- and space-insensitively")
    func regionNames() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(plainSettings(region: BucketLimit(rate: .perSecond(1), burst: 1)), clock: clock)
        try await limiter.acquire(for: assess(try vm("a"), in: "East US"))
        try await limiter.acquire(for: assess(try vm("b"), in: "eastus"))
        #expect(elapsed(clock) == .seconds(1))
    }

    @Test("polls draw on the subscription's ARM reads and the VM's GetOperation budget, not on assessPatches budgets")
    func pollBuckets() async throws {
        let clock = ImmediateClock()
        let settings = RateLimitSettings(
            safetyFactor: 1,
            assessPatchesPerRegion: BucketLimit(rate: .perMinute(1), burst: 1),
            armReads: BucketLimit(rate: .perSecond(4), burst: 2),
            pollsPerVM: BucketLimit(rate: .perSecond(1), burst: 1)
        )
        let limiter = limiter(settings, clock: clock)
        try await limiter.acquire(for: assess(try vm("a")))
        try await limiter.acquire(for: poll(try vm("a")))
        try await limiter.acquire(for: poll(try vm("b")))
        #expect(elapsed(clock) == .zero)
        try await limiter.acquire(for: poll(try vm("c")))
        #expect(elapsed(clock) == .milliseconds(250), "the ARM read bucket paces the subscription's polls")
        try await limiter.acquire(for: poll(try vm("a")))
        #expect(elapsed(clock) == .seconds(1), "the VM's GetOperation bucket paces its polls")
    }

    @Test("ARM writes pace assessPatches POSTs across regions of a subscription")
    func armWrites() async throws {
        let clock = ImmediateClock()
        let settings = RateLimitSettings(safetyFactor: 1, armWrites: BucketLimit(rate: .perSecond(10), burst: 2))
        let limiter = limiter(settings, clock: clock)
        try await limiter.acquire(for: assess(try vm("a"), in: "eastus"))
        try await limiter.acquire(for: assess(try vm("b"), in: "westus"))
        try await limiter.acquire(for: assess(try vm("c", subscription: "sub-b"), in: "westus"))
        #expect(elapsed(clock) == .zero)
        try await limiter.acquire(for: assess(try vm("d"), in: "northeurope"))
        #expect(elapsed(clock) == .milliseconds(100))
    }

    @Test("buckets back at their initial state are dropped, so memory follows recent VMs; a drawn-down one is kept")
    func idleBucketsDropped() async throws {
        let clock = ImmediateClock()
        let huge = BucketLimit(rate: .perSecond(1_000_000), burst: 1_000_000)
        let limiter = limiter(RateLimitSettings(safetyFactor: 1, armWrites: huge), clock: clock)
        func assessSpread(_ name: String, _ index: Int) throws -> RequestContext {
            assess(try vm(name), in: "region-\(index % 50)")
        }
        for index in 0..<3_000 {
            try await limiter.acquire(for: assessSpread("old-\(index)", index))
        }
        #expect(elapsed(clock) == .zero)
        let crowded = await limiter.bucketCount
        #expect(crowded == 3_000 + 50 + 1, "a VM bucket each, a region bucket each, one write bucket")

        try await clock.sleep(for: .seconds(3_600))
        let hot = try vm("hot")
        for _ in 0..<6 {
            try await limiter.acquire(for: assess(hot, in: "region-0"))
        }
        for index in 0..<crowded {
            try await limiter.acquire(for: assessSpread("new-\(index)", index))
        }
        #expect(await limiter.bucketCount < crowded + 200, "the refilled buckets of the old VMs are gone")

        try await limiter.acquire(for: assess(hot, in: "region-0"))
        expectClose(elapsed(clock), .seconds(3_600) + .seconds(30))
    }

    @Test("new budgets apply to existing buckets, keeping their level (up to the new burst) and their pause")
    func appliedSettings() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(plainSettings(region: BucketLimit(rate: .perSecond(1), burst: 4)), clock: clock)
        for index in 0..<3 {
            try await limiter.acquire(for: assess(try vm("east-\(index)"), in: "eastus"))
        }
        await limiter.observe(
            response(.tooManyRequests, headers: [("Retry-After", "10")], body: computeThrottlingBody(allowed: nil)),
            for: assess(try vm("west-0"), in: "westus")
        )

        await limiter.apply(plainSettings(region: BucketLimit(rate: .perSecond(10), burst: 2)))
        // eastus kept its one token (within the new burst of 2), then refills at the new 10/s.
        try await limiter.acquire(for: assess(try vm("east-3"), in: "eastus"))
        try await limiter.acquire(for: assess(try vm("east-4"), in: "eastus"))
        expectClose(elapsed(clock), .milliseconds(100))
        // westus is still paused until 10 s, then refills at 10/s.
        try await limiter.acquire(for: assess(try vm("west-1"), in: "westus"))
        expectClose(elapsed(clock), .seconds(10) + .milliseconds(100))
    }

    @Test("the time each request waited is recorded per bucket it drew on")
    func waitMetric() async throws {
        let backend = PrometheusMetricsBackend()
        let registry = backend.registry
        let clock = ImmediateClock()
        let limiter = limiter(
            plainSettings(region: BucketLimit(rate: .perSecond(1), burst: 1)), clock: clock, metrics: backend.factory
        )
        try await limiter.acquire(for: assess(try vm("a")))
        try await limiter.acquire(for: assess(try vm("b")))
        let text = registry.emitToString()
        #expect(text.contains(#"patchscan_rate_limit_wait_seconds_count{bucket="guest_patch_region"} 2"#))
        #expect(text.contains(#"patchscan_rate_limit_wait_seconds_sum{bucket="guest_patch_region"} 1.0"#))
        #expect(text.contains(#"patchscan_rate_limit_wait_seconds_sum{bucket="arm_writes"} 0.0"#))
    }
}

@Suite("Rate limiter: throttling responses")
struct RateLimiterThrottlingTests {
    @Test("an ARM 429 pauses that subscription's write bucket for Retry-After, and nothing else")
    func armThrottlePausesOnlyItsBucket() async throws {
        let backend = PrometheusMetricsBackend()
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock, metrics: backend.factory)
        let a = try vm("a")
        await limiter.observe(
            response(.tooManyRequests, headers: [("Retry-After", "120")], body: armWriteThrottlingBody), for: assess(a)
        )
        try await limiter.acquire(for: assess(try vm("b", subscription: "sub-b")))
        try await limiter.acquire(for: poll(try vm("c")))
        #expect(elapsed(clock) == .zero, "another subscription, and this subscription's reads, go at once")
        try await limiter.acquire(for: assess(try vm("d")))
        expectClose(elapsed(clock), .seconds(120) + .seconds(1) / 9)
        #expect(backend.registry.emitToString().contains(#"patchscan_azure_throttled_total{bucket="arm_writes"} 1"#))
    }

    @Test("an ARM 429 that names 'read' requests pauses the read bucket even on a POST")
    func armThrottleNamesKind() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        let body = #"{"error":{"code":"SubscriptionRequestsThrottled","message":"Number of 'read' requests for subscription actor 'x' exceeded."}}"#
        await limiter.observe(response(.tooManyRequests, headers: [("Retry-After", "30")], body: body), for: assess(try vm("a")))
        try await limiter.acquire(for: assess(try vm("b")))
        #expect(elapsed(clock) == .zero)
        try await limiter.acquire(for: poll(try vm("b")))
        expectClose(elapsed(clock), .seconds(30) + .seconds(1) / 22.5)
    }

    @Test("a Compute 429 on assessPatches without a per-VM count pauses the subscription's region")
    func computeThrottlePausesRegion() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        await limiter.observe(
            response(.tooManyRequests, headers: [("Retry-After", "1200")], body: computeThrottlingBody(allowed: nil)),
            for: assess(try vm("a"), in: "eastus")
        )
        try await limiter.acquire(for: assess(try vm("b"), in: "westus"))
        try await limiter.acquire(for: assess(try vm("c", subscription: "sub-b"), in: "eastus"))
        #expect(elapsed(clock) == .zero)
        try await limiter.acquire(for: assess(try vm("d"), in: "eastus"))
        expectClose(elapsed(clock), .seconds(1_200) + .seconds(60) / 180)
    }

    @Test("a Compute throttle whose allowed count fits the per-VM burst pauses only that VM")
    func computeThrottleOnOneVM() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        let a = try vm("a")
        await limiter.observe(
            response(.tooManyRequests, headers: [("Retry-After", "60")], body: computeThrottlingBody(allowed: 6)),
            for: assess(a)
        )
        try await limiter.acquire(for: assess(try vm("b")))
        #expect(elapsed(clock) == .zero)
        try await limiter.acquire(for: assess(a))
        expectClose(elapsed(clock), .seconds(60) + .seconds(60) / 1.8)
    }

    @Test("Compute's TooManyRequests detail counts as throttling even without status 429")
    func computeThrottleWithoutStatus() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        let a = try vm("a")
        await limiter.observe(
            response(.conflict, headers: [("Retry-After", "10")], body: computeThrottlingBody(allowed: 45)), for: poll(a)
        )
        try await limiter.acquire(for: poll(try vm("b")))
        #expect(elapsed(clock) == .zero)
        try await limiter.acquire(for: poll(a))
        expectClose(elapsed(clock), .seconds(10) + .seconds(60) / 13.5)
    }

    @Test("a 409 that is not throttling pauses nothing")
    func conflictIsNotThrottling() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        let body = #"{"error":{"code":"OperationNotAllowed","message":"Operation 'assessPatches' is not allowed on VM 'a' since the VM is deallocated."}}"#
        await limiter.observe(response(.conflict, headers: [("Retry-After", "60")], body: body), for: assess(try vm("a")))
        try await limiter.acquire(for: assess(try vm("a")))
        #expect(elapsed(clock) == .zero)
    }

    @Test("Retry-After as an HTTP-date is measured from the response's Date header")
    func retryAfterDate() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        await limiter.observe(
            response(
                .tooManyRequests,
                headers: [("Date", "Tue, 15 Nov 1994 08:12:31 GMT"), ("Retry-After", "Tue, 15 Nov 1994 08:32:31 GMT")],
                body: armWriteThrottlingBody
            ),
            for: assess(try vm("a"))
        )
        try await limiter.acquire(for: assess(try vm("b")))
        expectClose(elapsed(clock), .seconds(1_200) + .seconds(1) / 9)
    }

    @Test("a throttling response without Retry-After pauses for a minute; a huge one is capped at an hour")
    func pauseBounds() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        await limiter.observe(response(.tooManyRequests, body: armWriteThrottlingBody), for: assess(try vm("a")))
        await limiter.observe(
            response(.tooManyRequests, headers: [("Retry-After", "86400")], body: armWriteThrottlingBody),
            for: assess(try vm("a", subscription: "sub-b"))
        )
        try await limiter.acquire(for: assess(try vm("b")))
        expectClose(elapsed(clock), RateLimiter.defaultThrottlePause + .seconds(1) / 9)
        try await limiter.acquire(for: assess(try vm("b", subscription: "sub-b")))
        expectClose(elapsed(clock), RateLimiter.maximumThrottlePause + .seconds(1) / 9)
    }
}

@Suite("Rate limiter: remaining-budget headers")
struct RateLimiterAdaptiveTests {
    @Test("a low write remainder empties the write bucket and slows its refill to a tenth")
    func lowWriteRemainder() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        await limiter.observe(
            response(.accepted, headers: [("x-ms-ratelimit-remaining-subscription-writes", "5")]), for: assess(try vm("a"))
        )
        try await limiter.acquire(for: assess(try vm("b", subscription: "sub-b")))
        #expect(elapsed(clock) == .zero, "another subscription is unaffected")
        try await limiter.acquire(for: assess(try vm("b")))
        expectClose(elapsed(clock), .seconds(1) / 0.9)
    }

    @Test("a healthy remainder changes nothing, and restores full speed after a slow-down")
    func healthyRemainder() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        let a = try vm("a")
        await limiter.observe(response(.accepted, headers: [("x-ms-ratelimit-remaining-subscription-writes", "199")]), for: assess(a))
        try await limiter.acquire(for: assess(try vm("b")))
        #expect(elapsed(clock) == .zero)

        await limiter.observe(response(.accepted, headers: [("x-ms-ratelimit-remaining-subscription-writes", "0")]), for: assess(a))
        await limiter.observe(response(.accepted, headers: [("x-ms-ratelimit-remaining-subscription-writes", "150")]), for: assess(a))
        try await limiter.acquire(for: assess(try vm("c")))
        expectClose(elapsed(clock), .seconds(1) / 9)
    }

    @Test("the slow-down is proportional between one and two thresholds of remainder")
    func proportional() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        // Threshold 5 % of 200 = 10; 15 remaining leaves 5 tokens and half speed.
        await limiter.observe(response(.accepted, headers: [("x-ms-ratelimit-remaining-subscription-writes", "15")]), for: assess(try vm("a")))
        for index in 0..<5 {
            try await limiter.acquire(for: assess(try vm("v\(index)")))
        }
        #expect(elapsed(clock) == .zero)
        try await limiter.acquire(for: assess(try vm("v5")))
        expectClose(elapsed(clock), .seconds(1) / 4.5)
    }

    @Test("the global ARM counters are compared with 15 times the burst")
    func globalRemainder() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        await limiter.observe(
            response(
                .ok,
                headers: [
                    ("x-ms-ratelimit-remaining-subscription-reads", "249"),
                    ("x-ms-ratelimit-remaining-subscription-global-reads", "100"),
                ]
            ),
            for: poll(try vm("a"))
        )
        try await limiter.acquire(for: poll(try vm("b")))
        expectClose(elapsed(clock), .seconds(1) / 2.25)
    }

    @Test("every Compute pair of every resource header counts; other providers do not")
    func resourceRemainder() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        let a = try vm("a")
        let b = try vm("b")
        await limiter.observe(
            response(.accepted, headers: [("x-ms-ratelimit-remaining-resource", "Microsoft.Network/Anything;0")]), for: assess(b)
        )
        await limiter.observe(
            response(
                .accepted,
                headers: [
                    ("x-ms-ratelimit-remaining-resource", "Microsoft.Network/Anything;0"),
                    ("x-ms-ratelimit-remaining-resource", "Microsoft.Compute/SomePolicy3Min;4, Microsoft.Compute/SomePolicy30Min;0"),
                ]
            ),
            for: assess(a)
        )
        try await limiter.acquire(for: assess(b))
        #expect(elapsed(clock) == .zero, "the other VM and the Network pair are unaffected")
        try await limiter.acquire(for: assess(a))
        expectClose(elapsed(clock), .seconds(60) / 0.18)
    }

    @Test("on a poll, the resource header slows that VM's GetOperation bucket")
    func resourceRemainderOnPoll() async throws {
        let clock = ImmediateClock()
        let limiter = limiter(clock: clock)
        let a = try vm("a")
        await limiter.observe(
            response(.ok, headers: [("x-ms-ratelimit-remaining-resource", "Microsoft.Compute/GetOperation3Min;1")]), for: poll(a)
        )
        try await limiter.acquire(for: assess(a))
        try await limiter.acquire(for: poll(try vm("b")))
        #expect(elapsed(clock) == .zero)
        try await limiter.acquire(for: poll(a))
        expectClose(elapsed(clock), .seconds(60) / 1.35)
    }
}

/// A test clock that also logs every deadline slept until, so a test can wait for sleepers and check their deadlines.
struct SleepLoggingClock: Clock {
    typealias Instant = TestClock<Duration>.Instant

    let base = TestClock()
    let log = SleepLog()

    var now: Instant { base.now }
    var minimumResolution: Duration { base.minimumResolution }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        await log.record(Instant().duration(to: deadline))
        try await base.sleep(until: deadline, tolerance: tolerance)
    }

    /// Moves the clock to `offset` from its start. Keep `offset` clear of every deadline: a sleeper that registers
    /// only after the clock got there sleeps on when its deadline equals the clock's time.
    func advance(to offset: Duration) async {
        await base.advance(to: Instant(offset: offset))
    }

    /// Suspends until `count` sleeps have been logged; records an issue instead of hanging when they never come.
    func waitForSleeps(_ count: Int, sourceLocation: SourceLocation = #_sourceLocation) async {
        for _ in 0..<100_000 {
            if await log.deadlines.count >= count { return }
            await Task.yield()
        }
        Issue.record("expected \(count) sleeps, saw \(await log.deadlines.count)", sourceLocation: sourceLocation)
    }
}

actor SleepLog {
    private(set) var deadlines: [Duration] = []

    func record(_ deadline: Duration) {
        deadlines.append(deadline)
    }
}

@Suite("Rate limiter: waiting")
struct RateLimiterWaitingTests {
    /// One assessPatches per second per region, burst 2, both tokens taken.
    ///
    /// Tests advance the clock to half a second past a deadline: a waiter may resume anywhere in between, and the
    /// bucket must still hold its token then (with a burst of 1 a late waiter would lose one to the cap). A waiter
    /// that resumes late may have to sleep again, until at most the previous target plus one token's time; the next
    /// target must lie beyond that.
    func drained(_ clock: SleepLoggingClock) async throws -> RateLimiter {
        let limiter = limiter(plainSettings(region: BucketLimit(rate: .perSecond(1), burst: 2)), clock: clock)
        try await limiter.acquire(for: assess(try vm("first")))
        try await limiter.acquire(for: assess(try vm("second")))
        return limiter
    }

    @Test("waiters are served first come, first served")
    func fifo() async throws {
        let clock = SleepLoggingClock()
        let limiter = try await drained(clock)
        let a = Task { try await limiter.acquire(for: assess(try vm("a"))) }
        await clock.waitForSleeps(1)
        let b = Task { try await limiter.acquire(for: assess(try vm("b"))) }
        await clock.waitForSleeps(2)
        let deadlines = await clock.log.deadlines
        #expect(deadlines == [.seconds(1), .seconds(2)])

        await clock.advance(to: .milliseconds(1_500))
        try await a.value
        #expect(await limiter.waitingRequests == 1)
        // a took its token somewhere in [1 s, 1.5 s], so b's is certain by 2.5 s; stop past that.
        await clock.advance(to: .milliseconds(2_750))
        try await b.value
        #expect(await limiter.waitingRequests == 0)
    }

    @Test("a cancelled waiter throws CancellationError and gives up its place in line")
    func cancellation() async throws {
        let clock = SleepLoggingClock()
        let limiter = try await drained(clock)
        let a = Task { try await limiter.acquire(for: assess(try vm("a"))) }
        await clock.waitForSleeps(1)
        let b = Task { try await limiter.acquire(for: assess(try vm("b"))) }
        await clock.waitForSleeps(2)

        a.cancel()
        await #expect(throws: CancellationError.self) { try await a.value }
        #expect(await limiter.waitingRequests == 1)

        let c = Task { try await limiter.acquire(for: assess(try vm("c"))) }
        await clock.waitForSleeps(3)
        let deadlineOfC = await clock.log.deadlines.last
        #expect(deadlineOfC == .seconds(2), "c is second in line, not third")
        await clock.advance(to: .milliseconds(2_500))
        try await b.value
        try await c.value
    }

    @Test("an already cancelled task does not wait at all")
    func cancelledBeforeWaiting() async throws {
        let clock = SleepLoggingClock()
        let limiter = try await drained(clock)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await limiter.acquire(for: assess(try vm("a")))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(await clock.log.deadlines.isEmpty)
    }

    @Test("a pause that arrives while a request waits makes it wait for the pause too")
    func pauseWhileWaiting() async throws {
        let clock = SleepLoggingClock()
        let limiter = try await drained(clock)
        let a = Task { try await limiter.acquire(for: assess(try vm("a"))) }
        await clock.waitForSleeps(1)
        await limiter.observe(
            response(.tooManyRequests, headers: [("Retry-After", "60")], body: computeThrottlingBody(allowed: nil)),
            for: assess(try vm("first"))
        )
        await clock.advance(to: .milliseconds(1_500))
        await clock.waitForSleeps(2)
        let deadline = await clock.log.deadlines.last
        #expect(deadline == .seconds(61))
        await clock.advance(to: .milliseconds(61_500))
        try await a.value
    }

    @Test("a wait longer than the caller can wait fails at once, and the request gives up its place in line")
    func waitPastLimit() async throws {
        let clock = SleepLoggingClock()
        let limiter = try await drained(clock)
        await #expect(throws: RateLimitWaitTooLong(wait: .seconds(1), limit: .milliseconds(500))) {
            try await limiter.acquire(for: assess(try vm("a")), waitingAtMost: .milliseconds(500))
        }
        #expect(await clock.log.deadlines.isEmpty, "it did not sleep")

        let b = Task { try await limiter.acquire(for: assess(try vm("b")), waitingAtMost: .seconds(5)) }
        await clock.waitForSleeps(1)
        #expect(await clock.log.deadlines == [.seconds(1)], "b is first in line")
        await clock.advance(to: .milliseconds(1_500))
        try await b.value
    }

    @Test("a pause that arrives while a request waits fails it once the pause would outlast its limit")
    func pauseWhileWaitingPastLimit() async throws {
        let clock = SleepLoggingClock()
        let limiter = try await drained(clock)
        let a = Task { try await limiter.acquire(for: assess(try vm("a")), waitingAtMost: .seconds(10)) }
        await clock.waitForSleeps(1)
        await limiter.observe(
            response(.tooManyRequests, headers: [("Retry-After", "60")], body: computeThrottlingBody(allowed: nil)),
            for: assess(try vm("first"))
        )
        await clock.advance(to: .milliseconds(1_500))
        await #expect(throws: RateLimitWaitTooLong.self) { try await a.value }
        #expect(await limiter.waitingRequests == 0)
    }
}

@Suite("Assessment slots")
struct AssessmentSlotsTests {
    /// Suspends until `count` requests wait for a slot; records an issue instead of hanging when they never do.
    func waitForWaiters(_ slots: AssessmentSlots, _ count: Int, sourceLocation: SourceLocation = #_sourceLocation) async {
        for _ in 0..<100_000 {
            if await slots.waiting >= count { return }
            await Task.yield()
        }
        Issue.record("expected \(count) waiters, saw \(await slots.waiting)", sourceLocation: sourceLocation)
    }

    @Test("the global cap holds back further assessments until one ends")
    func globalCap() async throws {
        let slots = AssessmentSlots(globalLimit: 2, perSubscriptionLimit: nil)
        try await slots.acquire(subscription: "sub-a")
        try await slots.acquire(subscription: "sub-b")
        let third = Task { try await slots.acquire(subscription: "sub-c") }
        await waitForWaiters(slots, 1)
        #expect(await slots.inFlight == 2)
        await slots.release(subscription: "sub-a")
        try await third.value
        #expect(await slots.inFlight == 2)
        #expect(await slots.inFlight(subscription: "sub-c") == 1)
    }

    @Test("a subscription at its cap waits while others go ahead, and gets the next slot it may use")
    func perSubscriptionCap() async throws {
        let slots = AssessmentSlots(globalLimit: 3, perSubscriptionLimit: 1)
        try await slots.acquire(subscription: "sub-a")
        let secondA = Task { try await slots.acquire(subscription: "SUB-A") }
        await waitForWaiters(slots, 1)
        try await slots.acquire(subscription: "sub-b")
        #expect(await slots.inFlight == 2)
        await slots.release(subscription: "sub-a")
        try await secondA.value
        #expect(await slots.inFlight(subscription: "sub-a") == 1)
        #expect(await slots.waiting == 0)
    }

    @Test("a cancelled waiter throws CancellationError and its slot goes to the next one")
    func cancellation() async throws {
        let slots = AssessmentSlots(globalLimit: 1, perSubscriptionLimit: nil)
        try await slots.acquire(subscription: "sub-a")
        let cancelled = Task { try await slots.acquire(subscription: "sub-b") }
        await waitForWaiters(slots, 1)
        let next = Task { try await slots.acquire(subscription: "sub-c") }
        await waitForWaiters(slots, 2)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        await slots.release(subscription: "sub-a")
        try await next.value
        #expect(await slots.inFlight(subscription: "sub-b") == 0)
        #expect(await slots.inFlight(subscription: "sub-c") == 1)
    }

    @Test("withSlot gives the slot back when the body throws")
    func withSlotReleases() async throws {
        struct Failure: Error {}
        let slots = AssessmentSlots(globalLimit: 1, perSubscriptionLimit: nil)
        await #expect(throws: Failure.self) {
            try await slots.withSlot(subscription: "sub-a") { throw Failure() }
        }
        let value = try await slots.withSlot(subscription: "sub-a") {
            await slots.inFlight
        }
        #expect(value == 1)
        #expect(await slots.inFlight == 0)
    }

    @Test("raised caps let waiters go at once; lowered ones hold new assessments until enough have ended")
    func changedLimits() async throws {
        let slots = AssessmentSlots(globalLimit: 1, perSubscriptionLimit: nil)
        try await slots.acquire(subscription: "sub-a")
        let waiter = Task { try await slots.acquire(subscription: "sub-a") }
        await waitForWaiters(slots, 1)
        await slots.setLimits(globalLimit: 3, perSubscriptionLimit: 2)
        try await waiter.value
        #expect(await slots.inFlight == 2)

        await slots.setLimits(globalLimit: 1, perSubscriptionLimit: nil)
        let held = Task { try await slots.acquire(subscription: "sub-b") }
        await waitForWaiters(slots, 1)
        await slots.release(subscription: "sub-a")
        #expect(await slots.waiting == 1, "one still in flight fills the lowered cap")
        await slots.release(subscription: "sub-a")
        try await held.value
        #expect(await slots.inFlight == 1)
    }

    @Test("the settings initialiser takes scan.concurrency and the per-subscription cap")
    func fromSettings() async throws {
        let settings = try Settings.parse(
            yaml: """
                database: /tmp/x.sqlite
                credential: { tenantId: contoso.onmicrosoft.com, clientId: c, secretEnv: S }
                vms: [/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm]
                scan: { concurrency: 7 }
                rateLimits: { maxConcurrentPerSubscription: 3 }
                """,
            source: "t.yaml"
        )
        let slots = AssessmentSlots(settings: settings)
        #expect(await slots.globalLimit == 7)
        #expect(await slots.perSubscriptionLimit == 3)
    }
}
