import Foundation
import GRDB

/// A `pending_operation` row joined with its VM: an accepted assessment to resume polling after a restart.
///
/// The URLs are signed: `description` leaves them out so that logging the value does not leak them.
public struct PendingOperation: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `vm_id`.
    public var vmID: Int64
    /// `run_id`: the run that started the assessment.
    public var runID: Int64
    /// `vm.resource_id`.
    public var resourceID: String
    /// `vm.location`, when known.
    public var location: String?
    /// `vm.vm_group`.
    public var group: String?
    /// `accepted_at`: when Azure accepted the call.
    public var acceptedAt: Date
    /// `status_url`: the `Azure-AsyncOperation` URL.
    public var statusURL: String?
    /// `location_url`: the `Location` URL.
    public var locationURL: String?
    /// `request_id`: `x-ms-request-id` of the 202 response.
    public var requestID: String?
    /// `correlation_id`: `x-ms-correlation-request-id` of the 202 response.
    public var correlationID: String?

    /// Creates a pending operation.
    public init(
        vmID: Int64,
        runID: Int64,
        resourceID: String,
        location: String?,
        group: String?,
        acceptedAt: Date,
        statusURL: String?,
        locationURL: String?,
        requestID: String?,
        correlationID: String?
    ) {
        self.vmID = vmID
        self.runID = runID
        self.resourceID = resourceID
        self.location = location
        self.group = group
        self.acceptedAt = acceptedAt
        self.statusURL = statusURL
        self.locationURL = locationURL
        self.requestID = requestID
        self.correlationID = correlationID
    }

    init(row: Row) {
        self.init(
            vmID: row["vm_id"],
            runID: row["run_id"],
            resourceID: row["resource_id"],
            location: row["location"],
            group: row["vm_group"],
            acceptedAt: row["accepted_at"],
            statusURL: row["status_url"],
            locationURL: row["location_url"],
            requestID: row["request_id"],
            correlationID: row["correlation_id"]
        )
    }

    /// The ids, the resource id and the request id, without the signed URLs.
    public var description: String {
        Self.redactedDescription(
            vmID: vmID, runID: runID, acceptedAt: acceptedAt, hasStatusURL: statusURL != nil,
            hasLocationURL: locationURL != nil, requestID: requestID
        ) + " for \(resourceID)"
    }

    /// Same as ``description``: the signed URLs are left out of debug output too.
    public var debugDescription: String { description }

    static func redactedDescription(
        vmID: Int64, runID: Int64, acceptedAt: Date, hasStatusURL: Bool, hasLocationURL: Bool, requestID: String?
    ) -> String {
        let urls = [hasStatusURL ? "status" : nil, hasLocationURL ? "location" : nil].compactMap(\.self)
        return "pending operation (vm \(vmID), run \(runID), accepted \(acceptedAt), "
            + "\(urls.joined(separator: "+")) URL redacted, request id \(requestID ?? "none"))"
    }
}
