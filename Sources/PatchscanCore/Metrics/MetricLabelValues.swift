extension PatchscanMetrics {
    /// Which Azure call an HTTP request was, the value of the ``Label/operation`` label.
    public struct Operation: Hashable, Sendable, CustomStringConvertible {
        /// The label value.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// `POST …/oauth2/v2.0/token`: a client-credentials token request to Entra ID.
        public static let token = Operation("token")
        /// `POST …/assessPatches`: starting an assessment.
        public static let assessPatches = Operation("assess_patches")
        /// `GET …/operations/…`: polling an operation's status (`Azure-AsyncOperation`).
        public static let pollStatus = Operation("poll_status")
        /// `GET …/operations/…?…monitor=true`: fetching an operation's result (`Location`).
        public static let pollResult = Operation("poll_result")
        /// Any other request.
        public static let other = Operation("other")
    }

    /// The result of one HTTP request, the value of the ``Label/status`` label.
    public struct RequestStatus: Hashable, Sendable, CustomStringConvertible {
        /// The label value: the decimal status code, or `transport_error`.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A response arrived with this HTTP status code.
        public static func http(_ code: Int) -> RequestStatus { RequestStatus(String(code)) }
        /// No response arrived (connect failure, reset, timeout).
        public static let transportError = RequestStatus("transport_error")
    }

    /// A client-side rate-limit bucket, the value of the ``Label/bucket`` label.
    ///
    /// Bucket kinds, not bucket instances: every subscription's and region's buckets of one kind share a label
    /// value, so the label set stays small and carries no resource ids.
    public struct Bucket: Hashable, Sendable, CustomStringConvertible {
        /// The label value.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// ARM writes per subscription (assessPatches POSTs count here too).
        public static let armWrites = Bucket("arm_writes")
        /// ARM reads per subscription.
        public static let armReads = Bucket("arm_reads")
        /// Compute's guest-patch budget per subscription and region.
        public static let guestPatchRegion = Bucket("guest_patch_region")
        /// The guest-patch budget of one VM.
        public static let guestPatchVM = Bucket("guest_patch_vm")
        /// Operation polls.
        public static let getOperation = Bucket("get_operation")
        /// A 429 that could not be attributed to a bucket.
        public static let unknown = Bucket("unknown")

        /// Every bucket kind, in a stable order.
        public static let all: [Bucket] = [
            .armWrites, .armReads, .guestPatchRegion, .guestPatchVM, .getOperation, .unknown,
        ]
    }
}
