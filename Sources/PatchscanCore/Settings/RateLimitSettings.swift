/// Client-side limits that keep patchscan inside Azure's throttling budgets (`rateLimits`).
///
/// The defaults are Azure's published budgets (see `docs/rate-limits.md`): Compute's guest-patch budget for assessPatches
/// per subscription and region and per VM, Compute's GetOperation budget per VM for polls, and ARM's per-principal
/// write and read buckets per subscription. Every bucket is scaled down by ``safetyFactor``.
/// The global cap on assessments in flight is `scan.concurrency`; ``maxConcurrentPerSubscription`` adds one per
/// subscription.
public struct RateLimitSettings: Sendable, Equatable {
    /// Default for ``safetyFactor``.
    public static let defaultSafetyFactor = 0.9
    /// Default for ``slowDownBelow``: below the 10 % headroom that ``defaultSafetyFactor`` leaves, so patchscan
    /// alone never triggers a slow-down.
    public static let defaultSlowDownBelow = 0.05
    /// Default for ``assessPatchesPerRegion``: Compute's "VM Guest Patch Operations" budget per subscription
    /// and region.
    public static let defaultAssessPatchesPerRegion = BucketLimit(rate: .perMinute(200), burst: 600)
    /// Default for ``assessPatchesPerVM``: the same budget per VM.
    public static let defaultAssessPatchesPerVM = BucketLimit(rate: .perMinute(2), burst: 6)
    /// Default for ``armWrites``: ARM's subscription write bucket per security principal.
    public static let defaultARMWrites = BucketLimit(rate: .perSecond(10), burst: 200)
    /// Default for ``armReads``: ARM's subscription read bucket per security principal.
    public static let defaultARMReads = BucketLimit(rate: .perSecond(25), burst: 250)
    /// Default for ``pollsPerVM``: Compute's "Get Operation" budget per VM.
    public static let defaultPollsPerVM = BucketLimit(rate: .perMinute(15), burst: 45)

    /// Every bucket's rate and burst are multiplied by this, in (0, 1] (`rateLimits.safetyFactor`).
    public var safetyFactor: Double
    /// When Azure reports that less than this fraction of a budget remains, the matching bucket slows down,
    /// in [0, 1) (`rateLimits.slowDownBelow`).
    public var slowDownBelow: Double
    /// assessPatches per subscription and region; VMs without a known region share one per subscription
    /// (`rateLimits.assessPatches.perRegion`).
    public var assessPatchesPerRegion: BucketLimit
    /// assessPatches per VM (`rateLimits.assessPatches.perVM`).
    public var assessPatchesPerVM: BucketLimit
    /// ARM writes per subscription; every assessPatches POST is one (`rateLimits.arm.writes`).
    public var armWrites: BucketLimit
    /// ARM reads per subscription; every operation poll is one (`rateLimits.arm.reads`).
    public var armReads: BucketLimit
    /// Operation polls per VM (`rateLimits.pollsPerVM`).
    public var pollsPerVM: BucketLimit
    /// The most assessments in flight per subscription, or `nil` for no cap beyond `scan.concurrency`
    /// (`rateLimits.maxConcurrentPerSubscription`).
    public var maxConcurrentPerSubscription: Int?

    /// Creates rate-limit settings; every argument has the documented default.
    public init(
        safetyFactor: Double = RateLimitSettings.defaultSafetyFactor,
        slowDownBelow: Double = RateLimitSettings.defaultSlowDownBelow,
        assessPatchesPerRegion: BucketLimit = RateLimitSettings.defaultAssessPatchesPerRegion,
        assessPatchesPerVM: BucketLimit = RateLimitSettings.defaultAssessPatchesPerVM,
        armWrites: BucketLimit = RateLimitSettings.defaultARMWrites,
        armReads: BucketLimit = RateLimitSettings.defaultARMReads,
        pollsPerVM: BucketLimit = RateLimitSettings.defaultPollsPerVM,
        maxConcurrentPerSubscription: Int? = nil
    ) {
        self.safetyFactor = safetyFactor
        self.slowDownBelow = slowDownBelow
        self.assessPatchesPerRegion = assessPatchesPerRegion
        self.assessPatchesPerVM = assessPatchesPerVM
        self.armWrites = armWrites
        self.armReads = armReads
        self.pollsPerVM = pollsPerVM
        self.maxConcurrentPerSubscription = maxConcurrentPerSubscription
    }
}

/// One token bucket's budget as Azure publishes it: a sustained rate and a burst. patchscan runs the bucket at
/// ``RateLimitSettings/safetyFactor`` of both.
public struct BucketLimit: Sendable, Equatable, CustomStringConvertible {
    /// The sustained rate (`rate`).
    public var rate: RequestRate
    /// The most requests at once after a quiet period (`burst`), at least 1.
    public var burst: Int

    /// Creates a budget.
    public init(rate: RequestRate, burst: Int) {
        self.rate = rate
        self.burst = burst
    }

    /// The client-side bucket's capacity: the burst scaled by `safetyFactor`, rounded down, at least 1.
    public func capacity(safetyFactor: Double) -> Double {
        max(1, (Double(burst) * safetyFactor).rounded(.down))
    }

    /// The client-side bucket's refill per second: the rate scaled by `safetyFactor`.
    public func refillPerSecond(safetyFactor: Double) -> Double {
        rate.perSecond * safetyFactor
    }

    /// `rate 200/min, burst 600`.
    public var description: String {
        "rate \(rate), burst \(burst)"
    }
}
