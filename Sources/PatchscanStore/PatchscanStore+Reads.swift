import GRDB

extension PatchscanStore {
    /// The scan run with this id, or `nil`.
    public func run(id: Int64) async throws -> ScanRun? {
        try await writer.read { db in
            try ScanRun.fetchOne(db, key: id)
        }
    }

    /// The run's assessments with each VM's resource id, ordered by resource id.
    public func assessments(runID: Int64) async throws -> [AssessmentRow] {
        try await writer.read { db in
            try AssessmentRow.fetchAll(
                db,
                sql: """
                    SELECT assessment.*, vm.resource_id
                    FROM assessment
                    JOIN vm ON vm.id = assessment.vm_id
                    WHERE assessment.run_id = ?
                    ORDER BY vm.resource_id, assessment.id
                    """,
                arguments: [runID]
            )
        }
    }

    /// The patches an assessment listed, in Azure's order.
    public func patches(assessmentID: Int64) async throws -> [PatchRow] {
        try await writer.read { db in
            try PatchRow.fetchAll(
                db,
                sql: "SELECT * FROM patch WHERE assessment_id = ? ORDER BY id",
                arguments: [assessmentID]
            )
        }
    }

    /// The run's flags with each VM's resource id, ordered by resource id then kind.
    public func flags(runID: Int64) async throws -> [FlagRow] {
        try await writer.read { db in
            try FlagRow.fetchAll(
                db,
                sql: """
                    SELECT flag.*, vm.resource_id
                    FROM flag
                    JOIN vm ON vm.id = flag.vm_id
                    WHERE flag.run_id = ?
                    ORDER BY vm.resource_id, flag.kind
                    """,
                arguments: [runID]
            )
        }
    }
}
