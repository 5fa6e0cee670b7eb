import Foundation

extension SchedulePlanner {
    /// The longest wait before a failed assessment is tried again.
    static let maximumRetryDelay = Duration.seconds(30 * 60)

    /// When a VM whose assessment failed is due again: after its interval or 30 minutes, whichever is shorter, so
    /// a throttled or briefly stopped VM is not left stale for a whole interval.
    public func retryDue(afterFailureAt failedAt: Date, group: String?) -> Date {
        let delay = min(settings.interval(forGroup: group), Self.maximumRetryDelay)
        return failedAt.addingTimeInterval(TimeInterval(delay.components.seconds))
    }
}
