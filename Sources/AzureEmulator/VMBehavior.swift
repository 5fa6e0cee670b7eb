/// The operating system of an emulated VM; it decides the shape of the generated patches.
public enum OSType: String, Sendable, Hashable, Codable {
    /// Windows Update style patches: GUID `patchId`, `version: ""`, a `kbId`.
    case windows = "Windows"
    /// Linux patch extension style patches: `name_version_osversion` ids, a distro `version`, no `kbId`.
    case linux = "Linux"
}

/// How an emulated VM answers assessPatches and the polls of its operations.
///
/// Behaviours that fail the first `times` POSTs count POSTs from the moment the behaviour was set
/// (fleet generation or ``AzureEmulator/setBehavior(_:forVM:)``).
public enum VMBehavior: Sendable, Hashable {
    /// 202, polls answer `InProgress` then `Succeeded`, the Location GET returns the result.
    case healthy
    /// 409 `OperationNotAllowed`: "… since the VM is either deallocated or marked to be deallocated."
    case deallocated
    /// 409 `OperationNotAllowed`: "The operation requires the VM to be running (or set to run)."
    case stopped
    /// The operation ends `Failed` with `VMGuestPatchInternalError`; the Location GET answers 500 with that error.
    case lroFailed
    /// The operation ends `Canceled` with `OperationPreempted`; the Location GET answers 409 with that error.
    case lroCanceled
    /// The operation succeeds; the result has status `CompletedWithWarnings`, a truncated patch list and
    /// `error.details[0].code == "PACKAGE_LIST_TRUNCATED"` (see ``EmulatedVM/generate(subscriptionID:resourceGroup:name:location:osType:behavior:seed:)``).
    case completedWithWarnings
    /// The operation succeeds; the result has status `Failed`, an `error` and no patches.
    case resultFailed
    /// The operation succeeds; some patches carry `rebootBehavior` / `assessmentState` values outside the documented enums.
    case unknownEnums
    /// The Location GET answers 200 with a truncated, invalid JSON body.
    case malformedResult
    /// The first `times` POSTs get the Compute RP's 429 (`OperationNotAllowed` with `details[0].code == "TooManyRequests"`).
    case computeThrottled(times: Int, retryAfter: Int)
    /// The first `times` POSTs get ARM's 429 `SubscriptionRequestsThrottled`.
    case armThrottled(times: Int, retryAfter: Int)
    /// The first `times` POSTs get `status` (a 5xx or 408), with `Retry-After` when `retryAfter` is set.
    case serverError(times: Int, status: Int, retryAfter: Int?)
    /// The first `times` polls of each operation answer 503 (status unknown); later polls are normal.
    case pollServerError(times: Int)
    /// The POST is accepted, but every poll answers 404 as if the operation id were unknown.
    case operationLost
    /// 403 `AuthorizationFailed` naming `Microsoft.Compute/virtualMachines/assessPatches/action`.
    case forbidden
    /// 404 `ResourceNotFound`, as for a VM that does not exist (it is also left out of VM listings).
    case notFound
    /// The POST answers 200 with the result inline.
    case synchronous
    /// 202 with a `Location` header only.
    case locationOnly
    /// 202 with an `Azure-AsyncOperation` header only; the succeeded status carries `properties.output`.
    case asyncOperationOnly
    /// The operation stays `InProgress` forever (and the VM stays busy).
    case neverCompletes
    /// 202 whose polling URLs point at `http://evil.example.invalid/…`, to test that clients refuse foreign hosts.
    case foreignPollHost
    /// Healthy, with this much extra latency on the VM's responses (POST and polls).
    case slow(Duration)
}

extension VMBehavior {
    /// The latency `.slow` adds to the VM's responses; zero for every other behaviour.
    var extraLatency: Duration {
        if case .slow(let latency) = self {
            return latency
        }
        return .zero
    }
}
