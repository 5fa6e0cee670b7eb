import AzureCompute
import Clocks
import Foundation
import Logging
import NIOHTTP1
import Testing

/// Records every acquire and observe call.
actor RecordingThrottle: RequestThrottle {
    private(set) var acquired: [RequestContext.Operation] = []
    private(set) var observedStatuses: [UInt] = []
    private(set) var locations: Set<String?> = []
    private(set) var limits: [Duration?] = []

    func acquire(for context: RequestContext, waitingAtMost limit: Duration?) async throws {
        acquired.append(context.operation)
        locations.insert(context.location)
        limits.append(limit)
    }

    func observe(_ response: TransportResponse, for context: RequestContext) async {
        observedStatuses.append(response.status.code)
    }
}

/// A budget that stays empty for 15 minutes: refuses every request that cannot wait that long.
struct ExhaustedThrottle: RequestThrottle {
    func acquire(for context: RequestContext, waitingAtMost limit: Duration?) async throws {
        if let limit, limit < .seconds(900) {
            throw RateLimitWaitTooLong(wait: .seconds(900), limit: limit)
        }
    }

    func observe(_ response: TransportResponse, for context: RequestContext) async {}
}

actor AcceptedRecorder {
    private(set) var operations: [AcceptedOperation] = []
    private(set) var requestsSeenAtCallback: [Int] = []
    func record(_ operation: AcceptedOperation, requestsSoFar: Int) {
        operations.append(operation)
        requestsSeenAtCallback.append(requestsSoFar)
    }
}

@Suite("Resumable operations and throttle hooks")
struct ResumeAndThrottleTests {
    func client(_ transport: ScriptedTransport, throttle: any RequestThrottle = UnthrottledRequests()) throws -> ComputeClient {
        try ComputeClient(
            configuration: ComputeClientConfiguration(resourceManager: URL(string: Fixtures.base)!, userAgent: "t"),
            transport: transport, tokens: CountingTokens(), clock: ImmediateClock(),
            policy: RetryPolicy(maxAttempts: 3, pollIntervalFloor: .seconds(1), jitter: { $0 }),
            throttle: throttle
        )
    }

    @Test("onAccepted sees the operation URLs verbatim, once, before the first poll")
    func acceptedCallback() async throws {
        let transport = ScriptedTransport([
            Fixtures.accepted(), Fixtures.status("Succeeded"), reply(.ok, json: try Fixtures.example()),
        ])
        let recorder = AcceptedRecorder()
        _ = try await client(transport).assessPatches(
            vm: Fixtures.vm, deadline: .seconds(600),
            onAccepted: { operation in await recorder.record(operation, requestsSoFar: await transport.requests.count) },
            logger: Logger(label: "t")
        )
        let operations = await recorder.operations
        #expect(operations == [AcceptedOperation(statusURL: Fixtures.statusURL, locationURL: Fixtures.locationURL, requestID: "req-post", correlationID: nil)])
        #expect(await recorder.requestsSeenAtCallback == [1])
    }

    @Test("resuming polls the persisted URLs and never POSTs again")
    func resume() async throws {
        let transport = ScriptedTransport([
            Fixtures.status("InProgress"), Fixtures.status("Succeeded"), reply(.ok, json: try Fixtures.example()),
        ])
        let accepted = AcceptedOperation(statusURL: Fixtures.statusURL, locationURL: Fixtures.locationURL, requestID: "req-old", correlationID: "c")
        let response = try await client(transport).resumeAssessment(
            vm: Fixtures.vm, operation: accepted, deadline: .seconds(600), logger: Logger(label: "t")
        )
        #expect(response.requestID == "req-old")
        #expect(response.result.otherPatchCount == 2)
        #expect(await transport.methods == [.GET, .GET, .GET])
    }

    @Test("resuming an operation Azure forgot is operation_lost")
    func resumeLost() async throws {
        let transport = ScriptedTransport([reply(.notFound, json: #"{"error":{"code":"NotFound","message":"gone"}}"#)])
        let accepted = AcceptedOperation(statusURL: Fixtures.statusURL, locationURL: nil, requestID: nil, correlationID: nil)
        let error = try await #require(throws: AzureError.self) {
            try await client(transport).resumeAssessment(vm: Fixtures.vm, operation: accepted, deadline: .seconds(60), logger: Logger(label: "t"))
        }
        #expect(error.code == .operationLost)
    }

    @Test("the throttle is charged before every attempt and sees every response")
    func throttleHooks() async throws {
        let throttle = RecordingThrottle()
        let transport = ScriptedTransport([
            reply(.tooManyRequests, headers: [("Retry-After", "1")]),
            Fixtures.accepted(),
            Fixtures.status("InProgress"),
            Fixtures.status("Succeeded"),
            reply(.ok, json: try Fixtures.example()),
        ])
        _ = try await client(transport, throttle: throttle).assessPatches(
            vm: Fixtures.vm, location: "westeurope", deadline: .seconds(600), logger: Logger(label: "t")
        )
        #expect(await throttle.acquired == [.assessPatches, .assessPatches, .pollOperation, .pollOperation, .pollOperation])
        #expect(await throttle.observedStatuses == [429, 202, 200, 200, 200])
        #expect(await throttle.locations == ["westeurope"])
        #expect(await throttle.limits.first == .seconds(600), "the throttle is told what is left of the deadline")
    }

    @Test("a rate-limit wait that would outlast the per-assessment deadline times the assessment out without a request")
    func throttleWaitPastDeadline() async throws {
        let transport = ScriptedTransport([Fixtures.accepted()])
        let error = await #expect(throws: AzureError.self) {
            try await client(transport, throttle: ExhaustedThrottle()).assessPatches(
                vm: Fixtures.vm, deadline: .seconds(600), logger: Logger(label: "t")
            )
        }
        #expect(error?.code == .timedOut)
        #expect(error?.message.contains("scan.deadline") == true)
        #expect(await transport.requests.isEmpty)
    }
}
