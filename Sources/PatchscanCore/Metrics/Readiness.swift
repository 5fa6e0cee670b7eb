/// Whether the daemon can do its job, as `/readyz` reports it.
public struct Readiness: Sendable, Equatable {
    /// True when `/readyz` answers 200.
    public var isReady: Bool
    /// Why the daemon is not ready (the 503 body), or `ready`.
    public var reason: String

    private init(isReady: Bool, reason: String) {
        self.isReady = isReady
        self.reason = reason
    }

    /// The daemon is ready.
    public static let ready = Readiness(isReady: true, reason: "ready")

    /// The daemon is not ready, because of `reason` (one short sentence for an operator, such as
    /// `starting: database and schedule not ready yet`).
    public static func notReady(_ reason: String) -> Readiness {
        Readiness(isReady: false, reason: reason)
    }

    /// The readiness rule: start-up finished, and a cycle finished within two scheduling intervals (or the
    /// daemon started less than two intervals ago, so the first cycle still has time).
    ///
    /// - Parameters:
    ///   - started: Whether start-up finished: the database open and migrated, the first schedule computed.
    ///   - sinceStart: Time since the daemon started.
    ///   - sinceLastCycle: Time since the last cycle finished, successful or not; nil when none has since start.
    ///   - interval: The global scheduling interval (`schedule.interval`).
    public static func evaluate(
        started: Bool,
        sinceStart: Duration,
        sinceLastCycle: Duration?,
        interval: Duration
    ) -> Readiness {
        guard started else { return .notReady("starting: database and schedule not ready yet") }
        let window = interval * 2
        guard (sinceLastCycle ?? sinceStart) <= window else {
            return .notReady("no cycle finished in the last \(DurationText.format(window)) (2× schedule.interval)")
        }
        return .ready
    }
}

/// Asked on every `/readyz` request; the daemon supplies it.
public typealias ReadinessProvider = @Sendable () async -> Readiness
