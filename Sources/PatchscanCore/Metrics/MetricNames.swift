extension PatchscanMetrics {
    /// The name of every metric patchscan exports. They follow `patchscan_subsystem_name_unit`.
    public enum Name {
        /// Counter: HTTP requests to Azure, by ``Label/operation`` and ``Label/status``.
        public static let azureRequests = "patchscan_azure_requests_total"
        /// Histogram: how long each HTTP request to Azure took, by ``Label/operation``.
        public static let azureRequestDuration = "patchscan_azure_request_duration_seconds"
        /// Counter: 429 responses received, by the rate-limit ``Label/bucket`` they count against.
        public static let azureThrottled = "patchscan_azure_throttled_total"
        /// Histogram: time spent waiting in client-side rate-limit buckets, by ``Label/bucket``.
        public static let rateLimitWait = "patchscan_rate_limit_wait_seconds"
        /// Counter: finished assessments, by ``Label/outcome``.
        public static let assessments = "patchscan_assessments_total"
        /// Gauge: assessPatches long-running operations being polled right now.
        public static let lroInFlight = "patchscan_lro_in_flight"
        /// Histogram: how long a scan cycle took.
        public static let cycleDuration = "patchscan_cycle_duration_seconds"
        /// Gauge: VMs whose latest result is flagged, by ``Label/kind``.
        public static let vmsFlagged = "patchscan_vms_flagged"
        /// Gauge: when the last cycle that succeeded finished, in seconds since 1970-01-01 UTC.
        public static let lastSuccessfulCycleTimestamp = "patchscan_last_successful_cycle_timestamp_seconds"
        /// Counter: configuration reloads, by ``Label/result``.
        public static let configReloads = "patchscan_config_reloads_total"
        /// Gauge: VMs by scheduling ``Label/state``.
        public static let vms = "patchscan_vms"

        /// Every metric name, in the order of the documentation.
        public static let all = [
            azureRequests, azureRequestDuration, azureThrottled, rateLimitWait, assessments, lroInFlight,
            cycleDuration, vmsFlagged, lastSuccessfulCycleTimestamp, configReloads, vms,
        ]
    }

    /// The label names used by patchscan's metrics. No label ever carries a VM id.
    public enum Label {
        /// Which Azure call a request was: one of ``PatchscanMetrics/Operation``.
        public static let operation = "operation"
        /// The HTTP status code of the response, or `transport_error` when none arrived.
        public static let status = "status"
        /// A client-side rate-limit bucket: one of ``PatchscanMetrics/Bucket``.
        public static let bucket = "bucket"
        /// An assessment outcome: `succeeded` or a failure code such as `throttled` or `not_found`.
        public static let outcome = "outcome"
        /// A flag kind: `reboot_pending`, `critical_and_security_patches` or `other_patches`.
        public static let kind = "kind"
        /// A configuration reload result: `applied` or `rejected`.
        public static let result = "result"
        /// A scheduling state: `configured`, `due` or `in_flight`.
        public static let state = "state"
    }
}
