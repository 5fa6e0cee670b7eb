import Testing

/// Real time, except that a long sleep first waits for a gate: a test holds a pause (a Retry-After, say) open
/// until the events it wants to see during the pause have happened, however slowly the machine runs.
///
/// Short sleeps (poll intervals) pass straight through. A long sleep still ends no earlier than its deadline.
/// So that a broken client fails rather than hangs, the gate gives way after `giveUpAfter` of real time, recording
/// a test issue.
struct GatedClock: Clock {
    typealias Instant = ContinuousClock.Instant
    typealias Duration = Swift.Duration

    private let base = ContinuousClock()
    /// Sleeps at least this long wait for the gate.
    let gatedFrom: Duration
    let giveUpAfter: Duration
    let gate: @Sendable () async -> Void

    init(gatingSleepsOf gatedFrom: Duration, giveUpAfter: Duration = .seconds(30), gate: @escaping @Sendable () async -> Void) {
        self.gatedFrom = gatedFrom
        self.giveUpAfter = giveUpAfter
        self.gate = gate
    }

    var now: Instant { base.now }
    var minimumResolution: Duration { base.minimumResolution }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        if base.now.duration(to: deadline) >= gatedFrom {
            let (gate, giveUpAfter, base) = (self.gate, self.giveUpAfter, self.base)
            let opened = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await gate()
                    return true
                }
                group.addTask {
                    try? await base.sleep(for: giveUpAfter)
                    return false
                }
                defer { group.cancelAll() }
                return await group.next() ?? false
            }
            if !opened && !Task.isCancelled {
                Issue.record("A gated sleep gave up after \(giveUpAfter): the gate's condition never came true")
            }
        }
        try await base.sleep(until: deadline, tolerance: tolerance)
    }
}
