import AzureCompute
import Foundation
import Logging
import Metrics
import NIOHTTP1

/// Client-side rate limits that keep patchscan inside Azure's throttling budgets, in front of every Azure request.
///
/// Token buckets (sized by ``RateLimitSettings``, scaled by its safety factor):
/// - assessPatches: one per (subscription, region), VMs with an unknown region sharing one per subscription; one
///   per VM; and the subscription's ARM write bucket.
/// - operation polls: one per VM (Compute's GetOperation budget) and the subscription's ARM read bucket.
///
/// A request waits, first come first served, until each of its buckets has a token, then takes one from each.
/// Responses adapt the buckets: low `x-ms-ratelimit-remaining-*` counters slow the matching bucket down, and a
/// throttling response (429) pauses the whole bucket that ran out for its `Retry-After`, leaving every other bucket
/// (and so every other subscription) alone. See `docs/rate-limits.md`.
public actor RateLimiter: RequestThrottle {
    /// The pause after a throttling response without a usable `Retry-After`: Compute's one-minute window.
    public static let defaultThrottlePause = Duration.seconds(60)
    /// The longest pause a `Retry-After` can impose; Azure has been seen asking for about 20 minutes.
    public static let maximumThrottlePause = Duration.seconds(3_600)

    private var settings: RateLimitSettings
    private let time: ElapsedTimeline
    private let metrics: PatchscanMetrics
    private let logger: Logger
    private var buckets: [BucketKey: QueuedBucket] = [:]
    private var nextTicket: UInt64 = 0
    private var acquiredSinceSweep = 0
    private var acquisitionsBetweenSweeps = RateLimiter.minimumSweepInterval

    /// The number of requests currently waiting for a token.
    public private(set) var waitingRequests = 0

    /// The buckets held in memory. Buckets that are back to their initial state are dropped from time to time, so
    /// this follows the VMs assessed recently, not every VM ever seen.
    public var bucketCount: Int { buckets.count }

    /// Creates a limiter with full buckets.
    /// - Parameters:
    ///   - settings: Budgets, safety factor and slow-down threshold.
    ///   - clock: Measures refills and pauses; waits sleep on it.
    ///   - metricsFactory: Receives `patchscan_rate_limit_wait_seconds` and `patchscan_azure_throttled_total`.
    ///   - logger: Logs pauses and slow-downs.
    public init(
        settings: RateLimitSettings,
        clock: any Clock<Duration>,
        metricsFactory: any MetricsFactory,
        logger: Logger
    ) {
        self.settings = settings
        self.time = clock.elapsedTimeline()
        self.metrics = PatchscanMetrics(factory: metricsFactory)
        self.logger = logger
    }

    /// Waits until every bucket `context`'s request draws on has a token for it, then takes one from each.
    ///
    /// Waiting is first come, first served per bucket. The time waited is recorded per bucket in
    /// `patchscan_rate_limit_wait_seconds`.
    /// - Parameter limit: The longest the caller can wait; `nil` for no limit.
    /// - Throws: ``RateLimitWaitTooLong`` as soon as a bucket's wait would pass `limit`, and `CancellationError` when
    ///   the task is cancelled; either way the request gives up its place in line.
    public func acquire(for context: RequestContext, waitingAtMost limit: Duration? = nil) async throws {
        try Task.checkCancellation()
        let keys = BucketKey.charged(by: context)
        let ticket = nextTicket
        nextTicket &+= 1
        var joined = 0
        defer {
            for key in keys.prefix(joined) { buckets[key]?.remove(ticket) }
        }
        var waited = [Duration](repeating: .zero, count: keys.count)
        let start = time.now()
        var now = start
        while let blocked = firstWait(keys, ticket: ticket, joined: &joined, at: now) {
            let total = now + blocked.wait - start
            if let limit, total > limit {
                throw RateLimitWaitTooLong(wait: total, limit: limit)
            }
            waitingRequests += 1
            defer { waitingRequests -= 1 }
            try await time.sleep(now + blocked.wait)
            let woke = time.now()
            waited[blocked.index] += woke - now
            now = woke
        }
        for (key, wait) in zip(keys, waited) {
            buckets[key]?.bucket.take(at: now)
            metrics.recordRateLimitWait(bucket: key.kind.metricBucket, duration: wait)
        }
        acquiredSinceSweep += 1
        if acquiredSinceSweep >= acquisitionsBetweenSweeps {
            dropIdleBuckets(at: now)
        }
    }

    /// The first bucket, in the order given, that has no token for `ticket` at `now`, and how long until it has;
    /// nil when all have one. Joins the queue of each bucket it reaches.
    private func firstWait(
        _ keys: [BucketKey], ticket: UInt64, joined: inout Int, at now: Duration
    ) -> (index: Int, wait: Duration)? {
        for (index, key) in keys.enumerated() {
            if index == joined {
                buckets[key, default: makeBucket(key, at: now)].enqueue(ticket)
                joined += 1
            }
            let wait = buckets[key]?.wait(for: ticket, at: now) ?? .zero
            if wait > .zero { return (index, wait) }
        }
        return nil
    }

    /// Takes in new budgets (a configuration reload). Buckets whose limit changed get the new capacity and rate,
    /// keeping their level (up to the new capacity), any pause, and their waiting line; the others are untouched.
    public func apply(_ settings: RateLimitSettings) {
        guard settings != self.settings else { return }
        let now = time.now()
        self.settings = settings
        for (key, queued) in buckets {
            let fresh = makeBucket(key, at: now)
            guard fresh.bucket.capacity != queued.bucket.capacity
                || fresh.bucket.refillPerSecond != queued.bucket.refillPerSecond else { continue }
            var bucket = fresh.bucket
            if queued.bucket.isPaused(at: now), let pausedUntil = queued.bucket.pausedUntil {
                bucket.pause(until: pausedUntil, at: now)
            } else {
                bucket.limitLevel(to: queued.bucket.level(at: now), at: now)
            }
            buckets[key]?.bucket = bucket
        }
    }

    /// Adapts the buckets `context`'s request drew on to what Azure says about its budgets, and pauses the bucket
    /// that ran out when the response is a throttling response.
    public func observe(_ response: TransportResponse, for context: RequestContext) async {
        let now = time.now()
        // A throttling response's remainders describe the exhausted budget the pause already covers; slowing down
        // on them too would leave the bucket crawling long after the pause ends.
        if let throttled = ThrottledResponse(response, context: context, settings: settings, now: .now) {
            pause(throttled, response: response, context: context, at: now)
        } else {
            slowDown(for: BudgetSignals(response.headers), context: context, at: now)
        }
    }

    private func slowDown(for signals: BudgetSignals, context: RequestContext, at now: Duration) {
        var slowDowns: [(key: BucketKey, slowDown: SlowDown)] = signals.arm.map { signal in
            let key: BucketKey = signal.kind == .armWrites ? .armWrites(context.vm) : .armReads(context.vm)
            let size = Double(signal.kind.limit(in: settings).burst * signal.scale)
            return (key, SlowDown(remaining: signal.remaining, budgetSize: size, slowDownBelow: settings.slowDownBelow))
        }
        if let remaining = signals.computeResource, let key = Self.computeResourceBucket(context) {
            let size = Double(key.kind.limit(in: settings).burst)
            slowDowns.append((key, SlowDown(remaining: remaining, budgetSize: size, slowDownBelow: settings.slowDownBelow)))
        }
        for key in Set(slowDowns.map(\.key)) {
            let applicable = slowDowns.filter { $0.key == key }.map(\.slowDown)
            let levelLimit = applicable.map(\.levelLimit).min() ?? .infinity
            let rateFactor = applicable.map(\.rateFactor).min() ?? 1
            var queued = buckets[key, default: makeBucket(key, at: now)]
            let before = queued.bucket.rateFactor
            queued.bucket.limitLevel(to: levelLimit, at: now)
            queued.bucket.setRateFactor(rateFactor, at: now)
            buckets[key] = queued
            let after = queued.bucket.rateFactor
            if after < 1, before == 1 {
                logger.info(
                    "Azure reports a low remaining budget; slowing the client-side bucket down",
                    metadata: ["ratelimit.bucket": "\(key.kind.metricBucket)", "ratelimit.rate_factor": "\(after)", "vm.id": "\(context.vm.path)"]
                )
            } else if after == 1, before < 1 {
                logger.debug(
                    "Azure's remaining budget recovered; the client-side bucket runs at full speed again",
                    metadata: ["ratelimit.bucket": "\(key.kind.metricBucket)", "vm.id": "\(context.vm.path)"]
                )
            }
        }
    }

    /// The per-VM bucket that `x-ms-ratelimit-remaining-resource` describes for this kind of request.
    private static func computeResourceBucket(_ context: RequestContext) -> BucketKey? {
        switch context.operation {
        case .assessPatches: .guestPatchVM(context.vm)
        case .pollOperation: .getOperation(context.vm)
        default: nil
        }
    }

    private func pause(_ throttled: ThrottledResponse, response: TransportResponse, context: RequestContext, at now: Duration) {
        let pause = min(throttled.retryAfter ?? Self.defaultThrottlePause, Self.maximumThrottlePause)
        buckets[throttled.bucket, default: makeBucket(throttled.bucket, at: now)].bucket.pause(until: now + pause, at: now)
        metrics.recordThrottled(bucket: throttled.bucket.kind.metricBucket)
        var metadata: Logger.Metadata = [
            "ratelimit.bucket": "\(throttled.bucket.kind.metricBucket)",
            "ratelimit.pause_seconds": "\(pause.timeInterval)",
            "http.status": "\(response.status.code)",
            "vm.id": "\(context.vm.path)",
        ]
        metadata["azure.error_code"] = throttled.errorCode.map { "\($0)" }
        metadata["azure.request_id"] = response.headers.first(name: "x-ms-request-id").map { "\($0)" }
        logger.warning("Azure throttled a request; pausing the client-side bucket it drew on", metadata: metadata)
    }

    /// Sweeps happen after at least this many acquisitions, and after at least as many as there were buckets left by
    /// the last sweep, so sweeping costs O(1) per acquisition.
    private static let minimumSweepInterval = 1_024

    /// Drops every bucket a new one would equal: full, at full speed, not paused, nobody waiting.
    private func dropIdleBuckets(at now: Duration) {
        acquiredSinceSweep = 0
        buckets = buckets.filter { _, queued in
            let bucket = queued.bucket
            return !queued.queue.isEmpty || bucket.rateFactor < 1 || bucket.isPaused(at: now)
                || bucket.level(at: now) < bucket.capacity - TokenBucket.tolerance
        }
        acquisitionsBetweenSweeps = max(Self.minimumSweepInterval, buckets.count)
    }

    private func makeBucket(_ key: BucketKey, at now: Duration) -> QueuedBucket {
        let limit = key.kind.limit(in: settings)
        return QueuedBucket(
            TokenBucket(
                capacity: limit.capacity(safetyFactor: settings.safetyFactor),
                refillPerSecond: limit.refillPerSecond(safetyFactor: settings.safetyFactor),
                at: now
            )
        )
    }
}
