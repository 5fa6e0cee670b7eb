/// The fractions of generated VMs given each non-healthy behaviour.
///
/// Each generated VM draws one uniform number and walks the fractions in declaration order, so the
/// fractions should sum to at most 1; anything beyond 1 is never reached. VMs outside every fraction are
/// `.healthy`. Throttling and server-error faults fail the first POST only and carry
/// ``EmulatorConfiguration/retryAfterSeconds`` as their `Retry-After`.
public struct FaultMix: Sendable, Hashable {
    /// `.deallocated` (409).
    public var deallocated: Double
    /// `.stopped` (409).
    public var stopped: Double
    /// `.lroFailed` (operation `Failed`).
    public var lroFailed: Double
    /// `.lroCanceled` (operation `Canceled`).
    public var lroCanceled: Double
    /// `.completedWithWarnings` (truncated list, warning in `result.error`).
    public var completedWithWarnings: Double
    /// `.resultFailed` (operation succeeded, result status `Failed`).
    public var resultFailed: Double
    /// `.unknownEnums` (undocumented enum values on some patches).
    public var unknownEnums: Double
    /// `.malformedResult` (invalid JSON from the Location GET).
    public var malformedResult: Double
    /// `.computeThrottled(times: 1, …)` (one CRP 429, then normal).
    public var computeThrottledOnce: Double
    /// `.serverError(times: 1, …)` (one 500/502/503/504 with `Retry-After`, then normal).
    public var serverErrorOnce: Double

    /// Creates a mix; every fraction defaults to 0.
    public init(
        deallocated: Double = 0,
        stopped: Double = 0,
        lroFailed: Double = 0,
        lroCanceled: Double = 0,
        completedWithWarnings: Double = 0,
        resultFailed: Double = 0,
        unknownEnums: Double = 0,
        malformedResult: Double = 0,
        computeThrottledOnce: Double = 0,
        serverErrorOnce: Double = 0
    ) {
        self.deallocated = deallocated
        self.stopped = stopped
        self.lroFailed = lroFailed
        self.lroCanceled = lroCanceled
        self.completedWithWarnings = completedWithWarnings
        self.resultFailed = resultFailed
        self.unknownEnums = unknownEnums
        self.malformedResult = malformedResult
        self.computeThrottledOnce = computeThrottledOnce
        self.serverErrorOnce = serverErrorOnce
    }

    /// Every VM healthy.
    public static let none = FaultMix()

    /// A believable fleet for demos: about 23% of VMs misbehave in some way.
    public static let demo = FaultMix(
        deallocated: 0.05,
        stopped: 0.02,
        lroFailed: 0.02,
        lroCanceled: 0.01,
        completedWithWarnings: 0.03,
        resultFailed: 0.01,
        unknownEnums: 0.02,
        malformedResult: 0.01,
        computeThrottledOnce: 0.03,
        serverErrorOnce: 0.03
    )

    /// The behaviour for a VM that drew `draw` (uniform in `0..<1`); `extra` picks the server-error status.
    func behavior(draw: Double, extra: UInt64, retryAfter: Int) -> VMBehavior {
        let serverErrorStatuses = [500, 502, 503, 504]
        let ladder: [(Double, VMBehavior)] = [
            (self.deallocated, .deallocated),
            (self.stopped, .stopped),
            (self.lroFailed, .lroFailed),
            (self.lroCanceled, .lroCanceled),
            (self.completedWithWarnings, .completedWithWarnings),
            (self.resultFailed, .resultFailed),
            (self.unknownEnums, .unknownEnums),
            (self.malformedResult, .malformedResult),
            (self.computeThrottledOnce, .computeThrottled(times: 1, retryAfter: retryAfter)),
            (
                self.serverErrorOnce,
                .serverError(
                    times: 1,
                    status: serverErrorStatuses[Int(extra % UInt64(serverErrorStatuses.count))],
                    retryAfter: retryAfter
                )
            ),
        ]
        var threshold = 0.0
        for (fraction, behavior) in ladder {
            threshold += max(0, fraction)
            if draw < threshold {
                return behavior
            }
        }
        return .healthy
    }
}
