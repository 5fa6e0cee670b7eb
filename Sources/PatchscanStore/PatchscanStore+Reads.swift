import Foundation
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

    /// The flag kinds raised by each VM's latest successful assessment, for the VMs in `vmIDs`.
    ///
    /// A VM whose latest successful assessment raised no flag maps to an empty set; a VM never assessed
    /// successfully is left out.
    public func latestFlagKinds(vmIDs: [Int64]) async throws -> [Int64: Set<String>] {
        guard !vmIDs.isEmpty else { return [:] }
        let wanted = Set(vmIDs)
        return try await writer.read { db in
            var kinds: [Int64: Set<String>] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT v.id AS vm_id, f.kind AS kind
                    FROM vm AS v
                    JOIN assessment AS a ON a.id = (
                        SELECT newest.id FROM assessment AS newest
                        WHERE newest.vm_id = v.id AND newest.outcome = 'succeeded'
                        ORDER BY newest.started_at DESC, newest.id DESC
                        LIMIT 1
                    )
                    LEFT JOIN flag AS f ON f.assessment_id = a.id
                    """
            )
            while let row = try rows.next() {
                let vmID: Int64 = row["vm_id"]
                guard wanted.contains(vmID) else { continue }
                var vmKinds = kinds[vmID] ?? []
                if let kind: String = row["kind"] { vmKinds.insert(kind) }
                kinds[vmID] = vmKinds
            }
            return kinds
        }
    }

    /// When the last completed scan run finished (a daemon cycle or a manual scan), or `nil` when none has.
    public func lastCompletedRunFinishedAt() async throws -> Date? {
        try await writer.read { db in
            try Date.fetchOne(db, sql: "SELECT max(finished_at) FROM scan_run WHERE status = ?", arguments: [RunStatus.completed])
        }
    }
}
