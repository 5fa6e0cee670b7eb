import Foundation
import PatchscanStore

/// Decides when each VM is next due. A pure value: the same VMs and `now` always give the same due times, and the
/// clock is the caller's.
///
/// The rules (docs/scheduling.md explains them for operators):
///
/// - **Phase.** Each VM has a fixed phase in `[0, interval)` from a stable hash of its lower-cased resource id.
/// - **First scan.** A VM never assessed and never planned is due at `now + phase`, so new VMs spread evenly over
///   one interval (or `schedule.firstScanSpread`, when shorter) instead of bursting.
/// - **Cadence.** After an assessment a VM is due one interval later, or after a failure the interval or
///   ``maximumRetryDelay``, whichever is shorter (``nextDue(afterAssessmentAt:succeeded:group:)``); with no due time
///   yet but a known last assessment (a database from before scheduling), that time after `lastAssessedAt`.
/// - **Interval changes** (a reload) apply at the next plan. Grown: a due time before the cadence after
///   `lastAssessedAt` moves out to it. Shrunk: a due time more than one interval ahead moves in to `lastAssessedAt + interval` (for a
///   VM never assessed, to `now + phase`); if that is already past, the VM is overdue and caught up like the rest.
///   A due time at most one interval ahead is kept, so due times set by a catch-up stay put.
/// - **Catch-up.** Overdue VMs (due time at or before `now`) that share an interval are a pool. While the pool's
///   oldest due time is at most ``catchUpThreshold`` old they keep their due times: the caller starts them now.
///   Past that (after downtime, or when the caller fell behind) the pool is spread, in order of due time, evenly
///   over a window from `now`: the smallest of the interval, the outage (`now` minus the oldest due time) and the
///   time the pool takes at its normal pace (`interval × overdue VMs ÷ VMs with that interval`). The most overdue
///   VM is due at `now`. A one-minute restart replays the missed minute over the next minute; a three-day outage
///   spreads the fleet over one interval.
public struct SchedulePlanner: Sendable {
    /// Default for ``catchUpThreshold``: 30 seconds.
    public static let defaultCatchUpThreshold = Duration.seconds(30)
    /// Differences below this are rounding (the database keeps milliseconds), not interval changes.
    private static let slack: TimeInterval = 1

    /// The intervals in force.
    public var settings: ScheduleSettings
    /// How late the oldest overdue VM of a pool may be before the pool is spread rather than started at once.
    /// Keep it above the caller's scheduling tick, so that VMs coming due between two ticks are not spread.
    public var catchUpThreshold: Duration

    /// Creates a planner for `settings`.
    public init(settings: ScheduleSettings, catchUpThreshold: Duration = SchedulePlanner.defaultCatchUpThreshold) {
        self.settings = settings
        self.catchUpThreshold = catchUpThreshold
    }

    /// The due time of every VM in `vms`, keyed by `vm.id`.
    ///
    /// A due time that needs no change is returned exactly as given, so the caller persists only the entries that
    /// differ from ``ScheduledVM/nextDueAt`` (``PatchscanStore/setNextDue(_:plannedFrom:)``) and starts the VMs
    /// due at or before `now`.
    ///
    /// Pass the VMs the caller may start: leave out VMs in flight (claimed, or with a pending operation). Their
    /// due time is set when their result is recorded, and an old due time would otherwise make them look overdue.
    public func plan(_ vms: [ScheduledVM], now: Date) -> [Int64: Date] {
        var planned: [Int64: Date] = [:]
        var overdue: [Duration: [(vm: ScheduledVM, due: Date)]] = [:]
        var poolSizes: [Duration: Int] = [:]
        for vm in vms {
            let interval = settings.interval(forGroup: vm.group)
            poolSizes[interval, default: 0] += 1
            let due = dueTime(of: vm, interval: interval, now: now)
            if due > now {
                planned[vm.vmID] = due
            } else {
                overdue[interval, default: []].append((vm, due))
            }
        }
        for (interval, pool) in overdue {
            let caughtUp = catchUp(pool, interval: interval, poolSize: poolSizes[interval, default: pool.count], now: now)
            planned.merge(caughtUp) { _, new in new }
        }
        return planned
    }

    /// The longest wait before a failed assessment is tried again.
    public static let maximumRetryDelay = Duration.seconds(30 * 60)

    /// When a VM is next due after an assessment that started at `assessedAt`: one interval of its group later, or
    /// after a failure the interval or ``maximumRetryDelay``, whichever is shorter, so a throttled or briefly stopped
    /// VM is not left stale for a whole interval.
    ///
    /// No jitter is added: the phases spread first scans, and each VM then keeps its own cadence, so the spread
    /// lasts.
    public func nextDue(afterAssessmentAt assessedAt: Date, succeeded: Bool, group: String?) -> Date {
        assessedAt.addingTimeInterval(Self.cadence(interval: settings.interval(forGroup: group), succeeded: succeeded).timeInterval)
    }

    private static func cadence(interval: Duration, succeeded: Bool) -> Duration {
        succeeded ? interval : min(interval, maximumRetryDelay)
    }

    /// The VM's phase: its fixed offset in `[0, interval)` for its group's interval, from a stable hash of its
    /// lower-cased resource id.
    public func phase(ofResourceID resourceID: String, group: String?) -> Duration {
        phase(ofResourceID: resourceID, interval: settings.interval(forGroup: group))
    }

    private func phase(ofResourceID resourceID: String, interval: Duration) -> Duration {
        interval * StableHash.unitFraction(resourceID.lowercased())
    }

    /// The VM's due time before catch-up: first scan, cadence and interval changes.
    private func dueTime(of vm: ScheduledVM, interval: Duration, now: Date) -> Date {
        let seconds = interval.timeInterval
        let spread = settings.firstScanSpread.map { min($0, interval) } ?? interval
        let firstScan = { now.addingTimeInterval(phase(ofResourceID: vm.resourceID, interval: spread).timeInterval) }
        let cadence = vm.lastAssessedAt.map {
            $0.addingTimeInterval(Self.cadence(interval: interval, succeeded: vm.lastAssessmentSucceeded ?? true).timeInterval)
        }
        guard let due = vm.nextDueAt else {
            return cadence ?? firstScan()
        }
        if let cadence, due < cadence.addingTimeInterval(-Self.slack) {
            return cadence
        }
        if due > now.addingTimeInterval(seconds + Self.slack) {
            return cadence ?? firstScan()
        }
        return due
    }

    /// Overdue VMs sharing `interval`: kept while the oldest is within the threshold, spread otherwise.
    private func catchUp(
        _ pool: [(vm: ScheduledVM, due: Date)],
        interval: Duration,
        poolSize: Int,
        now: Date
    ) -> [Int64: Date] {
        guard let oldest = pool.map(\.due).min() else { return [:] }
        let lateness = now.timeIntervalSince(oldest)
        guard lateness > catchUpThreshold.timeInterval else {
            return Dictionary(pool.map { ($0.vm.vmID, $0.due) }, uniquingKeysWith: { _, last in last })
        }
        // interval × n ÷ N never exceeds the interval, since the pool is part of the VMs with that interval.
        let pace = interval.timeInterval * Double(pool.count) / Double(poolSize)
        let window = min(lateness, pace)
        let ordered = pool
            .map { entry in (entry, StableHash.unitFraction(entry.vm.resourceID.lowercased())) }
            .sorted { lhs, rhs in
                (lhs.0.due, lhs.1, lhs.0.vm.vmID) < (rhs.0.due, rhs.1, rhs.0.vm.vmID)
            }
        var spread: [Int64: Date] = [:]
        for (rank, entry) in ordered.enumerated() {
            spread[entry.0.vm.vmID] = now.addingTimeInterval(window * Double(rank) / Double(ordered.count))
        }
        return spread
    }
}
