import Foundation

/// `CloudError`: the `{"error": {...}}` envelope of ARM and Compute error responses.
public struct CloudError: Sendable, Hashable, Codable {
    /// The error.
    public var error: APIError?
}

/// `ApiError`, parsed leniently: ARM front-door errors and Compute errors share this shape.
public struct APIError: Sendable, Hashable, Codable {
    /// Machine-readable code, e.g. `OperationNotAllowed`.
    public var code: String?
    /// Human-readable message.
    public var message: String?
    /// What the error is about.
    public var target: String?
    /// Nested errors; the innermost usually names the root cause.
    public var details: [APIErrorDetail]?
    /// Internal diagnostics.
    public var innererror: InnerError?

    /// Creates an error value.
    public init(
        code: String? = nil,
        message: String? = nil,
        target: String? = nil,
        details: [APIErrorDetail]? = nil,
        innererror: InnerError? = nil
    ) {
        self.code = code
        self.message = message
        self.target = target
        self.details = details
        self.innererror = innererror
    }

    /// True when any detail carries Compute's throttling code `TooManyRequests`.
    public var isComputeThrottling: Bool {
        details?.contains { $0.code?.caseInsensitiveCompare("TooManyRequests") == .orderedSame } ?? false
    }
}

/// `ApiErrorBase`: one entry of `details`.
public struct APIErrorDetail: Sendable, Hashable, Codable {
    /// Machine-readable code.
    public var code: String?
    /// What the error is about.
    public var target: String?
    /// Human-readable message (for Compute throttling, a JSON document in a string).
    public var message: String?

    /// Creates a detail.
    public init(code: String? = nil, target: String? = nil, message: String? = nil) {
        self.code = code
        self.target = target
        self.message = message
    }
}

/// `InnerError`: internal diagnostics.
public struct InnerError: Sendable, Hashable, Codable {
    /// The exception type.
    public var exceptiontype: String?
    /// The internal error message or exception dump.
    public var errordetail: String?
}
