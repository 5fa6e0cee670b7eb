import Foundation

/// Where the daemon reports its progress: systemd notifications and metrics, wired by the composition root.
public struct DaemonReporter: Sendable {
    /// The database is open and the first schedule computed.
    public var ready: @Sendable () -> Void
    /// A one-line human status (`STATUS=` for systemd).
    public var status: @Sendable (String) -> Void
    /// The scheduling loop is alive (`WATCHDOG=1`).
    public var alive: @Sendable () -> Void
    /// Shutdown has begun.
    public var stopping: @Sendable () -> Void
    /// A cycle finished: its duration, and when.
    public var cycleFinished: @Sendable (_ duration: Duration, _ at: Date) -> Void
    /// At startup: when the last completed run in the database finished (a cycle of an earlier process, or a
    /// manual scan).
    public var previousCycleFinished: @Sendable (_ at: Date) -> Void
    /// VMs whose latest result is flagged, by flag kind.
    public var flaggedVMs: @Sendable ([FlagKind: Int]) -> Void
    /// VMs configured, due now and being assessed.
    public var vmCounts: @Sendable (_ configured: Int, _ due: Int, _ inFlight: Int) -> Void

    /// Creates a reporter; every callback defaults to doing nothing.
    public init(
        ready: @escaping @Sendable () -> Void = {},
        status: @escaping @Sendable (String) -> Void = { _ in },
        alive: @escaping @Sendable () -> Void = {},
        stopping: @escaping @Sendable () -> Void = {},
        cycleFinished: @escaping @Sendable (Duration, Date) -> Void = { _, _ in },
        previousCycleFinished: @escaping @Sendable (Date) -> Void = { _ in },
        flaggedVMs: @escaping @Sendable ([FlagKind: Int]) -> Void = { _ in },
        vmCounts: @escaping @Sendable (Int, Int, Int) -> Void = { _, _, _ in }
    ) {
        self.ready = ready
        self.status = status
        self.alive = alive
        self.stopping = stopping
        self.cycleFinished = cycleFinished
        self.previousCycleFinished = previousCycleFinished
        self.flaggedVMs = flaggedVMs
        self.vmCounts = vmCounts
    }
}
