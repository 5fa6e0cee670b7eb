import Logging

/// What a request is, so a ``RequestThrottle`` can charge the budgets it draws on.
public struct RequestContext: Sendable, Hashable {
    /// The kind of request.
    public struct Operation: Hashable, Sendable, CustomStringConvertible {
        /// Stable name, also used as a metric label.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The assessPatches POST: an ARM write and a Compute guest-patch operation.
        public static let assessPatches = Operation("assess_patches")
        /// A GET of an operation's status or Location URL: an ARM read and a Compute GetOperation.
        public static let pollOperation = Operation("poll_operation")
    }

    /// The kind of request.
    public var operation: Operation
    /// The VM the request is about.
    public var vm: VMResourceID
    /// The VM's Azure region, when known (Compute's budgets are per region).
    public var location: String?

    /// Creates a context.
    public init(operation: Operation, vm: VMResourceID, location: String?) {
        self.operation = operation
        self.vm = vm
        self.location = location
    }
}

/// Client-side rate limiting: waits before a request until its budgets allow it, and learns from responses
/// (remaining-budget headers, 429 `Retry-After`).
public protocol RequestThrottle: Sendable {
    /// Suspends until `context`'s request may be sent.
    ///
    /// - Parameter limit: The longest the caller can wait (what is left of its deadline); `nil` for no limit.
    /// - Throws: ``RateLimitWaitTooLong`` at once, without waiting, when the request could not go within `limit`;
    ///   `CancellationError` when the task is cancelled.
    func acquire(for context: RequestContext, waitingAtMost limit: Duration?) async throws
    /// Reads what a response says about the budgets `context` drew on.
    func observe(_ response: TransportResponse, for context: RequestContext) async
}

/// No client-side limits: every request goes at once.
public struct UnthrottledRequests: RequestThrottle {
    /// Creates the no-op throttle.
    public init() {}
    public func acquire(for context: RequestContext, waitingAtMost limit: Duration?) async throws {}
    public func observe(_ response: TransportResponse, for context: RequestContext) async {}
}

/// A request's budget would not allow it before the caller's deadline, so the throttle did not wait.
public struct RateLimitWaitTooLong: Error, Sendable, Equatable {
    /// How long the request would have waited, at least.
    public var wait: Duration
    /// The longest the caller could wait.
    public var limit: Duration

    /// Creates the error.
    public init(wait: Duration, limit: Duration) {
        self.wait = wait
        self.limit = limit
    }
}
