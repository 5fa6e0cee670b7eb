import Logging
import NIOHTTP1

/// Sends one logical request with retries for transient failures.
///
/// A non-idempotent request (the assessPatches POST) is retried only when the response shows that no
/// operation was started: a 429 or 503, any response with `Retry-After`, or a connection that was never made.
/// A blind POST retry could start a second assessment.
struct RetryingSender: Sendable {
    static let transientStatuses: Set<UInt> = [408, 429, 500, 502, 503, 504]

    let transport: any HTTPTransport
    let policy: RetryPolicy
    let pacer: Pacer

    /// Sends the request `build` produces (called again for each attempt, e.g. to attach a fresh token),
    /// showing every response to `observe` (e.g. to learn rate-limit headers).
    /// Returns the last response, which may still be an error status; throws only when no response arrived.
    func send(
        idempotent: Bool,
        deadline: Deadline?,
        activity: String,
        logger: Logger,
        build: () async throws(AzureError) -> TransportRequest,
        observe: (TransportResponse) async -> Void = { _ in }
    ) async throws(AzureError) -> TransportResponse {
        var attempt = 1
        while true {
            let request = try await build()
            let outcome: Result<TransportResponse, TransportError>
            do {
                outcome = .success(try await transport.send(request))
            } catch {
                outcome = .failure(error)
            }
            let retryDelay: Duration
            switch outcome {
            case .success(let response):
                await observe(response)
                guard attempt < policy.maxAttempts, Self.transientStatuses.contains(response.status.code) else {
                    return response
                }
                let requested = requestedRetryDelay(in: response.headers)
                let retryable =
                    idempotent || response.status == .tooManyRequests || response.status == .serviceUnavailable
                    || requested != nil
                guard retryable else { return response }
                if let requested, requested > policy.maxRetryAfter { return response }
                retryDelay = policy.backoff(retry: attempt, requested: requested)
                if let deadline, deadline.remaining() < retryDelay { return response }
                logger.debug(
                    "Retrying after a transient response",
                    metadata: [
                        "http.status": "\(response.status.code)", "retry.attempt": "\(attempt)",
                        "retry.delay": "\(retryDelay)", "activity": "\(activity)",
                    ]
                )
            case .failure(let error):
                guard attempt < policy.maxAttempts, idempotent || error.requestNotSent else {
                    throw AzureError(
                        code: .transport,
                        message: "\(activity) failed after \(attempt) attempt(s): \(error.reason); check network access to Azure"
                    )
                }
                retryDelay = policy.backoff(retry: attempt, requested: nil)
                logger.debug(
                    "Retrying after a transport error",
                    metadata: ["error": "\(error.reason)", "retry.attempt": "\(attempt)", "activity": "\(activity)"]
                )
            }
            try await pacer.pause(retryDelay, before: deadline, while: activity)
            attempt += 1
        }
    }
}
