/// A point in time measured on an injected clock, after which work must stop.
struct Deadline: Sendable {
    /// Time left; negative once passed.
    let remaining: @Sendable () -> Duration
}

extension Clock where Duration == Swift.Duration {
    /// A deadline `limit` from now on this clock.
    func deadline(after limit: Duration) -> Deadline {
        let start = now
        return Deadline(remaining: { limit - start.duration(to: self.now) })
    }
}

/// Sleeps on an injected clock, mapping cancellation and the deadline to ``AzureError``.
struct Pacer: Sendable {
    let clock: any Clock<Duration>

    /// Sleeps `delay`, or throws `timedOut` at once when the deadline would pass first.
    func pause(_ delay: Duration, before deadline: Deadline?, while activity: String) async throws(AzureError) {
        if let deadline, deadline.remaining() < delay {
            throw AzureError(
                code: .timedOut,
                message: "gave up \(activity): the per-assessment deadline would pass before the next attempt; raise scan.deadline if assessments legitimately take longer"
            )
        }
        guard delay > .zero else {
            if Task.isCancelled { throw AzureError(code: .cancelled, message: "cancelled while \(activity)") }
            return
        }
        do {
            try await clock.sleep(for: delay)
        } catch {
            throw AzureError(code: .cancelled, message: "cancelled while \(activity)")
        }
    }
}
