/// How the client retries transient failures and paces operation polls.
public struct RetryPolicy: Sendable {
    /// Attempts for one request, including the first.
    public var maxAttempts: Int
    /// First backoff delay when the response names none; doubles per attempt.
    public var baseDelay: Duration
    /// Upper bound of a computed backoff delay.
    public var maxBackoff: Duration
    /// Upper bound of a server-requested `Retry-After`; a longer request fails the call as throttled.
    public var maxRetryAfter: Duration
    /// Poll delay when the operation response has no `Retry-After` (ARM's documented default is 60 s; SDKs use 30 s).
    public var defaultPollInterval: Duration
    /// Shortest delay between polls; a smaller `Retry-After` is raised to it.
    public var pollIntervalFloor: Duration
    /// Longest delay between polls; a larger `Retry-After` is lowered to it.
    public var pollIntervalCeiling: Duration
    /// Adds jitter to a delay. The default adds up to 10 %; tests pass the identity.
    public var jitter: @Sendable (Duration) -> Duration

    /// Creates a policy; defaults follow the Azure SDKs (0.8 s base, 60 s cap, 10 tries).
    public init(
        maxAttempts: Int = 10,
        baseDelay: Duration = .milliseconds(800),
        maxBackoff: Duration = .seconds(60),
        maxRetryAfter: Duration = .seconds(1800),
        defaultPollInterval: Duration = .seconds(30),
        pollIntervalFloor: Duration = .seconds(5),
        pollIntervalCeiling: Duration = .seconds(120),
        jitter: @escaping @Sendable (Duration) -> Duration = RetryPolicy.proportionalJitter
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.defaultPollInterval = defaultPollInterval
        self.pollIntervalFloor = pollIntervalFloor
        self.pollIntervalCeiling = pollIntervalCeiling
        self.jitter = jitter
    }

    /// Adds a random 0–10 % to a delay so that many clients do not retry in lockstep.
    public static let proportionalJitter: @Sendable (Duration) -> Duration = { delay in
        delay + delay * Double.random(in: 0..<0.1)
    }

    /// Backoff before retry number `retry` (1-based): the server's request when given, else exponential.
    func backoff(retry: Int, requested: Duration?) -> Duration {
        if let requested { return jitter(requested) }
        let exponent = min(retry - 1, 30)
        let computed = baseDelay * (1 << exponent)
        return jitter(min(computed, maxBackoff))
    }

    /// Delay before the next poll: the server's request (or the default) clamped to floor and ceiling.
    func pollDelay(requested: Duration?) -> Duration {
        let wanted = requested ?? defaultPollInterval
        return jitter(min(max(wanted, pollIntervalFloor), pollIntervalCeiling))
    }
}
