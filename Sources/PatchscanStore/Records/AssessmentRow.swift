import Foundation
import GRDB

/// An `assessment` row, with the assessed VM's `resource_id` joined in.
public struct AssessmentRow: Sendable, Hashable, Identifiable, Codable, FetchableRecord, TableRecord {
    /// The table name.
    public static let databaseTableName = "assessment"

    /// `id`.
    public var id: Int64
    /// `run_id`.
    public var runID: Int64
    /// `vm_id`.
    public var vmID: Int64
    /// `vm.resource_id` of the assessed VM, as last configured.
    public var resourceID: String
    /// `outcome`: `succeeded` or a failure code.
    public var outcome: String
    /// `succeeded`.
    public var succeeded: Bool
    /// `lro_status`.
    public var lroStatus: String?
    /// `result_status`.
    public var resultStatus: String?
    /// `assessment_activity_id`.
    public var assessmentActivityID: String?
    /// `reboot_pending`.
    public var rebootPending: Bool?
    /// `critical_and_security_patch_count`.
    public var criticalAndSecurityPatchCount: Int?
    /// `other_patch_count`.
    public var otherPatchCount: Int?
    /// `assessment_started_at`: Azure's `startDateTime`, verbatim.
    public var assessmentStartedAt: String?
    /// `started_at`: when patchscan started the call.
    public var startedAt: Date
    /// `duration_ms`.
    public var durationMilliseconds: Int
    /// `error_code`.
    public var errorCode: String?
    /// `error_message`.
    public var errorMessage: String?
    /// `error_target`.
    public var errorTarget: String?
    /// `error_details`: the Azure error details array as JSON text.
    public var errorDetailsJSON: String?
    /// `request_id`.
    public var requestID: String?
    /// `correlation_id`.
    public var correlationID: String?
    /// `listed_patch_count`: how many patches the result listed (rows in `patch`).
    public var listedPatchCount: Int

    private enum CodingKeys: String, CodingKey {
        case id
        case runID = "run_id"
        case vmID = "vm_id"
        case resourceID = "resource_id"
        case outcome
        case succeeded
        case lroStatus = "lro_status"
        case resultStatus = "result_status"
        case assessmentActivityID = "assessment_activity_id"
        case rebootPending = "reboot_pending"
        case criticalAndSecurityPatchCount = "critical_and_security_patch_count"
        case otherPatchCount = "other_patch_count"
        case assessmentStartedAt = "assessment_started_at"
        case startedAt = "started_at"
        case durationMilliseconds = "duration_ms"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case errorTarget = "error_target"
        case errorDetailsJSON = "error_details"
        case requestID = "request_id"
        case correlationID = "correlation_id"
        case listedPatchCount = "listed_patch_count"
    }
}
