/// When the daemon assesses each VM (`schedule`).
public struct ScheduleSettings: Sendable, Equatable {
    /// Default for ``interval``: 6 hours.
    public static let defaultInterval = Duration.seconds(6 * 3_600)
    /// Default for ``shutdownGrace``: 60 seconds, below systemd's default 90-second stop timeout.
    public static let defaultShutdownGrace = Duration.seconds(60)
    /// The shortest interval the configuration accepts: 1 minute.
    public static let minimumInterval = Duration.seconds(60)
    /// The longest interval the configuration accepts: 366 days.
    public static let maximumInterval = Duration.seconds(366 * 86_400)

    /// How often each VM is assessed unless its group says otherwise (`schedule.interval`).
    public var interval: Duration
    /// Per-group intervals (`schedule.groups.<group>`), keyed by the `group` of `vms` entries (case-sensitive).
    public var groupIntervals: [String: Duration]
    /// How long in-flight polls may run after SIGTERM before the daemon leaves them for the next start
    /// (`schedule.shutdownGrace`).
    public var shutdownGrace: Duration
    /// The window over which VMs never assessed before are spread (`schedule.firstScanSpread`); `nil` spreads them
    /// over their interval. `0s` starts them all at once, leaving the pacing to the rate limits.
    public var firstScanSpread: Duration?

    /// Creates schedule settings; every argument has the documented default.
    public init(
        interval: Duration = ScheduleSettings.defaultInterval,
        groupIntervals: [String: Duration] = [:],
        shutdownGrace: Duration = ScheduleSettings.defaultShutdownGrace,
        firstScanSpread: Duration? = nil
    ) {
        self.firstScanSpread = firstScanSpread
        self.interval = interval
        self.groupIntervals = groupIntervals
        self.shutdownGrace = shutdownGrace
    }

    /// The interval of a VM in `group`: the group's own interval, or ``interval`` when the VM has no group or its
    /// group has none.
    public func interval(forGroup group: String?) -> Duration {
        group.flatMap { groupIntervals[$0] } ?? interval
    }
}
