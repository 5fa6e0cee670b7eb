import AzureCompute
import Foundation
import Logging
import PatchscanStore

/// One VM to assess in one run, possibly by resuming an operation Azure accepted earlier.
public struct AssessmentJob: Sendable {
    /// The VM.
    public var target: VMTarget
    /// Its `vm.id`.
    public var vmID: Int64
    /// The run the outcome is recorded in.
    public var runID: Int64
    /// An operation accepted earlier (by this or an earlier process) to poll instead of starting a new one.
    public var resuming: AcceptedOperation?

    /// Creates a job.
    public init(target: VMTarget, vmID: Int64, runID: Int64, resuming: AcceptedOperation? = nil) {
        self.target = target
        self.vmID = vmID
        self.runID = runID
        self.resuming = resuming
    }
}

/// How an assessment ended.
public enum AssessmentCompletion: Sendable {
    /// The outcome was recorded, with the VM's next due time.
    case recorded(ScanSummary.VMOutcome, nextDueAt: Date)
    /// Shutdown interrupted it before an outcome; an accepted operation stays persisted for the next start.
    case interrupted(VMTarget)
}

/// Assesses one VM and records its outcome: the path `patchscan scan` and the daemon share.
///
/// When Azure accepts the operation (202), its URLs are persisted before the first poll, so a restart resumes
/// polling instead of starting a second assessment. The outcome, the VM's next due time, the removal of the
/// pending operation and the release of the claim are written in one transaction.
public struct AssessmentRunner: Sendable {
    let assessor: any PatchAssessor
    let store: PatchscanStore
    let clock: any Clock<Duration>
    let claimOwner: String
    let observer: AssessmentObserver

    /// Creates a runner whose writes release claims held by `claimOwner`.
    public init(
        assessor: any PatchAssessor,
        store: PatchscanStore,
        clock: any Clock<Duration>,
        claimOwner: String,
        observer: AssessmentObserver = AssessmentObserver()
    ) {
        self.assessor = assessor
        self.store = store
        self.clock = clock
        self.claimOwner = claimOwner
        self.observer = observer
    }

    /// Runs `job` to a recorded outcome, or to ``AssessmentCompletion/interrupted(_:)`` when the task is cancelled.
    ///
    /// `settings` gives the deadline, the thresholds and, through the schedule, the VM's next due time.
    ///
    /// - Throws: Only store failures; Azure failures are recorded.
    public func run(_ job: AssessmentJob, settings: Settings, logger: Logger) async throws -> AssessmentCompletion {
        let scan = settings.scan
        let thresholds = settings.thresholds
        var logger = logger
        logger[metadataKey: "vm.id"] = "\(job.target.id.path)"
        let startedAt = Date()
        let elapsed = clock.stopwatch()
        var write: AssessmentWrite
        let outcome: ScanSummary.VMOutcome
        do throws(AzureError) {
            let response = try await assess(job, deadline: scan.deadline, logger: logger)
            let resultFailed = response.result.status == .failed
            let flags = resultFailed ? [] : thresholds.flags(for: response.result)
            let code = resultFailed ? ScanOutcome.assessmentFailed : ScanOutcome.succeeded
            write = AssessmentWrite(
                response: response, outcome: code, runID: job.runID, vmID: job.vmID, startedAt: startedAt,
                elapsed: elapsed(), flags: flags
            )
            outcome = .init(vm: job.target.id, outcome: code, message: response.result.error?.message, flags: flags)
            logger.debug("VM assessed", metadata: ["scan.outcome": "\(code)", "scan.flags": "\(flags.count)"])
        } catch {
            if error.code == .cancelled, Task.isCancelled {
                try? await store.releaseClaims([job.vmID], owner: claimOwner)
                logger.notice("Assessment interrupted by shutdown; an accepted operation is resumed at the next start")
                return .interrupted(job.target)
            }
            write = AssessmentWrite(error: error, runID: job.runID, vmID: job.vmID, startedAt: startedAt, elapsed: elapsed())
            outcome = .init(vm: job.target.id, outcome: error.code.name, message: error.message, flags: [])
            logger.warning(
                "VM assessment failed",
                metadata: [
                    "scan.outcome": "\(error.code)", "error": "\(error.message)",
                    "azure.request_id": "\(error.requestID ?? "-")",
                ]
            )
        }
        let nextDueAt = SchedulePlanner(settings: settings.schedule)
            .nextDue(afterAssessmentAt: startedAt, succeeded: write.succeeded, group: job.target.group)
        write.nextDueAt = nextDueAt
        write.claimOwner = claimOwner
        try await store.recordAssessment(write)
        observer.finished(outcome)
        return .recorded(outcome, nextDueAt: nextDueAt)
    }

    private func assess(_ job: AssessmentJob, deadline: Duration, logger: Logger) async throws(AzureError) -> AssessPatchesResponse {
        let operations = observer.operations
        let result: Result<AssessPatchesResponse, AzureError>
        if let operation = job.resuming {
            logger.notice("Resuming an operation accepted before a restart", metadata: ["azure.request_id": "\(operation.requestID ?? "-")"])
            await operations.started(job.vmID)
            do throws(AzureError) {
                result = .success(
                    try await assessor.resumeAssessment(
                        vm: job.target.id, location: job.target.location, operation: operation, deadline: deadline, logger: logger
                    )
                )
            } catch {
                result = .failure(error)
            }
        } else {
            let store = store
            do throws(AzureError) {
                result = .success(
                    try await assessor.assessPatches(
                        vm: job.target.id,
                        location: job.target.location,
                        deadline: deadline,
                        onAccepted: { operation in
                            await operations.started(job.vmID)
                            do {
                                try await store.recordAccepted(
                                    PendingOperationWrite(
                                        vmID: job.vmID, runID: job.runID, acceptedAt: Date(), statusURL: operation.statusURL,
                                        locationURL: operation.locationURL, requestID: operation.requestID,
                                        correlationID: operation.correlationID
                                    )
                                )
                            } catch {
                                logger.error(
                                    "Could not persist the accepted operation; a restart would start a new assessment",
                                    metadata: ["error": "\(error)"]
                                )
                            }
                        },
                        logger: logger
                    )
                )
            } catch {
                result = .failure(error)
            }
        }
        await operations.ended(job.vmID)
        return try result.get()
    }
}
