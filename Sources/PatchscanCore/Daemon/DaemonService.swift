import AzureCompute
import Foundation
import Logging
import PatchscanStore
import ServiceLifecycle

/// The scheduler of `patchscan run`: assesses each VM when it is due, at most `scan.concurrency` at a time, and
/// resumes operations an earlier process left pending before starting anything new.
///
/// Every scheduling decision reads the settings in force, so a reload applies from the next one. On graceful
/// shutdown it starts nothing new, lets assessments in flight finish for up to `schedule.shutdownGrace`, then
/// cancels the rest: their accepted operations stay in `pending_operation` and are resumed at the next start.
public struct DaemonService: Service {
    /// How often the loop wakes when nothing is due: reloads, lease renewal, status and watchdog ride on it.
    public static let defaultTick = Duration.seconds(5)

    /// The tick for a watchdog that wants a ping every `watchdogPing` (``SystemdNotifier/recommendedWatchdogPingInterval``):
    /// ``defaultTick``, or shorter when the watchdog asks for more frequent pings.
    public static func tick(watchdogPing: Duration?) -> Duration {
        min(defaultTick, watchdogPing ?? defaultTick)
    }

    let settings: SettingsHolder
    let store: PatchscanStore
    let runner: AssessmentRunner
    let slots: AssessmentSlots
    let holder: LeaseHolder
    let clock: any Clock<Duration>
    let reporter: DaemonReporter
    let health: DaemonHealth
    let tick: Duration
    let logger: Logger

    /// Creates the scheduler service.
    public init(
        settings: SettingsHolder,
        store: PatchscanStore,
        runner: AssessmentRunner,
        slots: AssessmentSlots,
        holder: LeaseHolder,
        clock: any Clock<Duration>,
        reporter: DaemonReporter,
        health: DaemonHealth,
        tick: Duration = DaemonService.defaultTick,
        logger: Logger
    ) {
        self.settings = settings
        self.store = store
        self.runner = runner
        self.slots = slots
        self.holder = holder
        self.clock = clock
        self.reporter = reporter
        self.health = health
        self.tick = tick
        self.logger = logger
    }

    private enum Event: Sendable {
        case finished(AssessmentJob, AssessmentCompletion)
        case tick
        case shutdown
        case graceExpired
        case cancelled
    }

    public func run() async throws {
        let interrupted = try await store.markInterruptedRuns(now: Date(), owner: holder.owner)
        if interrupted > 0 {
            logger.notice("Marked runs left unfinished by an earlier process as interrupted", metadata: ["scan.interrupted_runs": "\(interrupted)"])
        }
        var state = SchedulerState(store: store, holder: holder, logger: logger)
        let pending = try await store.pendingOperations()
        state.inFlight = Set(pending.map(\.vmID))
        try await state.apply(await settings.current, generation: await settings.generation, now: Date())
        state.inFlight = []
        reporter.flaggedVMs(state.flaggedCounts)
        if let finished = try await store.lastCompletedRunFinishedAt() {
            reporter.previousCycleFinished(finished)
        }
        reporter.ready()
        await health.markReady()
        logger.notice(
            "Scheduler started",
            metadata: ["scan.vm_count": "\(state.targets.count)", "scan.pending_operations": "\(pending.count)"]
        )

        let grace = await settings.current.schedule.shutdownGrace
        try await withThrowingTaskGroup(of: Event.self) { group in
            group.addTask {
                do {
                    try await gracefulShutdown()
                    return .shutdown
                } catch {
                    return .cancelled
                }
            }
            for job in try await state.resumable(pending, now: Date()) {
                start(job, in: &group, state: &state)
            }
            var shuttingDown = false
            var tickPending = false
            var sinceRenewal = clock.stopwatch()
            while true {
                if !shuttingDown {
                    let current = await settings.current
                    let generation = await settings.generation
                    if generation != state.generation {
                        try await state.apply(current, generation: generation, now: Date())
                        reporter.flaggedVMs(state.flaggedCounts)
                    }
                    for job in try await state.dueJobs(limit: current.scan.concurrency - state.inFlight.count, now: Date()) {
                        start(job, in: &group, state: &state)
                    }
                } else if state.inFlight.isEmpty {
                    break
                }
                // Ticks go on while shutting down: the watchdog and the leases of the operations still in flight
                // must outlast any shutdown grace.
                if !tickPending {
                    let untilDue = shuttingDown ? nil : state.timeUntilNextDue(now: Date())
                    let wait = untilDue.map { min($0, tick) } ?? tick
                    group.addTask {
                        try? await clock.sleep(for: wait)
                        return .tick
                    }
                    tickPending = true
                }
                guard let event = try await group.next() else { break }
                switch event {
                case .finished(let job, let completion):
                    try await state.finished(job, completion, reporter: reporter, health: health, now: Date())
                case .tick:
                    tickPending = false
                    reporter.alive()
                    if sinceRenewal() >= LeaseHolder.leaseDuration / 3 {
                        try await store.renewLeases(owner: holder.owner, until: holder.expiry(from: Date()))
                        sinceRenewal = clock.stopwatch()
                    }
                    guard !shuttingDown else { break }
                    try await state.rollOverIfDue(now: Date(), reporter: reporter, health: health)
                    reporter.status(state.statusLine(now: Date()))
                    reporter.vmCounts(state.targets.count, state.dueCount(now: Date()), state.inFlight.count)
                case .shutdown:
                    shuttingDown = true
                    reporter.stopping()
                    logger.notice(
                        "Shutting down: no new assessments; waiting for those in flight",
                        metadata: ["scan.in_flight": "\(state.inFlight.count)", "scan.grace": "\(grace)"]
                    )
                    reporter.status("stopping: \(state.inFlight.count) assessments in flight")
                    if !state.inFlight.isEmpty {
                        group.addTask {
                            try? await clock.sleep(for: grace)
                            return .graceExpired
                        }
                    }
                case .graceExpired:
                    if !state.inFlight.isEmpty {
                        logger.notice(
                            "Shutdown grace period over; leaving the remaining operations for the next start",
                            metadata: ["scan.in_flight": "\(state.inFlight.count)"]
                        )
                        group.cancelAll()
                    }
                case .cancelled:
                    shuttingDown = true
                    group.cancelAll()
                }
            }
            group.cancelAll()
        }
        try await state.closeAll(now: Date())
        try await store.releaseAllClaims(owner: holder.owner)
        logger.notice("Scheduler stopped")
    }

    private func start(_ job: AssessmentJob, in group: inout ThrowingTaskGroup<Event, any Error>, state: inout SchedulerState) {
        state.inFlight.insert(job.vmID)
        state.dispatched(job)
        let runner = runner
        let slots = slots
        let settings = settings
        let logger = logger
        group.addTask {
            let current = await settings.current
            do {
                let completion = try await slots.withSlot(subscription: job.target.id.subscriptionID) {
                    try await runner.run(job, settings: current, logger: logger)
                }
                return .finished(job, completion)
            } catch is CancellationError {
                return .finished(job, .interrupted(job.target))
            }
        }
    }
}
