import PatchscanStore

/// What the runner reports as assessments progress, for metrics and the daemon's status line.
public struct AssessmentObserver: Sendable {
    /// Called once per recorded outcome.
    public var finished: @Sendable (ScanSummary.VMOutcome) -> Void
    /// Long-running operations being polled.
    public var operations: OperationsInFlight

    /// Creates an observer.
    public init(
        finished: @escaping @Sendable (ScanSummary.VMOutcome) -> Void = { _ in },
        operations: OperationsInFlight = OperationsInFlight()
    ) {
        self.finished = finished
        self.operations = operations
    }
}

/// The VMs whose accepted operation is being polled; each start is matched by exactly one end.
public actor OperationsInFlight {
    private var vmIDs: Set<Int64> = []
    private let onStart: @Sendable () -> Void
    private let onEnd: @Sendable () -> Void

    /// Creates a tracker whose callbacks move a gauge.
    public init(onStart: @escaping @Sendable () -> Void = {}, onEnd: @escaping @Sendable () -> Void = {}) {
        self.onStart = onStart
        self.onEnd = onEnd
    }

    func started(_ vmID: Int64) {
        if vmIDs.insert(vmID).inserted { onStart() }
    }

    func ended(_ vmID: Int64) {
        if vmIDs.remove(vmID) != nil { onEnd() }
    }
}
