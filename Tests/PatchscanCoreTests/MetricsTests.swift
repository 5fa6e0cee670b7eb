import AsyncHTTPClient
import AzureCompute
import Clocks
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PatchscanCore
import Prometheus
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// The exposition lines of `registry`.
private func exposition(_ registry: PrometheusCollectorRegistry) -> Set<String> {
    Set(registry.emitToString().split(separator: "\n").map(String.init))
}

/// Records an issue for each of `expected` that `lines` lacks.
private func expectLines(
    _ expected: [String],
    in lines: Set<String>,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for line in expected {
        #expect(lines.contains(line), "missing: \(line)", sourceLocation: sourceLocation)
    }
}

private let quietLogger = Logger(label: "MetricsTests", factory: { _ in SwiftLogNoOpLogHandler() })

@Suite("Metrics: names, labels and values")
struct PatchscanMetricsTests {
    @Test("every helper writes its series with the documented name, labels and value")
    func helpers() {
        let backend = PrometheusMetricsBackend()
        let metrics = backend.metrics
        metrics.recordAzureRequest(operation: .assessPatches, status: .http(202), duration: .milliseconds(300))
        metrics.recordAzureRequest(operation: .assessPatches, status: .http(202), duration: .milliseconds(300))
        metrics.recordAzureRequest(operation: .pollStatus, status: .transportError, duration: .seconds(2))
        metrics.recordThrottled(bucket: .guestPatchRegion)
        metrics.recordRateLimitWait(bucket: .armWrites, duration: .seconds(90))
        metrics.recordAssessment(outcome: "succeeded")
        metrics.recordAssessment(outcome: "not_found")
        metrics.recordAssessment(outcome: "not_found")
        metrics.lroStarted()
        metrics.lroStarted()
        metrics.lroFinished()
        metrics.recordCycle(duration: .seconds(45 * 60))
        metrics.recordSuccessfulCycle(finishedAt: Date(timeIntervalSince1970: 1_800_000_000))
        metrics.setVMsFlagged([.rebootPending: 3, .otherPatches: 1])
        metrics.setVMs(configured: 1_000, due: 40, inFlight: 16)
        metrics.recordConfigReload(applied: true)
        metrics.recordConfigReload(applied: false)
        metrics.recordConfigReload(applied: false)

        expectLines([
            "# TYPE patchscan_azure_requests_total counter",
            #"patchscan_azure_requests_total{operation="assess_patches",status="202"} 2"#,
            #"patchscan_azure_requests_total{operation="poll_status",status="transport_error"} 1"#,
            "# TYPE patchscan_azure_request_duration_seconds histogram",
            #"patchscan_azure_request_duration_seconds_bucket{operation="assess_patches",le="0.25"} 0"#,
            #"patchscan_azure_request_duration_seconds_bucket{operation="assess_patches",le="0.5"} 2"#,
            #"patchscan_azure_request_duration_seconds_sum{operation="assess_patches"} 0.6"#,
            #"patchscan_azure_request_duration_seconds_count{operation="assess_patches"} 2"#,
            #"patchscan_azure_request_duration_seconds_bucket{operation="poll_status",le="1.0"} 0"#,
            #"patchscan_azure_request_duration_seconds_bucket{operation="poll_status",le="2.5"} 1"#,
            #"patchscan_azure_throttled_total{bucket="guest_patch_region"} 1"#,
            #"patchscan_azure_throttled_total{bucket="arm_writes"} 0"#,
            #"patchscan_rate_limit_wait_seconds_bucket{bucket="arm_writes",le="60.0"} 0"#,
            #"patchscan_rate_limit_wait_seconds_bucket{bucket="arm_writes",le="300.0"} 1"#,
            #"patchscan_rate_limit_wait_seconds_sum{bucket="arm_writes"} 90.0"#,
            "# TYPE patchscan_assessments_total counter",
            #"patchscan_assessments_total{outcome="succeeded"} 1"#,
            #"patchscan_assessments_total{outcome="not_found"} 2"#,
            "# TYPE patchscan_lro_in_flight gauge",
            "patchscan_lro_in_flight 1.0",
            "# TYPE patchscan_cycle_duration_seconds histogram",
            #"patchscan_cycle_duration_seconds_bucket{le="1800.0"} 0"#,
            #"patchscan_cycle_duration_seconds_bucket{le="3600.0"} 1"#,
            "patchscan_cycle_duration_seconds_sum 2700.0",
            "# TYPE patchscan_last_successful_cycle_timestamp_seconds gauge",
            "patchscan_last_successful_cycle_timestamp_seconds 1800000000.0",
            #"patchscan_vms_flagged{kind="reboot_pending"} 3.0"#,
            #"patchscan_vms_flagged{kind="critical_and_security_patches"} 0.0"#,
            #"patchscan_vms_flagged{kind="other_patches"} 1.0"#,
            #"patchscan_vms{state="configured"} 1000.0"#,
            #"patchscan_vms{state="due"} 40.0"#,
            #"patchscan_vms{state="in_flight"} 16.0"#,
            #"patchscan_config_reloads_total{result="applied"} 1"#,
            #"patchscan_config_reloads_total{result="rejected"} 2"#,
        ], in: exposition(backend.registry))
    }

    @Test("series with known labels are exported as 0 before their first event, and never reset")
    func knownSeries() {
        let backend = PrometheusMetricsBackend()
        let metrics = backend.metrics
        var expected = PatchscanMetrics.Bucket.all.map { #"patchscan_azure_throttled_total{bucket="\#($0.name)"} 0"# }
        expected += [
            "patchscan_lro_in_flight 0.0",
            #"patchscan_vms_flagged{kind="reboot_pending"} 0.0"#,
            #"patchscan_vms{state="due"} 0.0"#,
            #"patchscan_config_reloads_total{result="applied"} 0"#,
            #"patchscan_config_reloads_total{result="rejected"} 0"#,
        ]
        expectLines(expected, in: exposition(backend.registry))

        metrics.lroStarted()
        metrics.recordThrottled(bucket: .armReads)
        _ = PatchscanMetrics(factory: backend.factory)
        expectLines(
            ["patchscan_lro_in_flight 1.0", #"patchscan_azure_throttled_total{bucket="arm_reads"} 1"#],
            in: exposition(backend.registry)
        )
    }

    @Test("a flag kind missing from the counts goes back to 0")
    func flaggedReset() {
        let backend = PrometheusMetricsBackend()
        backend.metrics.setVMsFlagged([.criticalAndSecurityPatches: 5])
        backend.metrics.setVMsFlagged([:])
        expectLines([#"patchscan_vms_flagged{kind="critical_and_security_patches"} 0.0"#], in: exposition(backend.registry))
    }

    @Test("each backend has its own registry, so tests in one process do not see each other's metrics")
    func independentBackends() {
        let first = PrometheusMetricsBackend()
        let second = PrometheusMetricsBackend()
        first.metrics.recordAssessment(outcome: "succeeded")
        #expect(exposition(first.registry).contains(#"patchscan_assessments_total{outcome="succeeded"} 1"#))
        #expect(!exposition(second.registry).contains { $0.hasPrefix("patchscan_assessments_total") })
    }

    @Test("histograms use the documented bucket ranges")
    func bucketRanges() {
        let backend = PrometheusMetricsBackend()
        backend.metrics.recordAzureRequest(operation: .token, status: .http(200), duration: .milliseconds(10))
        backend.metrics.recordCycle(duration: .seconds(1))
        backend.metrics.recordRateLimitWait(bucket: .getOperation, duration: .milliseconds(5))
        let lines = exposition(backend.registry)
        let le = { (prefix: String) in lines.filter { $0.hasPrefix(prefix) }.count }
        expectLines([
            #"patchscan_azure_request_duration_seconds_bucket{operation="token",le="0.05"} 1"#,
            #"patchscan_azure_request_duration_seconds_bucket{operation="token",le="60.0"} 1"#,
            #"patchscan_cycle_duration_seconds_bucket{le="1.0"} 1"#,
            #"patchscan_cycle_duration_seconds_bucket{le="21600.0"} 1"#,
            #"patchscan_rate_limit_wait_seconds_bucket{bucket="get_operation",le="0.01"} 1"#,
            #"patchscan_rate_limit_wait_seconds_bucket{bucket="get_operation",le="1200.0"} 1"#,
        ], in: lines)
        #expect(le("patchscan_azure_request_duration_seconds_bucket") == PrometheusMetricsBackend.HistogramBuckets.azureRequestDuration.count + 1)
        #expect(le("patchscan_cycle_duration_seconds_bucket") == PrometheusMetricsBackend.HistogramBuckets.cycleDuration.count + 1)
        #expect(le("patchscan_rate_limit_wait_seconds_bucket") == PrometheusMetricsBackend.HistogramBuckets.rateLimitWait.count + 1)
    }
}

/// Answers every request with `respond`.
private struct FakeTransport: HTTPTransport {
    let respond: @Sendable (TransportRequest) async throws(TransportError) -> TransportResponse

    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        try await respond(request)
    }
}

@Suite("Metrics: instrumented transport")
struct InstrumentedTransportTests {
    private static let arm = "https://management.azure.com"
    private static let vm = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01"
    private static let operation = "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Compute/locations/eastus/operations/op-1?p=abc&api-version=2022-08-01"

    @Test("requests are classified by method and path", arguments: [
        (HTTPMethod.POST, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", PatchscanMetrics.Operation.token),
        (.POST, "http://127.0.0.1:8080/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token", .token),
        (.POST, "\(arm)\(vm)/assessPatches?api-version=2022-08-01", .assessPatches),
        (.POST, "\(arm)\(vm)/ASSESSPATCHES?api-version=2022-08-01", .assessPatches),
        (.GET, "\(arm)\(operation)", .pollStatus),
        (.GET, "\(arm)\(operation)&monitor=true", .pollResult),
        (.GET, "\(arm)\(operation.replacingOccurrences(of: "?p=abc&", with: "?monitor=true&"))", .pollResult),
        (.GET, "\(arm)\(operation)&monitor=false", .pollStatus),
        (.GET, "\(arm)\(vm)?api-version=2022-08-01", .other),
        (.GET, "\(arm)\(vm)/assessPatches?api-version=2022-08-01", .other),
        (.GET, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", .other),
        (.POST, "\(arm)\(operation)", .other),
        (.GET, "https://example.com/?next=/operations/x", .other),
    ])
    func classifies(method: HTTPMethod, url: String, expected: PatchscanMetrics.Operation) {
        #expect(PatchscanMetrics.Operation(classifying: TransportRequest(method: method, url: url)) == expected)
    }

    @Test("every request is counted by operation and status and timed on the injected clock")
    func countsAndTimes() async throws {
        let clock = TestClock()
        let backend = PrometheusMetricsBackend()
        let base = FakeTransport { request throws(TransportError) in
            if request.url.contains("monitor=true") {
                throw TransportError(requestNotSent: false, reason: "connection reset")
            }
            await clock.advance(by: .milliseconds(300))
            let status: HTTPResponseStatus = request.method == .POST ? .accepted : .tooManyRequests
            return TransportResponse(status: status)
        }
        let transport = InstrumentedTransport(wrapping: base, metrics: backend.metrics, clock: clock)

        let accepted = try await transport.send(TransportRequest(method: .POST, url: "\(Self.arm)\(Self.vm)/assessPatches"))
        #expect(accepted.status == .accepted)
        _ = try await transport.send(TransportRequest(method: .GET, url: "\(Self.arm)\(Self.operation)"))
        _ = try await transport.send(TransportRequest(method: .GET, url: "\(Self.arm)\(Self.operation)"))
        await #expect(throws: TransportError.self) {
            try await transport.send(TransportRequest(method: .GET, url: "\(Self.arm)\(Self.operation)&monitor=true"))
        }

        expectLines([
            #"patchscan_azure_requests_total{operation="assess_patches",status="202"} 1"#,
            #"patchscan_azure_requests_total{operation="poll_status",status="429"} 2"#,
            #"patchscan_azure_requests_total{operation="poll_result",status="transport_error"} 1"#,
            #"patchscan_azure_request_duration_seconds_sum{operation="assess_patches"} 0.3"#,
            #"patchscan_azure_request_duration_seconds_sum{operation="poll_status"} 0.6"#,
            #"patchscan_azure_request_duration_seconds_count{operation="poll_status"} 2"#,
            #"patchscan_azure_request_duration_seconds_sum{operation="poll_result"} 0.0"#,
        ], in: exposition(backend.registry))
    }
}

/// Switches what `/readyz` reports during a test.
private actor ReadinessSwitch {
    var value: Readiness
    init(_ value: Readiness) { self.value = value }
    func set(_ value: Readiness) { self.value = value }
}

/// A GET's status, `Content-Type` and body.
private struct Fetched {
    var status: HTTPResponseStatus
    var contentType: String?
    var body: String
}

private func get(_ url: String, with client: HTTPClient) async throws -> Fetched {
    let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 20)
    return Fetched(status: response.status, contentType: response.headers.first(name: "Content-Type"), body: String(buffer: body))
}

/// Runs a ``MetricsServer`` on a free loopback port, hands `body` its base URL and an HTTP client, then shuts it
/// down gracefully; returns only once the server has stopped, and fails if it stopped with an error.
private func withMetricsServer<T: Sendable>(
    registry: PrometheusCollectorRegistry,
    readiness: @escaping ReadinessProvider = { .ready },
    _ body: @Sendable (String, HTTPClient) async throws -> T
) async throws -> T {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let server = MetricsServer(
        address: ListenAddress(host: "127.0.0.1", port: 0),
        registry: registry,
        readiness: readiness,
        logger: quietLogger,
        onListening: { portContinuation.yield($0) }
    )
    return try await testGracefulShutdown { trigger in
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await server.run()
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next(), "the server stopped before it listened")
            let value = try await HTTPClient.withHTTPClient { client in
                try await body("http://127.0.0.1:\(port)", client)
            }
            trigger.triggerGracefulShutdown()
            try await group.waitForAll()
            return value
        }
    }
}

@Suite("Metrics: HTTP endpoints", .timeLimit(.minutes(1)))
struct MetricsServerTests {
    @Test("GET /metrics serves the registry in the Prometheus text format")
    func metrics() async throws {
        let backend = PrometheusMetricsBackend()
        backend.metrics.recordAzureRequest(operation: .assessPatches, status: .http(202), duration: .milliseconds(120))
        backend.metrics.recordAssessment(outcome: "throttled")
        try await withMetricsServer(registry: backend.registry) { url, client in
            let first = try await get("\(url)/metrics", with: client)
            #expect(first.status == .ok)
            #expect(first.contentType == "text/plain; version=0.0.4; charset=utf-8")
            let lines = Set(first.body.split(separator: "\n").map(String.init))
            expectLines([
                "# TYPE patchscan_azure_requests_total counter",
                #"patchscan_azure_requests_total{operation="assess_patches",status="202"} 1"#,
                #"patchscan_azure_request_duration_seconds_bucket{operation="assess_patches",le="0.25"} 1"#,
                #"patchscan_assessments_total{outcome="throttled"} 1"#,
                "patchscan_lro_in_flight 0.0",
            ], in: lines)

            backend.metrics.recordAssessment(outcome: "throttled")
            let second = try await get("\(url)/metrics", with: client)
            #expect(second.body.contains(#"patchscan_assessments_total{outcome="throttled"} 2"#))
        }
    }

    @Test("GET /healthz answers ok while the process runs; unknown paths are 404")
    func healthz() async throws {
        try await withMetricsServer(registry: PrometheusCollectorRegistry(), readiness: { .notReady("database not open") }) { url, client in
            let health = try await get("\(url)/healthz", with: client)
            #expect(health.status == .ok)
            #expect(health.body == "ok\n")
            #expect(try await get("\(url)/nothing", with: client).status == .notFound)
        }
    }

    @Test("GET /readyz is 503 with the reason until the provider says ready, then 200")
    func readyz() async throws {
        let state = ReadinessSwitch(.notReady("database not open"))
        try await withMetricsServer(registry: PrometheusCollectorRegistry(), readiness: { await state.value }) { url, client in
            let closed = try await get("\(url)/readyz", with: client)
            #expect(closed.status == .serviceUnavailable)
            #expect(closed.body == "database not open\n")

            await state.set(.ready)
            let ready = try await get("\(url)/readyz", with: client)
            #expect(ready.status == .ok)
            #expect(ready.body == "ready\n")

            await state.set(.notReady("no cycle finished in the last 12h (2× schedule.interval)"))
            let stale = try await get("\(url)/readyz", with: client)
            #expect(stale.status == .serviceUnavailable)
            #expect(stale.body.contains("no cycle finished in the last 12h"))
        }
    }

    @Test("a non-loopback address is announced, and an address it cannot listen on is explained")
    func nonLoopbackAndListenFailure() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: LogEvent.self)
        let logger = Logger(label: "MetricsServerTests") { _ in StreamLogHandler(continuation: continuation) }
        // 192.0.2.0/24 is reserved for documentation, so no interface here has it and binding fails.
        let address = ListenAddress(host: "192.0.2.1", port: 0)
        let server = MetricsServer(address: address, registry: PrometheusCollectorRegistry(), readiness: { .ready }, logger: logger)

        let error = try await #require(throws: MetricsServerError.self) { try await server.run() }
        #expect(error.code == .serverFailed)
        #expect(error.address == address)
        #expect(error.message.contains("192.0.2.1:0"))
        #expect(error.message.contains("metrics.address"))

        continuation.finish()
        var notices: [LogEvent] = []
        for await event in events where event.level == .notice {
            notices.append(event)
        }
        #expect(notices.count == 1)
        #expect(notices.first?.metadata?["metrics.address"] == "192.0.2.1:0")
    }

    @Test("a loopback address is not announced as exposed")
    func loopbackIsQuiet() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: LogEvent.self)
        let logger = Logger(label: "MetricsServerTests") { _ in StreamLogHandler(continuation: continuation) }
        let server = MetricsServer(
            address: ListenAddress(host: "127.0.0.1", port: 0),
            registry: PrometheusCollectorRegistry(),
            readiness: { .ready },
            logger: logger,
            onListening: { _ in continuation.finish() }
        )
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                var levels: [Logger.Level] = []
                for await event in events {
                    levels.append(event.level)
                }
                #expect(!levels.contains(.notice))
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }
}

/// Hands every log event to a stream.
private struct StreamLogHandler: LogHandler {
    let continuation: AsyncStream<LogEvent>.Continuation
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        continuation.yield(event)
    }
}

@Suite("Metrics: readiness rule")
struct ReadinessRuleTests {
    private let interval = Duration.seconds(6 * 3_600)

    @Test("not ready until start-up finished, whatever the cycles")
    func notStarted() {
        let readiness = Readiness.evaluate(started: false, sinceStart: .seconds(1), sinceLastCycle: .seconds(1), interval: interval)
        #expect(readiness == .notReady("starting: database and schedule not ready yet"))
        #expect(!readiness.isReady)
    }

    @Test("ready while the first cycle still has two intervals to finish")
    func startingUp() {
        #expect(Readiness.evaluate(started: true, sinceStart: .zero, sinceLastCycle: nil, interval: interval).isReady)
        #expect(Readiness.evaluate(started: true, sinceStart: interval * 2, sinceLastCycle: nil, interval: interval).isReady)
        let late = Readiness.evaluate(started: true, sinceStart: interval * 2 + .seconds(1), sinceLastCycle: nil, interval: interval)
        #expect(late == .notReady("no cycle finished in the last 12h (2× schedule.interval)"))
    }

    @Test("ready when a cycle finished within two intervals, not after")
    func recentCycle() {
        let long = Duration.seconds(30 * 86_400)
        #expect(Readiness.evaluate(started: true, sinceStart: long, sinceLastCycle: .seconds(60), interval: interval).isReady)
        #expect(Readiness.evaluate(started: true, sinceStart: long, sinceLastCycle: interval * 2, interval: interval).isReady)
        let stale = Readiness.evaluate(started: true, sinceStart: long, sinceLastCycle: interval * 2 + .seconds(1), interval: interval)
        #expect(!stale.isReady)
        #expect(stale.reason.contains("12h"))
    }
}

@Suite("Metrics: documentation and dashboard")
struct MetricsDocumentationTests {
    /// The metric names `text` mentions, with histogram suffixes removed.
    private static func metricNames(in text: String) -> Set<String> {
        let names = text.matches(of: /patchscan_[a-z_]+/).map { match in
            var name = String(match.output)
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                name.removeLast(suffix.count)
            }
            return name
        }
        return Set(names)
    }

    @Test("docs/metrics.md has a table row for every metric and names no other")
    func documentation() throws {
        let text = try String(contentsOfFile: repositoryFile("docs/metrics.md"), encoding: .utf8)
        for name in PatchscanMetrics.Name.all {
            #expect(text.contains("| `\(name)` |"), "no table row for \(name)")
        }
        #expect(Self.metricNames(in: text) == Set(PatchscanMetrics.Name.all))
    }

    @Test("the Grafana dashboard is valid JSON, uses every metric, and names no other")
    func dashboard() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryFile("deploy/grafana/patchscan.json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 39)
        let inputs = try #require(json["__inputs"] as? [[String: Any]])
        #expect(inputs.first?["name"] as? String == "DS_PROMETHEUS")
        let panels = try #require(json["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
        }
        #expect(Self.metricNames(in: expressions.joined(separator: "\n")) == Set(PatchscanMetrics.Name.all))
    }
}
