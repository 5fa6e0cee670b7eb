/// Caps the assessments in flight, in total and per subscription. Take a slot before an assessment starts and give
/// it back when it ends, most simply with ``withSlot(subscription:isolation:_:)``.
///
/// Waiting requests are served in arrival order, except that one whose subscription is at its cap lets later
/// requests for other subscriptions go first.
public actor AssessmentSlots {
    /// The most assessments in flight in total, at least 1.
    public private(set) var globalLimit: Int
    /// The most assessments in flight per subscription, or nil for no cap beyond ``globalLimit``.
    public private(set) var perSubscriptionLimit: Int?

    /// Slots currently taken.
    public private(set) var inFlight = 0
    /// Requests currently waiting for a slot.
    public var waiting: Int { waiters.count }
    private var inFlightBySubscription: [String: Int] = [:]
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0

    private struct Waiter {
        let id: UInt64
        let subscription: String
        let granted: AsyncStream<Void>.Continuation
    }

    /// Creates slots with the given caps.
    /// - Precondition: `globalLimit` and `perSubscriptionLimit` (when set) are at least 1.
    public init(globalLimit: Int, perSubscriptionLimit: Int?) {
        precondition(globalLimit >= 1 && (perSubscriptionLimit ?? 1) >= 1, "assessment caps must be at least 1")
        self.globalLimit = globalLimit
        self.perSubscriptionLimit = perSubscriptionLimit
    }

    /// Creates slots capped by `scan.concurrency` in total and `rateLimits.maxConcurrentPerSubscription` per
    /// subscription.
    public init(settings: Settings) {
        self.init(
            globalLimit: settings.scan.concurrency,
            perSubscriptionLimit: settings.rateLimits.maxConcurrentPerSubscription
        )
    }

    /// Changes the caps (a configuration reload). Raised caps let waiters go at once; lowered ones take effect as
    /// assessments end, without stopping any in flight.
    /// - Precondition: `globalLimit` and `perSubscriptionLimit` (when set) are at least 1.
    public func setLimits(globalLimit: Int, perSubscriptionLimit: Int?) {
        precondition(globalLimit >= 1 && (perSubscriptionLimit ?? 1) >= 1, "assessment caps must be at least 1")
        self.globalLimit = globalLimit
        self.perSubscriptionLimit = perSubscriptionLimit
        dispatch()
    }

    /// The slots taken for `subscription` (compared case-insensitively).
    public func inFlight(subscription: String) -> Int {
        inFlightBySubscription[subscription.lowercased(), default: 0]
    }

    /// Takes a slot for an assessment in `subscription`, waiting until both caps allow it.
    /// - Throws: `CancellationError` when the task is cancelled before a slot is granted.
    public func acquire(subscription: String) async throws {
        try Task.checkCancellation()
        let key = subscription.lowercased()
        // Every waiter lacks room (``dispatch()`` runs after each release), so taking free room now skips nobody
        // who could use it.
        if hasRoom(key) {
            occupy(key)
            return
        }
        let (stream, granted) = AsyncStream.makeStream(of: Void.self)
        let id = nextWaiterID
        nextWaiterID &+= 1
        waiters.append(Waiter(id: id, subscription: key, granted: granted))
        for await _ in stream {
            return
        }
        // The stream ended without a slot: the task was cancelled.
        waiters.removeAll { $0.id == id }
        throw CancellationError()
    }

    /// Gives back a slot taken with ``acquire(subscription:)`` and hands it to the first waiter that may use it.
    public func release(subscription: String) {
        vacate(subscription.lowercased())
        dispatch()
    }

    /// Runs `body` holding a slot for `subscription`, and gives the slot back when it returns or throws.
    /// - Throws: `CancellationError` when cancelled while waiting for a slot, or what `body` throws.
    public func withSlot<T>(
        subscription: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async throws -> T {
        try await acquire(subscription: subscription)
        do {
            let value = try await body()
            await release(subscription: subscription)
            return value
        } catch {
            await release(subscription: subscription)
            throw error
        }
    }

    private func hasRoom(_ subscription: String) -> Bool {
        inFlight < globalLimit && inFlightBySubscription[subscription, default: 0] < (perSubscriptionLimit ?? .max)
    }

    private func occupy(_ subscription: String) {
        inFlight += 1
        inFlightBySubscription[subscription, default: 0] += 1
    }

    private func vacate(_ subscription: String) {
        guard let taken = inFlightBySubscription[subscription], taken > 0 else {
            assertionFailure("released a slot of subscription \(subscription) that was not taken")
            return
        }
        inFlight -= 1
        inFlightBySubscription[subscription] = taken == 1 ? nil : taken - 1
    }

    private func dispatch() {
        var index = 0
        while index < waiters.count, inFlight < globalLimit {
            let waiter = waiters[index]
            guard hasRoom(waiter.subscription) else {
                index += 1
                continue
            }
            waiters.remove(at: index)
            occupy(waiter.subscription)
            if case .terminated = waiter.granted.yield() {
                // Cancelled while waiting: the slot goes to the next waiter instead.
                vacate(waiter.subscription)
            } else {
                waiter.granted.finish()
            }
        }
    }
}
