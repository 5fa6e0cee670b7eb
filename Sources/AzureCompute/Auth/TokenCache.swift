import Logging

/// Caches one access token, refreshes it five minutes before it expires, and makes concurrent
/// callers share a single refresh.
///
/// If an early refresh fails while the cached token is still valid, the cached token keeps being used.
public actor TokenCache<C: Clock<Duration>>: AccessTokenProvider {
    private struct Cached {
        let value: String
        let refreshAt: C.Instant
        let expiresAt: C.Instant
    }

    private let credential: any TokenCredential
    private let scope: String
    private let clock: C
    private let refreshMargin: Duration
    private let logger: Logger
    private var cached: Cached?
    private var refresh: Task<AccessToken, any Error>?

    /// Creates a cache.
    /// - Parameters:
    ///   - credential: Where new tokens come from.
    ///   - scope: The OAuth scope, `{resourceManager}/.default`.
    ///   - clock: Measures token lifetimes.
    ///   - refreshMargin: How long before expiry to refresh (capped at half the token's lifetime).
    public init(
        credential: any TokenCredential,
        scope: String,
        clock: C,
        refreshMargin: Duration = .seconds(300),
        logger: Logger
    ) {
        self.credential = credential
        self.scope = scope
        self.clock = clock
        self.refreshMargin = refreshMargin
        self.logger = logger
    }

    public func token() async throws(AzureError) -> String {
        let now = clock.now
        if let cached, now < cached.refreshAt { return cached.value }
        let task = refresh ?? startRefresh()
        do {
            let fresh = try await task.value
            if refresh == task { refresh = nil }
            return store(fresh)
        } catch {
            if refresh == task { refresh = nil }
            if let cached, clock.now < cached.expiresAt {
                logger.warning("Token refresh failed; using the cached token until it expires", metadata: ["error": "\(error)"])
                return cached.value
            }
            if let error = error as? AzureError { throw error }
            if error is CancellationError {
                throw AzureError(code: .cancelled, message: "token request cancelled")
            }
            throw AzureError(code: .authenticationFailed, message: "token request failed: \(error)")
        }
    }

    public func invalidate(_ token: String) {
        if cached?.value == token { cached = nil }
    }

    private func startRefresh() -> Task<AccessToken, any Error> {
        let credential = self.credential
        let scope = self.scope
        // Owned by `refresh` and awaited by every caller: one network refresh however many callers wait.
        let task = Task { () async throws -> AccessToken in
            try await credential.requestToken(scope: scope)
        }
        refresh = task
        return task
    }

    private func store(_ token: AccessToken) -> String {
        let now = clock.now
        let margin = min(refreshMargin, token.expiresIn / 2)
        cached = Cached(
            value: token.value,
            refreshAt: now.advanced(by: token.expiresIn - margin),
            expiresAt: now.advanced(by: token.expiresIn)
        )
        return token.value
    }
}
