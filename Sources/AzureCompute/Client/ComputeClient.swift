import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Settings of a ``ComputeClient``.
public struct ComputeClientConfiguration: Sendable {
    /// Azure Resource Manager base URL, e.g. `https://management.azure.com`.
    public var resourceManager: URL
    /// `api-version` for Compute calls.
    public var apiVersion: String
    /// User-Agent sent with every request (names patchscan and its version).
    public var userAgent: String

    /// Creates a configuration.
    public init(resourceManager: URL, apiVersion: String = "2022-08-01", userAgent: String) {
        self.resourceManager = resourceManager
        self.apiVersion = apiVersion
        self.userAgent = userAgent
    }

    /// The OAuth scope for this resource manager: `{resourceManager}/.default`.
    public var tokenScope: String {
        var base = resourceManager.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/.default"
    }
}

/// Calls Azure Compute through Azure Resource Manager: bearer auth with one refresh on 401, retries,
/// request ids, and the rule that tokens go only to the configured resource-manager origin.
public struct ComputeClient: Sendable {
    let configuration: ComputeClientConfiguration
    let endpoint: TrustedEndpoint
    let baseURL: String
    let tokens: any AccessTokenProvider
    let sender: RetryingSender
    let pacer: Pacer
    let policy: RetryPolicy
    let clock: any Clock<Duration>
    let throttle: any RequestThrottle

    /// Creates a client.
    /// - Parameters:
    ///   - transport: The HTTP transport (one AsyncHTTPClient for the process in production).
    ///   - tokens: Supplies bearer tokens.
    ///   - clock: Paces retries and polls and measures deadlines.
    ///   - policy: Retry and polling policy.
    ///   - throttle: Client-side rate limits charged before every request.
    /// - Throws: ``AzureError/Code-swift.struct/untrustedHost`` when the resource manager URL is plain http to a non-loopback host.
    public init(
        configuration: ComputeClientConfiguration,
        transport: any HTTPTransport,
        tokens: any AccessTokenProvider,
        clock: any Clock<Duration>,
        policy: RetryPolicy = RetryPolicy(),
        throttle: any RequestThrottle = UnthrottledRequests()
    ) throws(AzureError) {
        self.configuration = configuration
        self.endpoint = try TrustedEndpoint(configuration.resourceManager)
        var base = configuration.resourceManager.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.tokens = tokens
        self.pacer = Pacer(clock: clock)
        self.sender = RetryingSender(transport: transport, policy: policy, pacer: pacer)
        self.policy = policy
        self.clock = clock
        self.throttle = throttle
    }

    /// Sends an authorized ARM request. On a 401 the token is dropped, refreshed and the request retried once.
    func send(
        _ method: HTTPMethod,
        url: String,
        context: RequestContext,
        idempotent: Bool,
        deadline: Deadline?,
        activity: String,
        logger: Logger
    ) async throws(AzureError) -> TransportResponse {
        guard endpoint.permits(url) else {
            throw AzureError(
                code: .untrustedHost,
                message: "refused to send the bearer token while \(activity): the URL Azure returned is not on the configured resource manager host \(endpoint.host)"
            )
        }
        var refreshedAfter401 = false
        while true {
            var usedToken = ""
            let response = try await sender.send(
                idempotent: idempotent,
                deadline: deadline,
                activity: activity,
                logger: logger
            ) { () throws(AzureError) -> TransportRequest in
                do {
                    try await throttle.acquire(for: context, waitingAtMost: deadline?.remaining())
                } catch let tooLong as RateLimitWaitTooLong {
                    throw AzureError(
                        code: .timedOut,
                        message: "gave up \(activity): the client-side rate limit would hold the request for \(tooLong.wait), past the per-assessment deadline (\(max(.zero, tooLong.limit)) left); raise scan.deadline if Azure's throttling pauses are expected to last this long"
                    )
                } catch {
                    throw AzureError(code: .cancelled, message: "cancelled while waiting for rate-limit budget (\(activity))")
                }
                usedToken = try await tokens.token()
                return TransportRequest(method: method, url: url, headers: headers(token: usedToken))
            } observe: { response in
                await throttle.observe(response, for: context)
            }
            logResponse(response, activity: activity, logger: logger)
            if response.status == .unauthorized, !refreshedAfter401 {
                refreshedAfter401 = true
                await tokens.invalidate(usedToken)
                logger.info("Azure rejected the token; refreshing it and retrying once", metadata: requestMetadata(response))
                continue
            }
            return response
        }
    }

    private func headers(token: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(token)")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: configuration.userAgent)
        headers.add(name: "x-ms-client-request-id", value: UUID().uuidString.lowercased())
        headers.add(name: "x-ms-return-client-request-id", value: "true")
        return headers
    }

    private func logResponse(_ response: TransportResponse, activity: String, logger: Logger) {
        var metadata = requestMetadata(response)
        metadata["http.status"] = "\(response.status.code)"
        metadata["activity"] = "\(activity)"
        logger.trace("Azure response", metadata: metadata)
    }

    func requestMetadata(_ response: TransportResponse) -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        for (header, key) in [
            ("x-ms-request-id", "azure.request_id"),
            ("x-ms-correlation-request-id", "azure.correlation_id"),
            ("x-ms-routing-request-id", "azure.routing_id"),
            ("x-ms-client-request-id", "azure.client_request_id"),
        ] {
            if let value = response.headers.first(name: header) { metadata[key] = "\(value)" }
        }
        return metadata
    }
}
