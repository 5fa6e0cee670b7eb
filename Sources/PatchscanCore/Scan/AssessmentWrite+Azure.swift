import AzureCompute
import Foundation
import PatchscanStore

extension AssessmentWrite {
    /// The row for a completed assessment, its patches and flags.
    init(
        response: AssessPatchesResponse, outcome: String, runID: Int64, vmID: Int64, startedAt: Date, elapsed: Duration,
        flags: [Flag]
    ) {
        let result = response.result
        self.init(
            runID: runID,
            vmID: vmID,
            outcome: outcome,
            succeeded: outcome == ScanOutcome.succeeded,
            lroStatus: response.operationStatus,
            resultStatus: result.status?.rawValue,
            assessmentActivityID: result.assessmentActivityId,
            rebootPending: result.rebootPending,
            criticalAndSecurityPatchCount: result.criticalAndSecurityPatchCount,
            otherPatchCount: result.otherPatchCount,
            assessmentStartedAt: result.startDateTime?.rawValue,
            startedAt: startedAt,
            durationMilliseconds: elapsed.milliseconds,
            errorCode: result.error?.code,
            errorMessage: result.error?.message,
            errorTarget: result.error?.target,
            errorDetailsJSON: encodeDetails(result.error?.details),
            requestID: response.requestID,
            correlationID: response.correlationID,
            patches: (result.availablePatches ?? []).map(PatchWrite.init),
            flags: flags.map { FlagWrite(kind: $0.kind.name, value: $0.value, threshold: $0.threshold) }
        )
    }

    /// Why a VM was recorded as ``ScanOutcome/skippedInFlight``.
    static let skippedMessage = "another patchscan process (the daemon) is assessing this VM; its result lands in that process's run"

    /// The row for a VM another process held.
    static func skippedInFlight(runID: Int64, vmID: Int64, at date: Date) -> AssessmentWrite {
        AssessmentWrite(
            runID: runID, vmID: vmID, outcome: ScanOutcome.skippedInFlight, succeeded: false, startedAt: date,
            durationMilliseconds: 0, errorCode: ScanOutcome.skippedInFlight, errorMessage: skippedMessage
        )
    }

    /// The row for a failed assessment.
    init(error: AzureError, runID: Int64, vmID: Int64, startedAt: Date, elapsed: Duration) {
        self.init(
            runID: runID,
            vmID: vmID,
            outcome: error.code.name,
            succeeded: false,
            lroStatus: error.operationStatus,
            resultStatus: nil,
            assessmentActivityID: nil,
            rebootPending: nil,
            criticalAndSecurityPatchCount: nil,
            otherPatchCount: nil,
            assessmentStartedAt: nil,
            startedAt: startedAt,
            durationMilliseconds: elapsed.milliseconds,
            errorCode: error.apiError?.code ?? error.code.name,
            errorMessage: error.message,
            errorTarget: error.apiError?.target,
            errorDetailsJSON: encodeDetails(error.apiError?.details),
            requestID: error.requestID,
            correlationID: error.correlationID,
            patches: [],
            flags: []
        )
    }
}

extension PatchWrite {
    init(_ patch: SoftwarePatch) {
        self.init(
            patchID: patch.patchId,
            name: patch.name,
            version: patch.version,
            kbID: patch.kbId,
            classifications: patch.classifications ?? [],
            rebootBehavior: patch.rebootBehavior?.rawValue,
            activityID: patch.activityId,
            publishedDate: patch.publishedDate?.rawValue,
            lastModifiedDateTime: patch.lastModifiedDateTime?.rawValue,
            assessmentState: patch.assessmentState?.rawValue
        )
    }
}

private func encodeDetails(_ details: [APIErrorDetail]?) -> String? {
    guard let details, !details.isEmpty else { return nil }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(details)).map { String(decoding: $0, as: UTF8.self) }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
