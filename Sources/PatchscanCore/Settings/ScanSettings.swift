/// How hard and how long patchscan works on a scan.
public struct ScanSettings: Sendable, Equatable {
    /// Default for ``concurrency``.
    public static let defaultConcurrency = 16
    /// Default for ``deadline``: 75 minutes.
    public static let defaultDeadline = Duration.seconds(75 * 60)
    /// Default for ``pollIntervalFloor``.
    public static let defaultPollIntervalFloor = Duration.seconds(5)
    /// Default for ``pollIntervalCeiling``.
    public static let defaultPollIntervalCeiling = Duration.seconds(120)

    /// The most assessments in flight at once (`scan.concurrency`), at least 1.
    public var concurrency: Int
    /// The overall deadline of one VM's assessment, from request to result (`scan.deadline`).
    public var deadline: Duration
    /// The shortest wait between two polls of an operation; a smaller `Retry-After` is raised to it
    /// (`scan.pollInterval.floor`).
    public var pollIntervalFloor: Duration
    /// The longest wait between two polls of an operation; a larger `Retry-After` is lowered to it
    /// (`scan.pollInterval.ceiling`).
    public var pollIntervalCeiling: Duration

    /// Creates scan settings; every argument has the documented default.
    public init(
        concurrency: Int = ScanSettings.defaultConcurrency,
        deadline: Duration = ScanSettings.defaultDeadline,
        pollIntervalFloor: Duration = ScanSettings.defaultPollIntervalFloor,
        pollIntervalCeiling: Duration = ScanSettings.defaultPollIntervalCeiling
    ) {
        self.concurrency = concurrency
        self.deadline = deadline
        self.pollIntervalFloor = pollIntervalFloor
        self.pollIntervalCeiling = pollIntervalCeiling
    }
}
