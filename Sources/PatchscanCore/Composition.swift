import AsyncHTTPClient
import AzureCompute
import Foundation
import Logging
import NIOCore
import NIOSSL
import PatchscanStore

/// What the composition root takes from the outside world, so that `main` and tests build the same graph.
public struct Dependencies: Sendable {
    /// Environment variables, for secrets named by `credential.secretEnv`.
    public var environment: [String: String]
    /// Paces retries and polls and measures deadlines and token lifetimes.
    public var clock: any Clock<Duration>
    /// Retry jitter; tests pass the identity for exact pacing.
    public var jitter: @Sendable (Duration) -> Duration

    /// Creates dependencies; the defaults are the real process environment and clock.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock(),
        jitter: @escaping @Sendable (Duration) -> Duration = RetryPolicy.proportionalJitter
    ) {
        self.environment = environment
        self.clock = clock
        self.jitter = jitter
    }
}

/// The composition root: opens the store, builds the one HTTP client of the process, the token cache and
/// the Azure client, runs `body` with a ``Scanner``, then shuts the HTTP client down.
public func withScanner<T: Sendable>(
    settings: Settings,
    dependencies: Dependencies = Dependencies(),
    logger: Logger,
    _ body: (Scanner, PatchscanStore) async throws -> T
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
    let interrupted = try await store.markInterruptedRuns()
    if interrupted > 0 {
        logger.notice("Marked scan runs left unfinished by an earlier process as interrupted", metadata: ["scan.interrupted_runs": "\(interrupted)"])
    }

    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: try httpConfiguration(settings.azure))
    do {
        let scanner = try makeScanner(settings: settings, secret: secret, httpClient: httpClient, dependencies: dependencies, logger: logger, store: store)
        let value = try await body(scanner, store)
        try await httpClient.shutdown()
        return value
    } catch {
        try? await httpClient.shutdown()
        throw error
    }
}

private func makeScanner(
    settings: Settings,
    secret: String,
    httpClient: HTTPClient,
    dependencies: Dependencies,
    logger: Logger,
    store: PatchscanStore
) throws -> Scanner {
    let transport = AsyncHTTPClientTransport(client: httpClient)
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
        let client = try ComputeClient(
            configuration: configuration,
            transport: transport,
            tokens: tokens,
            clock: dependencies.clock,
            policy: RetryPolicy(
                pollIntervalFloor: settings.scan.pollIntervalFloor,
                pollIntervalCeiling: settings.scan.pollIntervalCeiling,
                jitter: dependencies.jitter
            )
        )
        return Scanner(
            assessor: client, store: store, scan: settings.scan, thresholds: settings.thresholds,
            clock: dependencies.clock, logger: logger
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
