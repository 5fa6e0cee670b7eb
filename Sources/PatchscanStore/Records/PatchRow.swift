import GRDB

/// A `patch` row: one available patch listed by one assessment, stored as Azure sent it.
public struct PatchRow: Sendable, Hashable, Identifiable, Codable, FetchableRecord, TableRecord {
    /// The table name.
    public static let databaseTableName = "patch"

    /// `id`.
    public var id: Int64
    /// `assessment_id`.
    public var assessmentID: Int64
    /// `patch_id`.
    public var patchID: String?
    /// `name`.
    public var name: String?
    /// `version`.
    public var version: String?
    /// `kb_id`.
    public var kbID: String?
    /// `classifications`, decoded from the JSON array text, in Azure's order.
    public var classifications: [String]
    /// `reboot_behavior`.
    public var rebootBehavior: String?
    /// `activity_id`.
    public var activityID: String?
    /// `published_date`, verbatim.
    public var publishedDate: String?
    /// `last_modified_date_time`, verbatim.
    public var lastModifiedDateTime: String?
    /// `assessment_state`.
    public var assessmentState: String?

    private enum CodingKeys: String, CodingKey {
        case id
        case assessmentID = "assessment_id"
        case patchID = "patch_id"
        case name
        case version
        case kbID = "kb_id"
        case classifications
        case rebootBehavior = "reboot_behavior"
        case activityID = "activity_id"
        case publishedDate = "published_date"
        case lastModifiedDateTime = "last_modified_date_time"
        case assessmentState = "assessment_state"
    }
}
