import AzureCompute
import Clocks
import Foundation
import Logging
import NIOHTTP1
import Testing

@Suite("assessPatches long-running operation")
struct OperationPollingTests {
    let clock = ImmediateClock()
    var elapsed: Duration { ImmediateClock.Instant().duration(to: clock.now) }

    func client(_ transport: ScriptedTransport, floor: Duration = .seconds(1), ceiling: Duration = .seconds(120)) throws -> ComputeClient {
        try ComputeClient(
            configuration: ComputeClientConfiguration(resourceManager: URL(string: Fixtures.base)!, userAgent: "patchscan-tests/1"),
            transport: transport,
            tokens: CountingTokens(),
            clock: clock,
            policy: RetryPolicy(maxAttempts: 3, pollIntervalFloor: floor, pollIntervalCeiling: ceiling, jitter: { $0 })
        )
    }

    @Test("202 → InProgress ×3 → Succeeded → one GET on Location for the result")
    func succeeded() async throws {
        let transport = ScriptedTransport([
            Fixtures.accepted(retryAfter: 7),
            Fixtures.status("InProgress", retryAfter: 11),
            Fixtures.status("inprogress", retryAfter: 11),
            Fixtures.status("SomethingNew", retryAfter: 11),
            Fixtures.status("succeeded"),
            reply(.ok, json: try Fixtures.example()),
        ])
        let response = try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(3600), logger: Logger(label: "t"))
        #expect(response.result.assessmentActivityId == "68f8b292-dfc2-4646-9781-33cc88631968")
        #expect(response.result.availablePatches?.count == 2)
        #expect(response.operationStatus == "succeeded")
        #expect(response.requestID == "req-post")
        #expect(response.pollCount == 4)
        let urls = await transport.urls
        #expect(urls.first == "\(Fixtures.base)\(Fixtures.vm.path)/assessPatches?api-version=2022-08-01")
        #expect(Array(urls[1...4]) == Array(repeating: Fixtures.statusURL, count: 4))
        #expect(urls.last == Fixtures.locationURL)
        #expect(await transport.methods == [.POST, .GET, .GET, .GET, .GET, .GET])
        // Waited the initial Retry-After (7 s) and three poll Retry-Afters (11 s) on the injected clock.
        #expect(elapsed == .seconds(7 + 11 * 3))
    }

    @Test("the POST carries the headers Azure and operators need")
    func requestHeaders() async throws {
        let transport = ScriptedTransport([reply(.ok, json: try Fixtures.example())])
        _ = try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(60), logger: Logger(label: "t"))
        let post = try #require(await transport.requests.first)
        #expect(post.method == .POST)
        #expect(post.body == nil)
        #expect(post.headers.first(name: "Authorization") == "Bearer token-1")
        #expect(post.headers.first(name: "Accept") == "application/json")
        #expect(post.headers.first(name: "User-Agent") == "patchscan-tests/1")
        #expect(UUID(uuidString: post.headers.first(name: "x-ms-client-request-id") ?? "") != nil)
    }

    @Test("a status envelope is never decoded as the result")
    func envelopeIsNotResult() async throws {
        // If the client decoded the Succeeded status body as the result, activity id and patches would be missing.
        let transport = ScriptedTransport([
            Fixtures.accepted(),
            Fixtures.status("Succeeded"),
            reply(.ok, json: try Fixtures.example()),
        ])
        let response = try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        #expect(response.result.criticalAndSecurityPatchCount == 1)
    }

    @Test("operation Failed carries Azure's error code")
    func failed() async throws {
        let transport = ScriptedTransport([
            Fixtures.accepted(),
            Fixtures.status("Failed", error: #"{"code":"VMGuestPatchInternalError","message":"An internal execution error occurred. Please retry later."}"#),
        ])
        let error = try await #require(throws: AzureError.self) {
            try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        }
        #expect(error.code == .operationFailed)
        #expect(error.apiError?.code == "VMGuestPatchInternalError")
        #expect(error.operationStatus == "Failed")
        #expect(error.requestID != nil)
        #expect(await transport.requests.count == 2)
    }

    @Test("operation Canceled")
    func canceled() async throws {
        let transport = ScriptedTransport([
            Fixtures.accepted(),
            Fixtures.status("Canceled", error: #"{"code":"OperationPreempted","message":"superseded"}"#),
        ])
        let error = try await #require(throws: AzureError.self) {
            try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        }
        #expect(error.code == .operationCanceled)
    }

    @Test("404 on a poll means the operation was lost")
    func lost() async throws {
        let transport = ScriptedTransport([
            Fixtures.accepted(),
            Fixtures.status("InProgress"),
            reply(.notFound, json: #"{"error":{"code":"NotFound","message":"operation not found"}}"#),
        ])
        let error = try await #require(throws: AzureError.self) {
            try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        }
        #expect(error.code == .operationLost)
    }

    @Test("the per-assessment deadline stops an operation that never completes")
    func deadline() async throws {
        let transport = ScriptedTransport(handler: { request, index in
            index == 0 ? Fixtures.accepted(retryAfter: 30) : Fixtures.status("InProgress", retryAfter: 30)
        })
        let error = try await #require(throws: AzureError.self) {
            try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(300), logger: Logger(label: "t"))
        }
        #expect(error.code == .timedOut)
        // 300 s of budget at 30 s per poll: the POST and ten polls (the last at exactly 300 s), then the next wait would pass the deadline.
        #expect(await transport.requests.count == 11)
        #expect(elapsed <= .seconds(300))
    }

    @Test("Retry-After is clamped to the configured poll floor and ceiling")
    func clamping() async throws {
        let transport = ScriptedTransport([
            Fixtures.accepted(retryAfter: 0),
            Fixtures.status("InProgress", retryAfter: 5000),
            Fixtures.status("Succeeded"),
            reply(.ok, json: try Fixtures.example()),
        ])
        _ = try await client(transport, floor: .seconds(2), ceiling: .seconds(90))
            .assessPatches(vm: Fixtures.vm, deadline: .seconds(3600), logger: Logger(label: "t"))
        #expect(elapsed == .seconds(2 + 90))
    }

    @Test("an HTTP-date Retry-After is honoured")
    func httpDate() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let inAMinute = formatter.string(from: Date().addingTimeInterval(60))
        let transport = ScriptedTransport([
            reply(.accepted, headers: [("Retry-After", inAMinute), ("Location", Fixtures.locationURL)]),
            reply(.ok, json: try Fixtures.example()),
        ])
        _ = try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(3600), logger: Logger(label: "t"))
        #expect(elapsed > .seconds(50) && elapsed <= .seconds(60))
    }

    @Test("Location-only: 202 while running, 200 with the result")
    func locationOnly() async throws {
        let transport = ScriptedTransport([
            Fixtures.accepted(status: false),
            reply(.accepted, headers: [("Retry-After", "3")]),
            reply(.ok, json: try Fixtures.example()),
        ])
        let response = try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        #expect(response.result.otherPatchCount == 2)
        #expect(await transport.urls.dropFirst().allSatisfy { $0 == Fixtures.locationURL })
    }

    @Test("Azure-AsyncOperation only: the result comes from properties.output")
    func statusOnly() async throws {
        let output = try Fixtures.example()
        let transport = ScriptedTransport([
            Fixtures.accepted(location: false),
            reply(.ok, json: #"{"status":"Succeeded","name":"op-1","properties":{"output":\#(output)}}"#),
        ])
        let response = try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        #expect(response.result.assessmentActivityId == "68f8b292-dfc2-4646-9781-33cc88631968")
    }

    @Test("a poll 503 means status unknown: retried, not a failure")
    func pollServerError() async throws {
        let transport = ScriptedTransport([
            Fixtures.accepted(),
            reply(.serviceUnavailable),
            Fixtures.status("Succeeded"),
            reply(.ok, json: try Fixtures.example()),
        ])
        let response = try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        #expect(response.result.status == .succeeded)
    }

    @Test("malformed result JSON is a malformed_response failure")
    func malformed() async throws {
        let transport = ScriptedTransport([
            Fixtures.accepted(),
            Fixtures.status("Succeeded"),
            reply(.ok, json: #"{"status":"Succeeded","availablePatches":[{"patchId":"#),
        ])
        let error = try await #require(throws: AzureError.self) {
            try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        }
        #expect(error.code == .malformedResponse)
    }

    @Test("a 202 without polling headers is malformed")
    func acceptedWithoutHeaders() async throws {
        let transport = ScriptedTransport([reply(.accepted)])
        let error = try await #require(throws: AzureError.self) {
            try await client(transport).assessPatches(vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t"))
        }
        #expect(error.code == .malformedResponse)
    }
}
