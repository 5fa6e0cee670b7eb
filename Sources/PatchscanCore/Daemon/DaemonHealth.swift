import Foundation

/// What `/readyz` reports: start-up finished (database open, schedule computed), and cycles keep finishing.
public actor DaemonHealth {
    private let startedAt: ContinuousClock.Instant
    private var scheduleReady = false
    private var lastCycle: ContinuousClock.Instant?
    private var interval: Duration

    /// Starts not ready.
    public init(interval: Duration) {
        self.startedAt = .now
        self.interval = interval
    }

    /// The database is open and the first schedule is computed.
    public func markReady() {
        scheduleReady = true
    }

    /// A cycle finished; `interval` is the schedule interval in force.
    public func cycleFinished(interval: Duration) {
        lastCycle = .now
        self.interval = interval
    }

    /// The readiness rule of ``Readiness/evaluate(started:sinceStart:sinceLastCycle:interval:)``.
    public func readiness() -> Readiness {
        let now = ContinuousClock.Instant.now
        return Readiness.evaluate(
            started: scheduleReady, sinceStart: startedAt.duration(to: now),
            sinceLastCycle: lastCycle.map { $0.duration(to: now) }, interval: interval
        )
    }
}
