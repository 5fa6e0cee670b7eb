import AzureCompute
import Clocks
import Foundation
import Logging
import NIOHTTP1
import Testing

@Suite("Retries and error mapping")
struct RetryPolicyTests {
    let clock = ImmediateClock()

    func client(_ transport: ScriptedTransport, tokens: any AccessTokenProvider = CountingTokens()) throws -> ComputeClient {
        try ComputeClient(
            configuration: ComputeClientConfiguration(resourceManager: URL(string: Fixtures.base)!, userAgent: "t"),
            transport: transport,
            tokens: tokens,
            clock: clock,
            policy: RetryPolicy(maxAttempts: 4, pollIntervalFloor: .seconds(1), jitter: { $0 })
        )
    }

    func assess(_ transport: ScriptedTransport, tokens: any AccessTokenProvider = CountingTokens()) async throws -> AssessPatchesResponse {
        try await client(transport, tokens: tokens).assessPatches(vm: Fixtures.vm, deadline: .seconds(3600), logger: Logger(label: "t"))
    }

    @Test("a POST answered 500 without Retry-After is not retried: an operation may have started")
    func noBlindPostRetry() async throws {
        let transport = ScriptedTransport([reply(.internalServerError), reply(.ok, json: try Fixtures.example())])
        let error = try await #require(throws: AzureError.self) { try await assess(transport) }
        #expect(error.code == .serverError)
        #expect(await transport.requests.count == 1)
    }

    @Test("a POST that never reached the server is retried; one reset after sending is not")
    func connectionErrors() async throws {
        let notSent = ScriptedTransport([
            .failure(TransportError(requestNotSent: true, reason: "connection refused")),
            reply(.ok, json: try Fixtures.example()),
        ])
        _ = try await assess(notSent)
        #expect(await notSent.requests.count == 2)

        let reset = ScriptedTransport([
            .failure(TransportError(requestNotSent: false, reason: "connection reset")),
            reply(.ok, json: try Fixtures.example()),
        ])
        let error = try await #require(throws: AzureError.self) { try await assess(reset) }
        #expect(error.code == .transport)
        #expect(await reset.requests.count == 1)
    }

    @Test("a POST answered 503, 429, or 500 with Retry-After is retried, honouring Retry-After")
    func retriablePost() async throws {
        let transport = ScriptedTransport([
            reply(.serviceUnavailable),
            reply(.tooManyRequests, headers: [("Retry-After", "20")], json: #"{"error":{"code":"SubscriptionRequestsThrottled","message":"m"}}"#),
            reply(.internalServerError, headers: [("Retry-After", "5")]),
            reply(.ok, json: try Fixtures.example()),
        ])
        _ = try await assess(transport)
        #expect(await transport.requests.count == 4)
        // 0.8 s exponential backoff for the bare 503, then exactly the Retry-After values.
        #expect(ImmediateClock.Instant().duration(to: clock.now) == .milliseconds(800) + .seconds(25))
    }

    @Test("Compute's 429 OperationNotAllowed/TooManyRequests is throttling, not 'VM not running'")
    func computeThrottling() async throws {
        let body = #"""
            {"error":{"code":"OperationNotAllowed","message":"The server rejected the request because too many requests have been received for this subscription.",
             "details":[{"code":"TooManyRequests","target":"GuestPatch3Min","message":"{\"operationGroup\":\"GuestPatch3Min\",\"allowedRequestCount\":600}"}]}}
            """#
        let transport = ScriptedTransport(handler: { _, _ in reply(.tooManyRequests, headers: [("Retry-After", "1")], json: body) })
        let error = try await #require(throws: AzureError.self) { try await assess(transport) }
        #expect(error.code == .throttled)
        #expect(error.apiError?.details?.first?.code == "TooManyRequests")
        #expect(await transport.requests.count == 4)
    }

    @Test("a Retry-After beyond the policy's maximum fails fast as throttled")
    func longRetryAfter() async throws {
        let transport = ScriptedTransport(handler: { _, _ in reply(.tooManyRequests, headers: [("Retry-After", "7200")]) })
        let error = try await #require(throws: AzureError.self) { try await assess(transport) }
        #expect(error.code == .throttled)
        #expect(await transport.requests.count == 1)
    }

    @Test("409 responses are told apart: deallocated, stopped, busy, agent")
    func conflicts() async throws {
        let cases: [(String, String, AzureError.Code)] = [
            ("OperationNotAllowed", "Operation 'assessPatches' is not allowed on VM 'web-01' since the VM is either deallocated or marked to be deallocated.", .notRunning),
            ("OperationNotAllowed", "The operation requires the VM to be running (or set to run).", .notRunning),
            ("OperationNotAllowed", "Operation 'assessPatches' is not allowed on VM 'web-01' since another operation is in progress.", .conflict),
            ("VMAgentStatusCommunicationError", "VM 'web-01' has not reported status for VM agent or extensions.", .agentUnavailable),
        ]
        for (code, message, expected) in cases {
            let transport = ScriptedTransport([reply(.conflict, json: #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#)])
            let error = try await #require(throws: AzureError.self) { try await assess(transport) }
            #expect(error.code == expected, "\(message)")
        }
    }

    @Test("404, 403 and 400 map to named failures with the Azure error kept")
    func clientErrors() async throws {
        let cases: [(HTTPResponseStatus, String, AzureError.Code)] = [
            (.notFound, "ResourceNotFound", .notFound),
            (.forbidden, "AuthorizationFailed", .forbidden),
            (.badRequest, "InvalidApiVersionParameter", .badRequest),
        ]
        for (status, code, expected) in cases {
            let transport = ScriptedTransport([reply(status, headers: [("x-ms-request-id", "rid")], json: #"{"error":{"code":"\#(code)","message":"m","target":"t"}}"#)])
            let error = try await #require(throws: AzureError.self) { try await assess(transport) }
            #expect(error.code == expected)
            #expect(error.apiError?.code == code)
            #expect(error.apiError?.target == "t")
            #expect(error.requestID == "rid")
        }
    }

    @Test("on 401 the token is dropped, refreshed and the request retried exactly once")
    func unauthorizedRetry() async throws {
        let expired = #"{"error":{"code":"ExpiredAuthenticationToken","message":"expired"}}"#
        let tokens = CountingTokens()
        let transport = ScriptedTransport([reply(.unauthorized, json: expired), reply(.ok, json: try Fixtures.example())])
        _ = try await assess(transport, tokens: tokens)
        let auth = await transport.requests.map { $0.headers.first(name: "Authorization") }
        #expect(auth == ["Bearer token-1", "Bearer token-2"])
        #expect(await tokens.invalidated == ["token-1"])

        let twice = ScriptedTransport([reply(.unauthorized, json: expired), reply(.unauthorized, json: expired), reply(.ok)])
        let error = try await #require(throws: AzureError.self) { try await assess(twice, tokens: CountingTokens()) }
        #expect(error.code == .authenticationFailed)
        #expect(await twice.requests.count == 2)
    }
}
