import AzureCompute
import Foundation
import Logging
import PatchscanStore

/// Runs one-off scan cycles (`patchscan scan`): every configured VM assessed once, at most `concurrency` at a
/// time, each ending with exactly one recorded outcome. A VM's failure is recorded and never cancels its siblings.
///
/// The scanner claims each VM before assessing it, so it can run against the database of a running daemon: a VM
/// the daemon holds is recorded as `skipped_in_flight`, an operation a dead process left pending is resumed.
public struct Scanner: Sendable {
    let runner: AssessmentRunner
    let store: PatchscanStore
    let settings: Settings
    let holder: LeaseHolder
    let slots: AssessmentSlots
    let clock: any Clock<Duration>
    let logger: Logger

    /// Creates a scanner whose claims and run are held by `holder`.
    public init(
        runner: AssessmentRunner,
        store: PatchscanStore,
        settings: Settings,
        holder: LeaseHolder,
        slots: AssessmentSlots,
        clock: any Clock<Duration>,
        logger: Logger
    ) {
        self.runner = runner
        self.store = store
        self.settings = settings
        self.holder = holder
        self.slots = slots
        self.clock = clock
        self.logger = logger
    }

    /// Assesses every target once and records the results as one scan run.
    /// - Throws: Only store failures; Azure failures are recorded per VM.
    public func runCycle(targets: [VMTarget]) async throws -> ScanSummary {
        let elapsed = clock.stopwatch()
        let vmIDs = try await store.registerVMs(targets.map(\.registration), seenAt: Date())
        let runID = try await store.startRun(
            startedAt: Date(), plannedVMCount: targets.count, version: PatchscanVersion.current,
            owner: holder.owner, leaseExpiresAt: holder.expiry(from: Date())
        )
        let logger = logger.with(metadata: ["scan.run_id": "\(runID)"])
        logger.info("Scan cycle started", metadata: ["scan.vm_count": "\(targets.count)", "scan.concurrency": "\(settings.scan.concurrency)"])

        let work = targets.compactMap { target in vmIDs[target.id.canonicalKey].map { (target, $0) } }
        let claimed = try await store.claimVMs(
            work.map(\.1), owner: holder.owner, now: Date(), until: holder.expiry(from: Date())
        )
        let pending = Dictionary(
            try await store.pendingOperations().map { ($0.vmID, $0.acceptedOperation) }, uniquingKeysWith: { first, _ in first }
        )
        var outcomes: [ScanSummary.VMOutcome] = []
        outcomes.reserveCapacity(targets.count)
        for (target, vmID) in work where !claimed.contains(vmID) {
            try await store.recordAssessment(.skippedInFlight(runID: runID, vmID: vmID, at: Date()))
            outcomes.append(.init(vm: target.id, outcome: ScanOutcome.skippedInFlight, message: AssessmentWrite.skippedMessage, flags: []))
        }
        let jobs = Self.interleavedByBudget(
            work.filter { claimed.contains($0.1) }.map { target, vmID in
                AssessmentJob(target: target, vmID: vmID, runID: runID, resuming: pending[vmID])
            }
        )
        outcomes += try await clock.withLeaseRenewal(store: store, holder: holder) {
            try await assessAll(jobs, logger: logger)
        }
        try await store.finishRun(id: runID, finishedAt: Date(), status: .completed)
        try await store.releaseAllClaims(owner: holder.owner)
        let summary = ScanSummary(runID: runID, outcomes: outcomes, duration: elapsed())
        logger.info(
            "Scan cycle finished",
            metadata: [
                "scan.succeeded": "\(summary.succeededCount)", "scan.failed": "\(summary.failedCount)",
                "scan.flagged": "\(summary.flagged.count)", "scan.duration": "\(summary.duration)",
            ]
        )
        return summary
    }

    /// Orders jobs round-robin over (subscription, region), keeping the configured order within each: a window of
    /// jobs waiting on one subscription's exhausted budget would otherwise leave the others' budgets unused.
    static func interleavedByBudget(_ jobs: [AssessmentJob]) -> [AssessmentJob] {
        var queues: [[AssessmentJob]] = []
        var indexByBudget: [String: Int] = [:]
        for job in jobs {
            let budget = job.target.id.subscriptionID.lowercased() + "/" + (job.target.location?.lowercased() ?? "")
            if let index = indexByBudget[budget] {
                queues[index].append(job)
            } else {
                indexByBudget[budget] = queues.count
                queues.append([job])
            }
        }
        var interleaved: [AssessmentJob] = []
        interleaved.reserveCapacity(jobs.count)
        for round in 0..<(queues.map(\.count).max() ?? 0) {
            for queue in queues where round < queue.count {
                interleaved.append(queue[round])
            }
        }
        return interleaved
    }

    private func assessAll(_ jobs: [AssessmentJob], logger: Logger) async throws -> [ScanSummary.VMOutcome] {
        return try await withThrowingTaskGroup(of: AssessmentCompletion.self) { group in
            var outcomes: [ScanSummary.VMOutcome] = []
            var pending = jobs.makeIterator()
            func start(_ job: AssessmentJob) {
                group.addTask {
                    try await slots.withSlot(subscription: job.target.id.subscriptionID) {
                        try await runner.run(job, settings: settings, logger: logger)
                    }
                }
            }
            for _ in 0..<max(1, settings.scan.concurrency) {
                guard let job = pending.next() else { break }
                start(job)
            }
            while let completion = try await group.next() {
                if case .recorded(let outcome, _) = completion { outcomes.append(outcome) }
                if let job = pending.next() { start(job) }
            }
            return outcomes
        }
    }
}

extension Logger {
    func with(metadata: Logger.Metadata) -> Logger {
        var copy = self
        for (key, value) in metadata { copy[metadataKey: key] = value }
        return copy
    }
}

extension VMTarget {
    var registration: VMRegistration {
        VMRegistration(
            resourceID: id.path, subscriptionID: id.subscriptionID, resourceGroup: id.resourceGroup, name: id.name,
            location: location, group: group
        )
    }
}

extension PendingOperation {
    /// The operation as the Azure client resumes it.
    var acceptedOperation: AcceptedOperation {
        AcceptedOperation(statusURL: statusURL, locationURL: locationURL, requestID: requestID, correlationID: correlationID)
    }
}
