import CoreMetrics
import Foundation
import Metrics

/// patchscan's metrics, emitted through an injected swift-metrics factory.
///
/// Components take a `PatchscanMetrics` value instead of reaching for `MetricsSystem`, so tests in one process can
/// each read their own registry (see ``PrometheusMetricsBackend``). The names and labels are in ``Name`` and
/// ``Label``; none carries a VM id.
public struct PatchscanMetrics: Sendable {
    private let factory: any MetricsFactory

    /// Emits into `factory` and registers every series whose labels are known up front (reload results, bucket
    /// kinds, flag kinds, VM states, LROs in flight), so they are exported as 0 before their first event and
    /// `rate()`/`increase()` see the first one.
    public init(factory: any MetricsFactory) {
        self.factory = factory
        registerKnownSeries()
    }

    /// Counts one HTTP request to Azure and records how long it took.
    public func recordAzureRequest(operation: Operation, status: RequestStatus, duration: Duration) {
        Counter(
            label: Name.azureRequests,
            dimensions: [(Label.operation, operation.name), (Label.status, status.name)],
            factory: factory
        ).increment()
        CoreMetrics.Timer(label: Name.azureRequestDuration, dimensions: [(Label.operation, operation.name)], factory: factory)
            .record(duration: duration)
    }

    /// Counts one 429 response, attributed to the bucket whose budget it hit.
    public func recordThrottled(bucket: Bucket) {
        throttledCounter(bucket).increment()
    }

    /// Records time a request spent waiting for a token from a client-side rate-limit bucket.
    public func recordRateLimitWait(bucket: Bucket, duration: Duration) {
        CoreMetrics.Timer(label: Name.rateLimitWait, dimensions: [(Label.bucket, bucket.name)], factory: factory)
            .record(duration: duration)
    }

    /// Counts one finished assessment.
    ///
    /// - Parameter outcome: `succeeded` (``ScanOutcome/succeeded``), ``ScanOutcome/assessmentFailed`` or a failure
    ///   code (`AzureError.Code.name`, such as `throttled` or `not_found`).
    public func recordAssessment(outcome: String) {
        Counter(label: Name.assessments, dimensions: [(Label.outcome, outcome)], factory: factory).increment()
    }

    /// Notes that polling of one assessPatches operation began (new or resumed after a restart).
    public func lroStarted() {
        lroInFlight.increment()
    }

    /// Notes that polling of one operation ended, whatever its outcome; pairs with ``lroStarted()``.
    public func lroFinished() {
        lroInFlight.decrement()
    }

    /// Records how long one scan cycle took.
    public func recordCycle(duration: Duration) {
        CoreMetrics.Timer(label: Name.cycleDuration, factory: factory).record(duration: duration)
    }

    /// Records when the latest successful cycle finished (also at startup, from the store, so the gauge survives
    /// restarts).
    public func recordSuccessfulCycle(finishedAt date: Date) {
        Meter(label: Name.lastSuccessfulCycleTimestamp, factory: factory).set(date.timeIntervalSince1970)
    }

    /// Sets how many VMs are flagged, per kind; kinds missing from `counts` are set to 0.
    public func setVMsFlagged(_ counts: [FlagKind: Int]) {
        let kinds = Self.flagKinds + counts.keys.filter { !Self.flagKinds.contains($0) }.sorted { $0.name < $1.name }
        for kind in kinds {
            flaggedGauge(kind).set(counts[kind] ?? 0)
        }
    }

    /// Sets how many VMs are configured, due for an assessment now, and being assessed.
    public func setVMs(configured: Int, due: Int, inFlight: Int) {
        vmsGauge(Self.vmStateConfigured).set(configured)
        vmsGauge(Self.vmStateDue).set(due)
        vmsGauge(Self.vmStateInFlight).set(inFlight)
    }

    /// Counts one configuration reload: `applied` when the new file took effect, otherwise rejected.
    public func recordConfigReload(applied: Bool) {
        reloadCounter(applied ? Self.reloadApplied : Self.reloadRejected).increment()
    }
}

extension PatchscanMetrics {
    static let reloadApplied = "applied"
    static let reloadRejected = "rejected"
    static let vmStateConfigured = "configured"
    static let vmStateDue = "due"
    static let vmStateInFlight = "in_flight"
    static let flagKinds: [FlagKind] = [.rebootPending, .criticalAndSecurityPatches, .otherPatches]

    private var lroInFlight: Meter {
        Meter(label: Name.lroInFlight, factory: factory)
    }

    private func throttledCounter(_ bucket: Bucket) -> Counter {
        Counter(label: Name.azureThrottled, dimensions: [(Label.bucket, bucket.name)], factory: factory)
    }

    private func flaggedGauge(_ kind: FlagKind) -> Meter {
        Meter(label: Name.vmsFlagged, dimensions: [(Label.kind, kind.name)], factory: factory)
    }

    private func vmsGauge(_ state: String) -> Meter {
        Meter(label: Name.vms, dimensions: [(Label.state, state)], factory: factory)
    }

    private func reloadCounter(_ result: String) -> Counter {
        Counter(label: Name.configReloads, dimensions: [(Label.result, result)], factory: factory)
    }

    /// Creating a handle registers its series at 0 without changing a value already there.
    private func registerKnownSeries() {
        _ = lroInFlight
        for bucket in Bucket.all { _ = throttledCounter(bucket) }
        for kind in Self.flagKinds { _ = flaggedGauge(kind) }
        for state in [Self.vmStateConfigured, Self.vmStateDue, Self.vmStateInFlight] { _ = vmsGauge(state) }
        for result in [Self.reloadApplied, Self.reloadRejected] { _ = reloadCounter(result) }
    }
}
