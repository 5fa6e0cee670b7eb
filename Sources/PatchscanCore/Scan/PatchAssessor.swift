import AzureCompute
import Logging

/// Runs one assessment on one VM. ``ComputeClient`` is the production implementation.
public protocol PatchAssessor: Sendable {
    /// Assesses `vm`, giving up after `deadline`; `onAccepted` sees the operation before the first poll.
    func assessPatches(
        vm: VMResourceID,
        location: String?,
        deadline: Duration,
        onAccepted: @Sendable (AcceptedOperation) async -> Void,
        logger: Logger
    ) async throws(AzureError) -> AssessPatchesResponse

    /// Resumes polling an operation accepted earlier, without starting a new assessment.
    func resumeAssessment(
        vm: VMResourceID,
        location: String?,
        operation: AcceptedOperation,
        deadline: Duration,
        logger: Logger
    ) async throws(AzureError) -> AssessPatchesResponse
}

extension ComputeClient: PatchAssessor {}
