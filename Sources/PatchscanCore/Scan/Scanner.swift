import AzureCompute
import Foundation
import Logging
import PatchscanStore

/// Runs scan cycles: every configured VM assessed once, at most `concurrency` at a time, each ending with
/// exactly one recorded outcome. A VM's failure is recorded and never cancels its siblings.
public struct Scanner: Sendable {
    let assessor: any PatchAssessor
    let store: PatchscanStore
    let scan: ScanSettings
    let thresholds: Thresholds
    let clock: any Clock<Duration>
    let logger: Logger

    /// Creates a scanner.
    public init(
        assessor: any PatchAssessor,
        store: PatchscanStore,
        scan: ScanSettings,
        thresholds: Thresholds,
        clock: any Clock<Duration>,
        logger: Logger
    ) {
        self.assessor = assessor
        self.store = store
        self.scan = scan
        self.thresholds = thresholds
        self.clock = clock
        self.logger = logger
    }

    /// Assesses every target once and records the results as one scan run.
    /// - Throws: Only store failures; Azure failures are recorded per VM.
    public func runCycle(targets: [VMTarget]) async throws -> ScanSummary {
        let elapsed = clock.stopwatch()
        let vmIDs = try await store.registerVMs(targets.map(\.registration), seenAt: Date())
        let runID = try await store.startRun(startedAt: Date(), plannedVMCount: targets.count, version: PatchscanVersion.current)
        let logger = logger.with(metadata: ["scan.run_id": "\(runID)"])
        logger.info("Scan cycle started", metadata: ["scan.vm_count": "\(targets.count)", "scan.concurrency": "\(scan.concurrency)"])

        var outcomes: [ScanSummary.VMOutcome] = []
        outcomes.reserveCapacity(targets.count)
        let work = targets.compactMap { target in vmIDs[target.id.canonicalKey].map { (target, $0) } }
        try await withThrowingTaskGroup(of: ScanSummary.VMOutcome.self) { group in
            var pending = work.makeIterator()
            for _ in 0..<max(1, scan.concurrency) {
                guard let (target, vmID) = pending.next() else { break }
                group.addTask { try await assess(target, vmID: vmID, runID: runID, logger: logger) }
            }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                if let (target, vmID) = pending.next() {
                    group.addTask { try await assess(target, vmID: vmID, runID: runID, logger: logger) }
                }
            }
        }
        try await store.finishRun(id: runID, finishedAt: Date(), status: .completed)
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

    private func assess(_ target: VMTarget, vmID: Int64, runID: Int64, logger: Logger) async throws -> ScanSummary.VMOutcome {
        var logger = logger
        logger[metadataKey: "vm.id"] = "\(target.id.path)"
        let startedAt = Date()
        let elapsed = clock.stopwatch()
        let write: AssessmentWrite
        let outcome: ScanSummary.VMOutcome
        do throws(AzureError) {
            let response = try await assessor.assessPatches(
                vm: target.id, location: target.location, deadline: scan.deadline, onAccepted: { _ in }, logger: logger
            )
            let resultFailed = response.result.status == .failed
            let flags = resultFailed ? [] : thresholds.flags(for: response.result)
            let code = resultFailed ? ScanOutcome.assessmentFailed : ScanOutcome.succeeded
            write = AssessmentWrite(
                response: response, outcome: code, runID: runID, vmID: vmID, startedAt: startedAt, elapsed: elapsed(), flags: flags
            )
            outcome = .init(vm: target.id, outcome: code, message: response.result.error?.message, flags: flags)
            logger.debug("VM assessed", metadata: ["scan.outcome": "\(code)", "scan.flags": "\(flags.count)"])
        } catch {
            write = AssessmentWrite(error: error, runID: runID, vmID: vmID, startedAt: startedAt, elapsed: elapsed())
            outcome = .init(vm: target.id, outcome: error.code.name, message: error.message, flags: [])
            logger.warning(
                "VM assessment failed",
                metadata: [
                    "scan.outcome": "\(error.code)", "error": "\(error.message)",
                    "azure.request_id": "\(error.requestID ?? "-")",
                ]
            )
        }
        try await store.recordAssessment(write)
        return outcome
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
