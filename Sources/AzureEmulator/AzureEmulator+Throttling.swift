/// Enforcing ``EmulatorBudgets``: ARM's subscription buckets, then the Compute RP's guest-patch and GetOperation
/// buckets, each answering 429 in the shape its layer uses; and the remaining-budget headers.
extension AzureEmulator {
    static let computeThrottleMessage = "The server rejected the request because too many requests have been received for this subscription."

    /// Makes the next `count` assessPatches POSTs in `subscription` (compared case-insensitively) get the Compute
    /// RP's 429 for policy `GuestPatchRegion3Min` with `Retry-After: retryAfterSeconds`, after ARM's buckets and
    /// before the Compute buckets (which they leave untouched). Other subscriptions are not affected; a later call
    /// replaces the count, and a count of 0 cancels it.
    public func throttle(subscription: String, retryAfterSeconds: Int, count: Int) {
        self.ledger.force(subscriptionID: subscription, retryAfterSeconds: retryAfterSeconds, count: count)
    }

    /// Passes an authenticated ARM request through its subscription's read or write buckets.
    ///
    /// - Parameter remaining: Set to the `x-ms-ratelimit-remaining-subscription-*` headers for the answer.
    /// - Returns: the 429 `SubscriptionRequestsThrottled` when a bucket is empty, `nil` when the request passes.
    func armThrottling(
        _ request: IncomingRequest,
        subscriptionID: String,
        now: ContinuousClock.Instant,
        remaining: inout [HeaderField]
    ) throws -> EmulatorResponse? {
        let isRead = request.method.uppercased() == "GET"
        let names: [BudgetName] = isRead ? [.armReads, .armGlobalReads] : [.armWrites, .armGlobalWrites]
        switch self.ledger.admit(names, scope: RequestScope(subscriptionID: subscriptionID), at: now) {
        case .admitted(let levels):
            remaining = Self.armRemainingHeaders(levels)
            return nil
        case .refused(let refusal):
            // Like ARM: the seconds until the bucket holds a token again, in whole seconds, at least 1.
            let retryAfter = max(1, Int(min(refusal.secondsUntilToken, 3_600).rounded(.up)))
            let actor = refusal.name == .armReads || refusal.name == .armWrites
                ? "subscription actor '\(self.principalObjectID)'" : "subscription '\(subscriptionID)'"
            var response = try EmulatorResponse.json(
                429,
                CloudErrorBody(
                    code: "SubscriptionRequestsThrottled",
                    message: "Number of '\(isRead ? "read" : "write")' requests for \(actor) exceeded. Please try again after '\(retryAfter)' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information."
                )
            )
            response.setHeader("Retry-After", String(retryAfter))
            for header in Self.armRemainingHeaders(refusal.levels) {
                response.setHeader(header.name, header.value)
            }
            response.throttledBy = refusal.name
            return response
        }
    }

    /// Passes a request that reached the Compute RP through `names`' buckets.
    ///
    /// - Parameter remaining: Set to the `x-ms-ratelimit-remaining-resource` value for the answer (`nil` when every
    ///   bucket of the group is unlimited).
    /// - Returns: the Compute 429 when a bucket is empty, `nil` when the request passes.
    func computeThrottling(
        _ names: [BudgetName],
        scope: RequestScope,
        now: ContinuousClock.Instant,
        remaining: inout String?
    ) throws -> EmulatorResponse? {
        switch self.ledger.admit(names, scope: scope, at: now) {
        case .admitted(let levels):
            remaining = Self.remainingResource(levels)
            return nil
        case .refused(let refusal):
            return try self.computeThrottled(
                refusal.name,
                allowedRequestCount: refusal.capacity,
                measuredRequestCount: refusal.measuredRequestCount,
                retryAfterSeconds: self.ledger.budgets.computeRetryAfterSeconds,
                levels: refusal.levels
            )
        }
    }

    /// The Compute RP's 429: `OperationNotAllowed` with `details[0]` `TooManyRequests`, `target` the policy and a
    /// JSON *string* as `message` describing the policy window.
    func computeThrottled(
        _ policy: BudgetName,
        allowedRequestCount: Int,
        measuredRequestCount: Int,
        retryAfterSeconds: Int,
        levels: [BudgetLedger.Level]
    ) throws -> EmulatorResponse {
        let start = AzureTimestamp.now()
        let end = start.adding(seconds: Int64(retryAfterSeconds))
        let window = "{\"operationGroup\":\"\(policy.policyName)\",\"startTime\":\"\(start.sevenDigitOffset)\",\"endTime\":\"\(end.sevenDigitOffset)\",\"allowedRequestCount\":\(allowedRequestCount),\"measuredRequestCount\":\(measuredRequestCount)}"
        var response = try EmulatorResponse.json(
            429,
            CloudErrorBody(
                code: "OperationNotAllowed",
                message: Self.computeThrottleMessage,
                details: [CloudErrorBody.Detail(code: "TooManyRequests", message: window, target: policy.policyName)]
            )
        )
        response.setHeader("Retry-After", String(retryAfterSeconds))
        if let remaining = Self.remainingResource(levels) {
            response.setHeader("x-ms-ratelimit-remaining-resource", remaining)
        }
        response.throttledBy = policy
        return response
    }

    /// The forced 429 of ``throttle(subscription:retryAfterSeconds:count:)``, when one is due for `subscriptionID`.
    func forcedSubscriptionThrottle(subscriptionID: String) throws -> EmulatorResponse? {
        guard let retryAfter = self.ledger.spendForcedThrottle(subscriptionID: subscriptionID) else { return nil }
        let capacity = self.ledger.budgets.guestPatchRegion?.capacity ?? 0
        return try self.computeThrottled(
            .guestPatchRegion,
            allowedRequestCount: capacity,
            measuredRequestCount: capacity + 1,
            retryAfterSeconds: retryAfter,
            levels: [BudgetLedger.Level(name: .guestPatchRegion, remaining: 0)]
        )
    }

    /// `Microsoft.Compute/GuestPatch3Min;5,Microsoft.Compute/GuestPatchRegion3Min;599`.
    static func remainingResource(_ levels: [BudgetLedger.Level]) -> String? {
        levels.isEmpty ? nil : levels.map { "Microsoft.Compute/\($0.name.policyName);\($0.remaining)" }.joined(separator: ",")
    }

    static func armRemainingHeaders(_ levels: [BudgetLedger.Level]) -> [HeaderField] {
        levels.map { HeaderField(name: "x-ms-ratelimit-remaining-\($0.name.policyName)", value: String($0.remaining)) }
    }
}
