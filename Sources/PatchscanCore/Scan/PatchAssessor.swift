import AzureCompute
import Logging

/// Runs one assessment on one VM. ``ComputeClient`` is the production implementation.
public protocol PatchAssessor: Sendable {
    /// Assesses `vm`, giving up after `deadline`.
    func assessPatches(vm: VMResourceID, deadline: Duration, logger: Logger) async throws(AzureError) -> AssessPatchesResponse
}

extension ComputeClient: PatchAssessor {}
