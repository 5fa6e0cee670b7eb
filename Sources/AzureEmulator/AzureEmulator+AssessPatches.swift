/// `POST …/virtualMachines/{vm}/assessPatches`.
extension AzureEmulator {
    /// Where the polling URLs of `.foreignPollHost` VMs point.
    static let foreignPollBaseURL = "http://evil.example.invalid"

    func assessPatches(
        subscriptionID: String,
        resourceGroup: String,
        vmName: String,
        request: IncomingRequest,
        apiVersion: String,
        now: ContinuousClock.Instant
    ) throws -> EmulatorResponse {
        let key = "/subscriptions/\(subscriptionID)/resourceGroups/\(resourceGroup)/providers/Microsoft.Compute/virtualMachines/\(vmName)"
            .lowercased()
        guard let index = self.vmIndex(forKey: key), self.vms[index].behavior != .notFound else {
            return try self.missingResource(subscriptionID: subscriptionID, resourceGroup: resourceGroup, vmName: vmName)
        }
        let vm = self.vms[index]
        if vm.behavior == .forbidden {
            return try .json(
                403,
                CloudErrorBody(
                    code: "AuthorizationFailed",
                    message: "The client '\(self.configuration.clientID)' with object id '\(self.principalObjectID)' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/assessPatches/action' over scope '\(vm.resourceID)' or the scope is invalid. If access was recently granted, please refresh your credentials."
                )
            )
        }

        var runtime = self.runtimes[vm.key] ?? VMRuntime()
        runtime.postAttempts += 1
        self.runtimes[vm.key] = runtime

        var response = try self.computeAnswer(vm: vm, attempt: runtime.postAttempts, request: request, apiVersion: apiVersion, now: now)
        response.delay += vm.behavior.extraLatency
        return response
    }

    /// What the Compute RP answers a POST that passed ARM: forced 429s first (they spend no Compute token), then
    /// the guest-patch buckets, then the VM's state.
    private func computeAnswer(
        vm: EmulatedVM,
        attempt: Int,
        request: IncomingRequest,
        apiVersion: String,
        now: ContinuousClock.Instant
    ) throws -> EmulatorResponse {
        if let forced = try self.forcedSubscriptionThrottle(subscriptionID: vm.subscriptionID) {
            return forced
        }
        if let forced = try self.forcedThrottle(for: vm, attempt: attempt) {
            return forced
        }
        var remaining: String?
        let scope = RequestScope(subscriptionID: vm.subscriptionID, location: vm.location, vmResourceID: vm.key)
        if let throttled = try self.computeThrottling([.guestPatchVM, .guestPatchRegion], scope: scope, now: now, remaining: &remaining) {
            return throttled
        }
        var response = try self.rejection(for: vm, attempt: attempt)
            ?? self.accept(vm: vm, request: request, apiVersion: apiVersion)
        if let remaining {
            response.setHeader("x-ms-ratelimit-remaining-resource", remaining)
        }
        return response
    }

    /// The 404 for a subscription, resource group or VM that does not exist.
    func missingResource(subscriptionID: String, resourceGroup: String, vmName: String) throws -> EmulatorResponse {
        guard self.hasSubscription(subscriptionID) else {
            return try .json(404, CloudErrorBody(code: "SubscriptionNotFound", message: "The subscription '\(subscriptionID)' could not be found."))
        }
        guard self.hasResourceGroup(resourceGroup, in: subscriptionID) else {
            return try .json(404, CloudErrorBody(code: "ResourceGroupNotFound", message: "Resource group '\(resourceGroup)' could not be found."))
        }
        return try .json(
            404,
            CloudErrorBody(
                code: "ResourceNotFound",
                message: "The Resource 'Microsoft.Compute/virtualMachines/\(vmName)' under resource group '\(resourceGroup)' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
            )
        )
    }

    /// The 429 of a `.armThrottled` or `.computeThrottled` VM, while its forced count lasts.
    private func forcedThrottle(for vm: EmulatedVM, attempt: Int) throws -> EmulatorResponse? {
        switch vm.behavior {
        case .armThrottled(let times, let retryAfter) where attempt <= times:
            var response = try EmulatorResponse.json(
                429,
                CloudErrorBody(
                    code: "SubscriptionRequestsThrottled",
                    message: "Number of 'write' requests for subscription actor '\(self.principalObjectID)' exceeded. Please try again after '\(retryAfter)' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information."
                )
            )
            response.setHeader("Retry-After", String(retryAfter))
            response.setHeader("x-ms-ratelimit-remaining-subscription-writes", "0")
            response.throttledBy = .armWrites
            return response

        case .computeThrottled(let times, let retryAfter) where attempt <= times:
            let capacity = self.ledger.budgets.guestPatchVM?.capacity ?? 0
            return try self.computeThrottled(
                .guestPatchVM,
                allowedRequestCount: capacity,
                measuredRequestCount: capacity + attempt,
                retryAfterSeconds: retryAfter,
                levels: [BudgetLedger.Level(name: .guestPatchVM, remaining: 0)]
            )

        default:
            return nil
        }
    }

    /// The error a POST that passed throttling gets before any operation starts, or `nil` when it is accepted.
    private func rejection(for vm: EmulatedVM, attempt: Int) throws -> EmulatorResponse? {
        switch vm.behavior {
        case .serverError(let times, let status, let retryAfter) where attempt <= times:
            var response = try EmulatorResponse.json(status, Self.serverErrorBody(status: status, vm: vm))
            if let retryAfter {
                response.setHeader("Retry-After", String(retryAfter))
            }
            return response

        case .deallocated:
            return try .json(
                409,
                CloudErrorBody(
                    code: "OperationNotAllowed",
                    message: "Operation 'assessPatches' is not allowed on VM '\(vm.name)' since the VM is either deallocated or marked to be deallocated."
                )
            )

        case .stopped:
            return try .json(
                409,
                CloudErrorBody(code: "OperationNotAllowed", message: "The operation requires the VM to be running (or set to run).")
            )

        default:
            if let activeID = self.runtimes[vm.key]?.activeOperationID, let active = self.operations[activeID], !active.isTerminal {
                return try .json(
                    409,
                    CloudErrorBody(
                        code: "OperationNotAllowed",
                        message: "Operation 'assessPatches' is not allowed on VM '\(vm.name)' since another operation is in progress."
                    )
                )
            }
            return nil
        }
    }

    /// Starts the operation (202) or, for `.synchronous` VMs, answers with the result (200).
    private func accept(vm: EmulatedVM, request: IncomingRequest, apiVersion: String) throws -> EmulatorResponse {
        if vm.behavior == .synchronous {
            return try .json(200, vm.result)
        }
        let operationID = self.newGUID()
        let baseURL = vm.behavior == .foreignPollHost ? Self.foreignPollBaseURL : request.baseURL
        let asyncOperationURL = "\(baseURL)/subscriptions/\(vm.subscriptionID)/providers/Microsoft.Compute/locations/\(vm.location)/operations/\(operationID)?p=\(self.newGUID())&api-version=\(apiVersion)"
        let locationURL = "\(asyncOperationURL)&monitor=true"

        let outcome: OperationRecord.Outcome
        var pollErrors = 0
        switch vm.behavior {
        case .lroFailed:
            outcome = .failed(code: "VMGuestPatchInternalError", message: "An internal execution error occurred. Please retry later.")
        case .lroCanceled:
            outcome = .canceled(code: "OperationPreempted", message: "Operation execution has been preempted by a more recent operation.")
        case .neverCompletes:
            outcome = .never
        case .operationLost:
            outcome = .lost
        case .malformedResult:
            outcome = .succeeded(result: vm.result, malformed: true)
        case .pollServerError(let times):
            pollErrors = max(0, times)
            outcome = .succeeded(result: vm.result, malformed: false)
        default:
            outcome = .succeeded(result: vm.result, malformed: false)
        }
        self.operations[operationID] = OperationRecord(
            id: operationID,
            vm: vm,
            asyncOperationURL: asyncOperationURL,
            locationURL: locationURL,
            outcome: outcome,
            startTime: AzureTimestamp.now(),
            extraLatency: vm.behavior.extraLatency,
            pollErrors: pollErrors
        )
        // A lost operation, or one whose polls go elsewhere, must not block the VM forever.
        let blocksVM: Bool
        switch vm.behavior {
        case .operationLost, .foreignPollHost: blocksVM = false
        default: blocksVM = true
        }
        if blocksVM {
            self.runtimes[vm.key]?.activeOperationID = operationID
        }

        var response = EmulatorResponse(status: 202)
        if vm.behavior != .locationOnly {
            response.setHeader("Azure-AsyncOperation", asyncOperationURL)
        }
        if vm.behavior != .asyncOperationOnly {
            response.setHeader("Location", locationURL)
        }
        response.setHeader("Retry-After", String(self.configuration.retryAfterSeconds))
        response.setHeader("Azure-AsyncNotification", "Enabled")
        return response
    }

    /// ARM's body for a 5xx (or 408) from the front door or the Compute RP.
    static func serverErrorBody(status: Int, vm: EmulatedVM) -> CloudErrorBody {
        switch status {
        case 408:
            CloudErrorBody(code: "RequestTimeout", message: "The request timed out. Diagnostic information: subscription id '\(vm.subscriptionID)'.")
        case 502:
            CloudErrorBody(code: "BadGateway", message: "The gateway did not receive a response from 'Microsoft.Compute' within the specified time period.")
        case 503:
            CloudErrorBody(
                code: "ServiceUnavailable",
                message: "The server (leader) is currently unable to handle the request due to a temporary overloading or maintenance. Please retry later."
            )
        case 504:
            CloudErrorBody(code: "GatewayTimeout", message: "The gateway did not receive a response from 'Microsoft.Compute' within the specified time period.")
        default:
            CloudErrorBody(
                code: "InternalServerError",
                message: "Encountered internal server error. Diagnostic information: subscription id '\(vm.subscriptionID)', resource '\(vm.name)'."
            )
        }
    }
}
