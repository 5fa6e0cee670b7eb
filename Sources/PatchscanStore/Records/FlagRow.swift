import GRDB

/// A `flag` row, with the flagged VM's `resource_id` joined in.
public struct FlagRow: Sendable, Hashable, Identifiable, Codable, FetchableRecord, TableRecord {
    /// The table name.
    public static let databaseTableName = "flag"

    /// `id`.
    public var id: Int64
    /// `run_id`.
    public var runID: Int64
    /// `vm_id`.
    public var vmID: Int64
    /// `vm.resource_id` of the flagged VM, as last configured.
    public var resourceID: String
    /// `assessment_id`: the assessment that raised the flag.
    public var assessmentID: Int64
    /// `kind`: one of the ``StoredFlagKind`` constants.
    public var kind: String
    /// `value`: the observed value.
    public var value: Int
    /// `threshold`: the configured threshold.
    public var threshold: Int

    private enum CodingKeys: String, CodingKey {
        case id
        case runID = "run_id"
        case vmID = "vm_id"
        case resourceID = "resource_id"
        case assessmentID = "assessment_id"
        case kind
        case value
        case threshold
    }
}
