import AzureCompute
import Foundation
import Logging
import PatchscanStore

/// The daemon loop's state: the schedule of configured VMs, what is in flight, and the open cycles (scan runs).
///
/// A cycle is one `scan_run` row. It opens with the first dispatch after the previous one closed and closes when
/// the schedule interval has passed since it opened, or earlier when a VM already assessed in it comes due again
/// (only with shorter group intervals), so each VM has at most one assessment per run. A closed cycle's row is
/// finished once its last assessment in flight is recorded.
struct SchedulerState {
    let store: PatchscanStore
    let holder: LeaseHolder
    let logger: Logger

    private(set) var generation = -1
    private(set) var settings: Settings?
    private(set) var targets: [Int64: VMTarget] = [:]
    private var due: [Int64: Date] = [:]
    var inFlight: Set<Int64> = []
    private var cycle: Cycle?
    private var inFlightByRun: [Int64: Int] = [:]
    private var closedRuns: Set<Int64> = []
    private var flagKindsByVM: [Int64: Set<FlagKind>] = [:]
    /// Operations left pending that another process held at start-up, resumed if they are still due once claimed.
    private var pendingHeldElsewhere: [Int64: PendingOperation] = [:]

    private struct Cycle {
        var runID: Int64
        var openedAt: Date
        var interval: Duration
        var dispatched: Set<Int64> = []
        var recorded = 0
        var flagged = 0
    }

    init(store: PatchscanStore, holder: LeaseHolder, logger: Logger) {
        self.store = store
        self.holder = holder
        self.logger = logger
    }

    /// Takes in new settings: registers the VMs, plans every VM's due time and persists the changes.
    mutating func apply(_ settings: Settings, generation: Int, now: Date) async throws {
        let ids = try await store.registerVMs(settings.vms.map(\.registration), seenAt: now)
        var targets: [Int64: VMTarget] = [:]
        for target in settings.vms {
            if let id = ids[target.id.canonicalKey] { targets[id] = target }
        }
        // VMs in flight keep their due time: the planner would take it for overdue.
        let scheduled = try await store.scheduledVMs(resourceIDs: settings.vms.map(\.id.path))
            .filter { !inFlight.contains($0.vmID) }
        let plan = SchedulePlanner(settings: settings.schedule).plan(scheduled, now: now)
        let changed = scheduled.reduce(into: [Int64: Date]()) { changed, vm in
            if let planned = plan[vm.vmID], planned != vm.nextDueAt { changed[vm.vmID] = planned }
        }
        try await store.setNextDue(changed, plannedFrom: scheduled)
        // What the database says about VMs this process has not assessed, so the flagged counts survive a restart.
        let restored = try await store.latestFlagKinds(vmIDs: targets.keys.filter { flagKindsByVM[$0] == nil })
        flagKindsByVM = flagKindsByVM.filter { targets[$0.key] != nil }
        for (vmID, names) in restored {
            flagKindsByVM[vmID] = Set(names.map(FlagKind.init(storedName:)))
        }
        self.targets = targets
        self.due = due.filter { inFlight.contains($0.key) && targets[$0.key] != nil }.merging(plan) { kept, _ in kept }
        self.settings = settings
        if self.generation >= 0 {
            logger.notice("Schedule updated for the reloaded configuration", metadata: ["scan.vm_count": "\(targets.count)"])
        }
        self.generation = generation
    }

    /// Jobs for operations an earlier process left pending, claimed for this process.
    mutating func resumable(_ pending: [PendingOperation], now: Date) async throws -> [AssessmentJob] {
        guard !pending.isEmpty else { return [] }
        let claimed = try await store.claimVMs(pending.map(\.vmID), owner: holder.owner, now: now, until: holder.expiry(from: now))
        // A VM another process holds (a manual scan, which resumes the operation itself) was left out of the plan
        // as in flight; make it due, so it is scheduled from what that process records, or resumed here if it
        // records nothing.
        for operation in pending where !claimed.contains(operation.vmID) && targets[operation.vmID] != nil {
            due[operation.vmID] = now
            pendingHeldElsewhere[operation.vmID] = operation
        }
        var jobs: [AssessmentJob] = []
        for operation in pending where claimed.contains(operation.vmID) {
            let target = targets[operation.vmID] ?? (try? VMResourceID(parsing: operation.resourceID)).map {
                VMTarget(id: $0, location: operation.location, group: operation.group)
            }
            guard let target else { continue }
            let runID = try await openCycleIfNeeded(now: now)
            jobs.append(AssessmentJob(target: target, vmID: operation.vmID, runID: runID, resuming: operation.acceptedOperation))
        }
        return jobs
    }

    /// Claims and returns up to `limit` VMs whose due time has come, oldest first.
    mutating func dueJobs(limit: Int, now: Date) async throws -> [AssessmentJob] {
        guard limit > 0 else { return [] }
        var candidates = due.filter { $0.value <= now && !inFlight.contains($0.key) }
            .sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            .prefix(limit)
            .map(\.key)
        guard !candidates.isEmpty else { return [] }
        // Another process (`patchscan scan`) may have assessed some since they were planned.
        let stored = try await store.scheduledVMs(resourceIDs: candidates.compactMap { targets[$0]?.id.path })
        for vm in stored {
            if let next = vm.nextDueAt, next > now {
                due[vm.vmID] = next
                candidates.removeAll { $0 == vm.vmID }
                pendingHeldElsewhere[vm.vmID] = nil
            }
        }
        let claimed = try await store.claimVMs(candidates, owner: holder.owner, now: now, until: holder.expiry(from: now))
        var jobs: [AssessmentJob] = []
        for vmID in candidates where claimed.contains(vmID) {
            guard let target = targets[vmID] else { continue }
            if cycle?.dispatched.contains(vmID) == true { try await closeCycle(now: now, completed: true) }
            let runID = try await openCycleIfNeeded(now: now)
            let resuming = pendingHeldElsewhere.removeValue(forKey: vmID)?.acceptedOperation
            jobs.append(AssessmentJob(target: target, vmID: vmID, runID: runID, resuming: resuming))
        }
        return jobs
    }

    /// Notes a dispatched job against its run.
    mutating func dispatched(_ job: AssessmentJob) {
        inFlightByRun[job.runID, default: 0] += 1
        cycle?.dispatched.insert(job.vmID)
    }

    /// Takes in a finished assessment.
    mutating func finished(
        _ job: AssessmentJob, _ completion: AssessmentCompletion, reporter: DaemonReporter, health: DaemonHealth, now: Date
    ) async throws {
        inFlight.remove(job.vmID)
        inFlightByRun[job.runID, default: 1] -= 1
        switch completion {
        case .recorded(let outcome, let nextDueAt):
            if targets[job.vmID] != nil { due[job.vmID] = nextDueAt }
            if outcome.outcome == ScanOutcome.succeeded {
                flagKindsByVM[job.vmID] = Set(outcome.flags.map(\.kind))
                reporter.flaggedVMs(flaggedCounts)
            }
            if cycle?.runID == job.runID {
                cycle?.recorded += 1
                if !outcome.flags.isEmpty { cycle?.flagged += 1 }
            }
        case .interrupted:
            try await store.releaseClaims([job.vmID], owner: holder.owner)
            if cycle?.runID == job.runID { cycle?.dispatched.remove(job.vmID) }
        }
        try await finishClosedRuns(now: now)
    }

    /// Closes the cycle once its interval has passed.
    mutating func rollOverIfDue(now: Date, reporter: DaemonReporter, health: DaemonHealth) async throws {
        guard let cycle, now.timeIntervalSince(cycle.openedAt) >= cycle.interval.timeInterval else { return }
        try await closeCycle(now: now, completed: true)
        let duration = Duration.seconds(now.timeIntervalSince(cycle.openedAt))
        reporter.cycleFinished(duration, now)
        await health.cycleFinished(interval: cycle.interval)
    }

    /// Closes the open cycle as interrupted and finishes every run row (shutdown).
    mutating func closeAll(now: Date) async throws {
        if cycle != nil { try await closeCycle(now: now, completed: false) }
        for runID in closedRuns {
            try await store.finishRun(id: runID, finishedAt: now, status: .interrupted)
        }
        closedRuns.removeAll()
    }

    /// How long until the next VM is due, if any is scheduled.
    func timeUntilNextDue(now: Date) -> Duration? {
        due.filter { !inFlight.contains($0.key) }.values.min().map { .seconds(max(0, $0.timeIntervalSince(now))) }
    }

    /// VMs due now and not in flight.
    func dueCount(now: Date) -> Int {
        due.count { $0.value <= now && !inFlight.contains($0.key) }
    }

    /// `cycle 12: 840/1000 VMs, 3 flagged, next in 41m`.
    func statusLine(now: Date) -> String {
        let next = timeUntilNextDue(now: now).map { "next in \(Self.roughly($0))" } ?? "nothing scheduled"
        guard let cycle else { return "idle: \(targets.count) VMs, \(next)" }
        return "cycle \(cycle.runID): \(cycle.recorded)/\(targets.count) VMs, \(cycle.flagged) flagged, "
            + "\(inFlight.count) in flight, \(next)"
    }

    /// `45s`, `41m`, `5h12m`.
    static func roughly(_ duration: Duration) -> String {
        let seconds = max(0, duration.components.seconds)
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3_600: return "\(seconds / 60)m"
        default: return "\(seconds / 3_600)h\((seconds % 3_600) / 60)m"
        }
    }

    /// Configured VMs whose latest successful assessment raised a flag, by kind.
    var flaggedCounts: [FlagKind: Int] {
        var counts: [FlagKind: Int] = [:]
        for kinds in flagKindsByVM.values {
            for kind in kinds { counts[kind, default: 0] += 1 }
        }
        return counts
    }

    private mutating func openCycleIfNeeded(now: Date) async throws -> Int64 {
        if let cycle { return cycle.runID }
        let runID = try await store.startRun(
            startedAt: now, plannedVMCount: targets.count, version: PatchscanVersion.current,
            owner: holder.owner, leaseExpiresAt: holder.expiry(from: now)
        )
        cycle = Cycle(runID: runID, openedAt: now, interval: settings?.schedule.interval ?? ScheduleSettings.defaultInterval)
        logger.info("Cycle started", metadata: ["scan.run_id": "\(runID)", "scan.vm_count": "\(targets.count)"])
        return runID
    }

    private mutating func closeCycle(now: Date, completed: Bool) async throws {
        guard let cycle else { return }
        self.cycle = nil
        logger.info(
            "Cycle closed",
            metadata: [
                "scan.run_id": "\(cycle.runID)", "scan.recorded": "\(cycle.recorded)",
                "scan.flagged": "\(cycle.flagged)", "scan.completed": "\(completed)",
            ]
        )
        closedRuns.insert(cycle.runID)
        if completed { try await finishClosedRuns(now: now) }
    }

    private mutating func finishClosedRuns(now: Date) async throws {
        for runID in closedRuns where inFlightByRun[runID, default: 0] <= 0 {
            try await store.finishRun(id: runID, finishedAt: now, status: .completed)
            closedRuns.remove(runID)
            inFlightByRun[runID] = nil
        }
    }
}
