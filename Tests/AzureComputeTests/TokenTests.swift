import AzureCompute
import Clocks
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// Hands out numbered tokens and counts requests.
actor FakeCredential: TokenCredential {
    private(set) var requests = 0
    let lifetime: Duration
    var failing = false

    init(lifetime: Duration) { self.lifetime = lifetime }

    func setFailing(_ value: Bool) { failing = value }

    func requestToken(scope: String) async throws(AzureError) -> AccessToken {
        requests += 1
        let number = requests
        // Suspend so that concurrent callers overlap with this refresh.
        for _ in 0..<10 { await Task.yield() }
        if failing { throw AzureError(code: .authenticationFailed, message: "AADSTS7000215: Invalid client secret provided.") }
        return AccessToken(value: "token-\(number)", expiresIn: lifetime)
    }
}

@Suite("Tokens")
struct TokenTests {
    @Test("a token is cached until five minutes before it expires")
    func caching() async throws {
        let clock = TestClock()
        let credential = FakeCredential(lifetime: .seconds(3600))
        let cache = TokenCache(credential: credential, scope: "s", clock: clock, logger: Logger(label: "t"))
        #expect(try await cache.token() == "token-1")
        #expect(try await cache.token() == "token-1")
        await clock.advance(by: .seconds(3600 - 301))
        #expect(try await cache.token() == "token-1")
        await clock.advance(by: .seconds(2))
        #expect(try await cache.token() == "token-2")
        #expect(await credential.requests == 2)
    }

    @Test("concurrent callers share one refresh")
    func singleFlight() async throws {
        let credential = FakeCredential(lifetime: .seconds(3600))
        let cache = TokenCache(credential: credential, scope: "s", clock: TestClock(), logger: Logger(label: "t"))
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.token() } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens == ["token-1"])
        #expect(await credential.requests == 1)
    }

    @Test("a failed early refresh keeps using the still-valid token; an expired one surfaces the error")
    func failedRefresh() async throws {
        let clock = TestClock()
        let credential = FakeCredential(lifetime: .seconds(3600))
        let cache = TokenCache(credential: credential, scope: "s", clock: clock, logger: Logger(label: "t"))
        _ = try await cache.token()
        await credential.setFailing(true)
        await clock.advance(by: .seconds(3400))
        #expect(try await cache.token() == "token-1")
        await clock.advance(by: .seconds(300))
        let error = try await #require(throws: AzureError.self) { try await cache.token() }
        #expect(error.message.contains("AADSTS7000215"))
    }

    @Test("invalidate drops only the rejected token")
    func invalidate() async throws {
        let credential = FakeCredential(lifetime: .seconds(3600))
        let cache = TokenCache(credential: credential, scope: "s", clock: TestClock(), logger: Logger(label: "t"))
        _ = try await cache.token()
        await cache.invalidate("some-older-token")
        #expect(try await cache.token() == "token-1")
        await cache.invalidate("token-1")
        #expect(try await cache.token() == "token-2")
    }

    func credential(_ transport: ScriptedTransport) throws -> ClientSecretCredential {
        try ClientSecretCredential(
            authorityHost: URL(string: "https://login.microsoftonline.com")!,
            tenantID: "tenant-1",
            clientID: "client-1",
            secret: RedactedSecret("s3cr&t+value"),
            transport: transport,
            clock: ImmediateClock(),
            userAgent: "t",
            logger: Logger(label: "t")
        )
    }

    @Test("client credentials: form body, scope, and expires_in as number or string")
    func clientSecretRequest() async throws {
        let transport = ScriptedTransport([
            reply(.ok, json: #"{"token_type":"Bearer","expires_in":"3599","ext_expires_in":3599,"access_token":"eyJ.a.b"}"#)
        ])
        let token = try await credential(transport).requestToken(scope: "https://management.azure.com/.default")
        #expect(token.value == "eyJ.a.b")
        #expect(token.expiresIn == .seconds(3599))
        let request = try #require(await transport.requests.first)
        #expect(request.url == "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token")
        #expect(request.headers.first(name: "Content-Type") == "application/x-www-form-urlencoded")
        let form = String(buffer: try #require(request.body))
        #expect(form.contains("grant_type=client_credentials"))
        #expect(form.contains("client_secret=s3cr%26t%2Bvalue"))
        #expect(form.contains("scope=https%3A%2F%2Fmanagement.azure.com%2F.default"))
    }

    @Test("AADSTS errors are surfaced clearly and never contain the secret")
    func aadstsError() async throws {
        let transport = ScriptedTransport([
            reply(.unauthorized, json: #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: x","error_codes":[7000215],"correlation_id":"c-1"}"#)
        ])
        let error = try await #require(throws: AzureError.self) {
            try await credential(transport).requestToken(scope: "https://management.azure.com/.default")
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.message.contains("AADSTS7000215"))
        #expect(error.message.contains("invalid_client"))
        #expect(!error.description.contains("s3cr"))
        #expect(!"\(RedactedSecret("s3cr&t"))".contains("s3cr"))
        #expect(!String(reflecting: RedactedSecret("s3cr&t")).contains("s3cr"))
    }
}

@Suite("Token host rule")
struct TokenHostTests {
    @Test("plain http is refused except to loopback")
    func plainHTTP() throws {
        let config = { (url: String) in
            ComputeClientConfiguration(resourceManager: URL(string: url)!, userAgent: "t")
        }
        let make = { (url: String) throws(AzureError) in
            _ = try ComputeClient(configuration: config(url), transport: ScriptedTransport([]), tokens: CountingTokens(), clock: ImmediateClock())
        }
        #expect(throws: AzureError.self) { try make("http://management.azure.com") }
        #expect(throws: AzureError.self) { try make("http://10.0.0.5:8080") }
        try make("http://127.0.0.1:8080")
        try make("http://localhost:8080")
        try make("https://management.azure.com")
    }

    @Test("a poll URL on another host is refused and the token never sent there")
    func foreignPollHost() async throws {
        let transport = ScriptedTransport([
            reply(.accepted, headers: [
                ("Azure-AsyncOperation", "https://evil.example.invalid/operations/1"),
                ("Location", "https://management.azure.com.evil.example.invalid/operations/1"),
            ])
        ])
        let client = try ComputeClient(
            configuration: ComputeClientConfiguration(resourceManager: URL(string: Fixtures.base)!, userAgent: "t"),
            transport: transport, tokens: CountingTokens(), clock: ImmediateClock()
        )
        let error = try await #require(throws: AzureError.self) {
            try await client.assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        }
        #expect(error.code == .untrustedHost)
        #expect(await transport.requests.count == 1)
    }

    @Test("a poll URL on the same host but another port or scheme is refused")
    func otherPortOrScheme() async throws {
        for url in ["https://management.azure.com:8443/op", "http://management.azure.com/op"] {
            let transport = ScriptedTransport([reply(.accepted, headers: [("Location", url)])])
            let client = try ComputeClient(
                configuration: ComputeClientConfiguration(resourceManager: URL(string: Fixtures.base)!, userAgent: "t"),
                transport: transport, tokens: CountingTokens(), clock: ImmediateClock()
            )
            let error = try await #require(throws: AzureError.self) {
                try await client.assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
            }
            #expect(error.code == .untrustedHost)
        }
    }
}
