/// One assessPatches long-running operation.
struct OperationRecord: Sendable {
    /// How the operation ends.
    enum Outcome: Sendable {
        /// Succeeds with `result`; `malformed` makes the Location GET answer invalid JSON.
        case succeeded(result: EmulatedResult, malformed: Bool)
        case failed(code: String, message: String)
        case canceled(code: String, message: String)
        /// Stays `InProgress` forever.
        case never
        /// Every poll answers 404.
        case lost
    }

    let id: String
    let vmKey: String
    let vmName: String
    let subscriptionID: String
    let location: String
    let asyncOperationURL: String
    let locationURL: String
    let outcome: Outcome
    let startTime: AzureTimestamp
    /// Latency added to every poll of this operation (the VM's `.slow` duration).
    let extraLatency: Duration
    var endTime: AzureTimestamp?
    /// Polls answered `InProgress` so far, across both URLs.
    var pollsAnswered = 0
    /// Polls still to be answered 503 before normal answers.
    var pollErrorsRemaining: Int

    init(
        id: String,
        vm: EmulatedVM,
        asyncOperationURL: String,
        locationURL: String,
        outcome: Outcome,
        startTime: AzureTimestamp,
        extraLatency: Duration,
        pollErrors: Int
    ) {
        self.id = id
        self.vmKey = vm.key
        self.vmName = vm.name
        self.subscriptionID = vm.subscriptionID
        self.location = vm.location
        self.asyncOperationURL = asyncOperationURL
        self.locationURL = locationURL
        self.outcome = outcome
        self.startTime = startTime
        self.extraLatency = extraLatency
        self.pollErrorsRemaining = pollErrors
    }

    var isTerminal: Bool {
        self.endTime != nil
    }

    /// The status resource's `status` once terminal.
    var terminalStatus: String {
        switch self.outcome {
        case .succeeded: "Succeeded"
        case .failed: "Failed"
        case .canceled: "Canceled"
        case .never, .lost: "InProgress"
        }
    }
}
