/// An injected clock read as the time elapsed since a fixed origin, so that bucket state can be plain values.
struct ElapsedTimeline: Sendable {
    /// The time elapsed since the origin.
    let now: @Sendable () -> Duration
    /// Sleeps until the given time since the origin; throws `CancellationError` when the task is cancelled.
    let sleep: @Sendable (_ until: Duration) async throws -> Void
}

extension Clock where Duration == Swift.Duration {
    /// This clock's readings from now on, as time elapsed since now.
    func elapsedTimeline() -> ElapsedTimeline {
        let origin = now
        return ElapsedTimeline(
            now: { origin.duration(to: self.now) },
            sleep: { offset in try await self.sleep(until: origin.advanced(by: offset), tolerance: nil) }
        )
    }
}
