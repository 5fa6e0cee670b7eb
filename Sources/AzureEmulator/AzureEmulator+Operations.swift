/// `GET` of the Azure-AsyncOperation (status) and Location (result) URLs.
extension AzureEmulator {
    /// What a poll of `operationID` in that subscription and region is about: its VM when the operation is
    /// known there (an operation read from another subscription or region is unknown).
    func pollScope(subscriptionID: String, location: String, operationID: String) -> RequestScope {
        let operation = self.operations[operationID.lowercased()].flatMap { operation in
            operation.subscriptionID.lowercased() == subscriptionID.lowercased()
                && operation.location.lowercased() == location.lowercased() ? operation : nil
        }
        return RequestScope(subscriptionID: subscriptionID, location: location, vmResourceID: operation?.vmKey)
    }

    /// Answers a poll after the GetOperation buckets of `scope` (the poll's VM and region) admitted it.
    func pollOperation(
        operationID: String,
        scope: RequestScope,
        isResult: Bool,
        now: ContinuousClock.Instant
    ) throws -> EmulatorResponse {
        var remaining: String?
        if let throttled = try self.computeThrottling([.getOperationVM, .getOperationRegion], scope: scope, now: now, remaining: &remaining) {
            return throttled
        }
        guard scope.vmResourceID != nil, var operation = self.operations[operationID.lowercased()] else {
            return try Self.operationNotFound()
        }
        if case .lost = operation.outcome {
            return try Self.operationNotFound()
        }
        var response = try self.advance(&operation, isResult: isResult)
        self.operations[operation.id] = operation
        if let remaining {
            response.setHeader("x-ms-ratelimit-remaining-resource", remaining)
        }
        response.setHeader("Retry-After", String(self.configuration.retryAfterSeconds))
        response.delay += operation.extraLatency
        return response
    }

    /// Counts the poll, moves the operation to its terminal state when due, and builds the answer.
    private func advance(_ operation: inout OperationRecord, isResult: Bool) throws -> EmulatorResponse {
        if operation.pollErrorsRemaining > 0 {
            operation.pollErrorsRemaining -= 1
            return try .json(
                503,
                CloudErrorBody(
                    code: "ServiceUnavailable",
                    message: "The server is currently unable to read the status of operation '\(operation.id)'. Please retry later."
                )
            )
        }
        if !operation.isTerminal {
            var neverEnds = false
            if case .never = operation.outcome {
                neverEnds = true
            }
            if neverEnds || operation.pollsAnswered < self.configuration.pollsUntilComplete {
                operation.pollsAnswered += 1
            } else {
                operation.endTime = AzureTimestamp.now()
                if self.runtimes[operation.vmKey]?.activeOperationID == operation.id {
                    self.runtimes[operation.vmKey]?.activeOperationID = nil
                }
            }
        }
        return isResult ? try Self.resultAnswer(operation) : try Self.statusAnswer(operation)
    }

    /// The Azure-AsyncOperation answer: always 200 with the status resource.
    private static func statusAnswer(_ operation: OperationRecord) throws -> EmulatorResponse {
        guard let endTime = operation.endTime else {
            return try .json(
                200,
                OperationStatusBody(startTime: operation.startTime.sevenDigitOffset, status: "InProgress", name: operation.id)
            )
        }
        var body = OperationStatusBody(
            startTime: operation.startTime.sevenDigitOffset,
            endTime: endTime.sevenDigitOffset,
            status: operation.terminalStatus,
            name: operation.id
        )
        switch operation.outcome {
        case .succeeded(let result, let malformed):
            // A malformed result cannot be embedded in valid JSON, so only the Location GET carries it.
            body.properties = malformed ? nil : OperationStatusBody.Properties(output: result)
        case .failed(let code, let message), .canceled(let code, let message):
            body.error = CloudErrorBody.Detail(code: code, message: message)
        case .never, .lost:
            break
        }
        return try .json(200, body)
    }

    /// The Location answer: 202 while running, then what the synchronous call would have returned.
    private static func resultAnswer(_ operation: OperationRecord) throws -> EmulatorResponse {
        guard operation.isTerminal else {
            var response = EmulatorResponse(status: 202)
            response.setHeader("Location", operation.locationURL)
            return response
        }
        switch operation.outcome {
        case .succeeded(let result, let malformed):
            var response = try EmulatorResponse.json(200, result)
            if malformed {
                response.body = Array(response.body.prefix(response.body.count / 2))
            }
            return response
        case .failed(let code, let message):
            return try .json(500, CloudErrorBody(code: code, message: message))
        case .canceled(let code, let message):
            return try .json(409, CloudErrorBody(code: code, message: message))
        case .never, .lost:
            return try Self.operationNotFound()
        }
    }

    private static func operationNotFound() throws -> EmulatorResponse {
        try .json(404, CloudErrorBody(code: "NotFound", message: "The entity was not found in this Azure location."))
    }
}
