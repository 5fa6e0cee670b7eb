/// An Azure call that did not produce a result: what failed, for which resource, and what to do.
///
/// Descriptions never contain tokens, secrets or operation URLs (which are signed).
public struct AzureError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Extensible: compare with `==`, do not switch exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable snake_case name, also used as the recorded outcome.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The VM or resource group does not exist (404).
        public static let notFound = Code("not_found")
        /// The VM is deallocated or stopped, so nothing can be assessed (409 `OperationNotAllowed`).
        public static let notRunning = Code("not_running")
        /// The VM agent or patch extension is not reporting.
        public static let agentUnavailable = Code("agent_unavailable")
        /// Another operation is in progress on the VM (409).
        public static let conflict = Code("conflict")
        /// Azure throttled the request and retries ran out (429).
        public static let throttled = Code("throttled")
        /// The per-assessment deadline passed.
        public static let timedOut = Code("timed_out")
        /// No token, or Azure rejected the token (401, or an Entra ID error).
        public static let authenticationFailed = Code("auth_failed")
        /// The identity lacks the role action (403 `AuthorizationFailed`).
        public static let forbidden = Code("forbidden")
        /// A response body could not be decoded.
        public static let malformedResponse = Code("malformed_response")
        /// The connection failed or was reset and retries ran out.
        public static let transport = Code("transport_error")
        /// The long-running operation ended `Failed`.
        public static let operationFailed = Code("operation_failed")
        /// The long-running operation ended `Canceled` (for example superseded by a newer one).
        public static let operationCanceled = Code("operation_canceled")
        /// The operation URL answered 404: Azure no longer knows the operation.
        public static let operationLost = Code("operation_lost")
        /// Azure answered 5xx and retries ran out.
        public static let serverError = Code("server_error")
        /// A URL pointed at a host the bearer token must not be sent to.
        public static let untrustedHost = Code("untrusted_host")
        /// Azure rejected the request as malformed (400).
        public static let badRequest = Code("bad_request")
        /// A status code the client does not expect for this call.
        public static let unexpectedResponse = Code("unexpected_response")
        /// The work was cancelled (shutdown).
        public static let cancelled = Code("cancelled")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and what the operator can do.
    public var message: String
    /// The HTTP status of the response that decided the failure, if any.
    public var httpStatus: Int?
    /// The parsed Azure error body, if any.
    public var apiError: APIError?
    /// The long-running operation's terminal status text, when the failure came from it.
    public var operationStatus: String?
    /// `x-ms-request-id` of the deciding response.
    public var requestID: String?
    /// `x-ms-correlation-request-id` of the deciding response.
    public var correlationID: String?

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        httpStatus: Int? = nil,
        apiError: APIError? = nil,
        operationStatus: String? = nil,
        requestID: String? = nil,
        correlationID: String? = nil
    ) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.apiError = apiError
        self.operationStatus = operationStatus
        self.requestID = requestID
        self.correlationID = correlationID
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let status = httpStatus { text += " (HTTP \(status))" }
        if let apiCode = apiError?.code { text += " [\(apiCode)]" }
        return text
    }
}
