import CoreMetrics
import Metrics
import Prometheus

/// A Prometheus registry and the swift-metrics factory that feeds it, with patchscan's histogram buckets.
///
/// `main` creates one, calls ``bootstrap()`` (so third-party libraries' metrics land in the same registry), passes
/// ``factory`` to the components (as ``Dependencies/metricsFactory``) and ``registry`` to the ``MetricsServer``. Tests create one each and never
/// bootstrap, so any number of them coexist in one process.
public struct PrometheusMetricsBackend: Sendable {
    /// What `/metrics` serves.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory over ``registry``.
    public let factory: PrometheusMetricsFactory

    /// Creates an empty registry and a factory over it.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            PatchscanMetrics.Name.azureRequestDuration: HistogramBuckets.azureRequestDuration,
            PatchscanMetrics.Name.cycleDuration: HistogramBuckets.cycleDuration,
            PatchscanMetrics.Name.rateLimitWait: HistogramBuckets.rateLimitWait,
        ]
        self.registry = registry
        self.factory = factory
    }

    /// patchscan's metrics, emitted into ``registry``.
    public var metrics: PatchscanMetrics {
        PatchscanMetrics(factory: factory)
    }

    /// Makes ``factory`` the process-wide swift-metrics backend.
    ///
    /// - Precondition: Called at most once per process (a swift-metrics rule); only `main` calls it.
    public func bootstrap() {
        MetricsSystem.bootstrap(factory)
    }

    /// The upper bounds of patchscan's histogram buckets.
    public enum HistogramBuckets {
        /// ``PatchscanMetrics/Name/azureRequestDuration``: 50 ms to 60 s.
        public static let azureRequestDuration: [Duration] = [
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        /// ``PatchscanMetrics/Name/cycleDuration``: 1 s to 6 h.
        public static let cycleDuration: [Duration] = [
            .seconds(1), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(600),
            .seconds(1_800), .seconds(3_600), .seconds(7_200), .seconds(10_800), .seconds(21_600),
        ]
        /// ``PatchscanMetrics/Name/rateLimitWait``: 10 ms to 20 min (Compute's `Retry-After` can exceed 20 min;
        /// longer waits land in `+Inf`).
        public static let rateLimitWait: [Duration] = [
            .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1),
            .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(600), .seconds(1_200),
        ]
    }
}
