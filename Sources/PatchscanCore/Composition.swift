import AsyncHTTPClient
import AzureCompute
import CoreMetrics
import Foundation
import Logging
import Metrics
import NIOCore
import NIOSSL
import PatchscanStore

/// What the composition root takes from the outside world, so that `main` and tests build the same graph.
public struct Dependencies: Sendable {
    /// Environment variables, for secrets named by `credential.secretEnv`.
    public var environment: [String: String]
    /// Paces retries, polls and rate limits, and measures deadlines and token lifetimes.
    public var clock: any Clock<Duration>
    /// Retry jitter; tests pass the identity for exact pacing.
    public var jitter: @Sendable (Duration) -> Duration
    /// Receives patchscan's metrics; `main` bootstraps Prometheus, tests pass a registry of their own.
    public var metricsFactory: any MetricsFactory

    /// Creates dependencies; the defaults are the real process environment, clock and metrics backend.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock(),
        jitter: @escaping @Sendable (Duration) -> Duration = RetryPolicy.proportionalJitter,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.environment = environment
        self.clock = clock
        self.jitter = jitter
        self.metricsFactory = metricsFactory
    }
}

/// The parts a patchscan process is built from: the store, the one Azure client with its rate limits, the
/// assessment slots and the metrics.
public struct Runtime: Sendable {
    /// The settings the process started with.
    public let settings: Settings
    /// The open database.
    public let store: PatchscanStore
    /// The Azure client (one HTTP client for the process).
    public let client: ComputeClient
    /// The client-side budgets the Azure client waits on.
    public let rateLimiter: RateLimiter
    /// Caps assessments in flight, in total and per subscription.
    public let slots: AssessmentSlots
    /// patchscan's metrics.
    public let metrics: PatchscanMetrics
    /// What the runtime was built with.
    public let dependencies: Dependencies

    /// Applies reloaded settings to the parts built at start-up that can change while running: the rate limits
    /// and the caps on assessments in flight.
    public func apply(_ settings: Settings) async {
        await rateLimiter.apply(settings.rateLimits)
        await slots.setLimits(
            globalLimit: settings.scan.concurrency, perSubscriptionLimit: settings.rateLimits.maxConcurrentPerSubscription
        )
    }

    /// A runner whose claims are held by `holder`, reporting outcomes and operations to the metrics.
    public func runner(holder: LeaseHolder) -> AssessmentRunner {
        let metrics = metrics
        return AssessmentRunner(
            assessor: client, store: store, clock: dependencies.clock, claimOwner: holder.owner,
            observer: AssessmentObserver(
                finished: { metrics.recordAssessment(outcome: $0.outcome) },
                operations: OperationsInFlight(onStart: { metrics.lroStarted() }, onEnd: { metrics.lroFinished() })
            )
        )
    }
}

/// The composition root: reads the secret, opens the store, builds the one HTTP client of the process, the token
/// cache, the rate limiter and the Azure client, runs `body`, then shuts the HTTP client down.
public func withRuntime<T: Sendable>(
    settings: Settings,
    dependencies: Dependencies = Dependencies(),
    logger: Logger,
    _ body: (Runtime) async throws -> T
) async throws -> T {
    let secret: String
    do {
        secret = try settings.credential.secret.resolve(environment: dependencies.environment)
    } catch {
        throw StartupError(code: .secret, message: "cannot read the client secret: \(error)")
    }
    let store: PatchscanStore
    do {
        store = try PatchscanStore(path: settings.database)
    } catch {
        throw StartupError(code: .database, message: "\(error)")
    }
    var configuration = try httpConfiguration(settings.azure)
    // Each assessment in flight may hold a connection while it polls; AsyncHTTPClient's default of 8 per host would
    // cap the request rate long before Azure's budgets do.
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, settings.scan.concurrency)
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let metrics = PatchscanMetrics(factory: dependencies.metricsFactory)
        let rateLimiter = RateLimiter(
            settings: settings.rateLimits, clock: dependencies.clock, metricsFactory: dependencies.metricsFactory,
            logger: logger
        )
        let client = try makeClient(
            settings: settings, secret: secret, httpClient: httpClient, throttle: rateLimiter, metrics: metrics,
            dependencies: dependencies, logger: logger
        )
        let runtime = Runtime(
            settings: settings, store: store, client: client, rateLimiter: rateLimiter,
            slots: AssessmentSlots(settings: settings), metrics: metrics, dependencies: dependencies
        )
        let value = try await body(runtime)
        try await httpClient.shutdown()
        return value
    } catch {
        try? await httpClient.shutdown()
        throw error
    }
}

/// Builds a ``Scanner`` for one-off scans (`patchscan scan`) and runs `body` with it.
public func withScanner<T: Sendable>(
    settings: Settings,
    dependencies: Dependencies = Dependencies(),
    logger: Logger,
    _ body: (Scanner, PatchscanStore) async throws -> T
) async throws -> T {
    try await withRuntime(settings: settings, dependencies: dependencies, logger: logger) { runtime in
        let interrupted = try await runtime.store.markInterruptedRuns(now: Date())
        if interrupted > 0 {
            logger.notice("Marked scan runs left unfinished by an earlier process as interrupted", metadata: ["scan.interrupted_runs": "\(interrupted)"])
        }
        let holder = LeaseHolder.scan()
        let scanner = Scanner(
            runner: runtime.runner(holder: holder), store: runtime.store, settings: settings, holder: holder,
            slots: runtime.slots, clock: dependencies.clock, logger: logger
        )
        return try await body(scanner, runtime.store)
    }
}

private func makeClient(
    settings: Settings,
    secret: String,
    httpClient: HTTPClient,
    throttle: RateLimiter,
    metrics: PatchscanMetrics,
    dependencies: Dependencies,
    logger: Logger
) throws -> ComputeClient {
    let transport = InstrumentedTransport(
        wrapping: AsyncHTTPClientTransport(client: httpClient), metrics: metrics, clock: dependencies.clock
    )
    let configuration = ComputeClientConfiguration(
        resourceManager: settings.azure.resourceManager,
        apiVersion: settings.azure.apiVersion,
        userAgent: PatchscanVersion.userAgent
    )
    do {
        let credential = try ClientSecretCredential(
            authorityHost: settings.azure.authorityHost,
            tenantID: settings.credential.tenantID,
            clientID: settings.credential.clientID,
            secret: RedactedSecret(secret),
            transport: transport,
            clock: dependencies.clock,
            policy: RetryPolicy(maxAttempts: 4, jitter: dependencies.jitter),
            userAgent: PatchscanVersion.userAgent,
            logger: logger
        )
        let tokens = makeTokenCache(credential: credential, scope: configuration.tokenScope, clock: dependencies.clock, logger: logger)
        return try ComputeClient(
            configuration: configuration,
            transport: transport,
            tokens: tokens,
            clock: dependencies.clock,
            policy: RetryPolicy(
                pollIntervalFloor: settings.scan.pollIntervalFloor,
                pollIntervalCeiling: settings.scan.pollIntervalCeiling,
                jitter: dependencies.jitter
            ),
            throttle: throttle
        )
    } catch {
        throw StartupError(code: .azureClient, message: "\(error)")
    }
}

private func makeTokenCache<C: Clock<Duration>>(
    credential: any TokenCredential, scope: String, clock: C, logger: Logger
) -> any AccessTokenProvider {
    TokenCache(credential: credential, scope: scope, clock: clock, logger: logger)
}

private func httpConfiguration(_ azure: AzureSettings) throws(StartupError) -> HTTPClient.Configuration {
    var configuration = HTTPClient.Configuration()
    // A redirect could carry the bearer token to another host; Azure does not redirect these calls.
    configuration.redirectConfiguration = .disallow
    configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
    if let path = azure.caBundlePath {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(path))]
        } catch {
            throw StartupError(code: .azureClient, message: "cannot read the CA bundle at \(path) (azure.caBundle): \(error)")
        }
        configuration.tlsConfiguration = tls
    }
    return configuration
}
