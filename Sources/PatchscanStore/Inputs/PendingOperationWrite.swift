import Foundation

/// An assessPatches call Azure accepted (202) whose result is not recorded yet, stored by
/// ``PatchscanStore/recordAccepted(_:)`` before the first poll so that a restarted process resumes polling it.
///
/// The URLs are signed: `description` leaves them out so that logging the value does not leak them.
public struct PendingOperationWrite: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The `vm` row whose assessment is pending.
    public var vmID: Int64
    /// The `scan_run` row the result belongs to.
    public var runID: Int64
    /// When Azure accepted the call.
    public var acceptedAt: Date
    /// The `Azure-AsyncOperation` URL: the operation's status.
    public var statusURL: String?
    /// The `Location` URL: the operation's result.
    public var locationURL: String?
    /// `x-ms-request-id` of the 202 response.
    public var requestID: String?
    /// `x-ms-correlation-request-id` of the 202 response.
    public var correlationID: String?

    /// Creates a pending operation write; at least one of `statusURL` and `locationURL` must be set.
    public init(
        vmID: Int64,
        runID: Int64,
        acceptedAt: Date,
        statusURL: String?,
        locationURL: String?,
        requestID: String? = nil,
        correlationID: String? = nil
    ) {
        self.vmID = vmID
        self.runID = runID
        self.acceptedAt = acceptedAt
        self.statusURL = statusURL
        self.locationURL = locationURL
        self.requestID = requestID
        self.correlationID = correlationID
    }

    /// The ids and request id, without the signed URLs.
    public var description: String {
        PendingOperation.redactedDescription(
            vmID: vmID, runID: runID, acceptedAt: acceptedAt, hasStatusURL: statusURL != nil,
            hasLocationURL: locationURL != nil, requestID: requestID
        )
    }

    /// Same as ``description``: the signed URLs are left out of debug output too.
    public var debugDescription: String { description }
}
