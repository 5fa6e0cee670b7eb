import Foundation
import GRDB

extension PatchscanStore {
    /// The scheduling state of the given configured VMs, matched case-insensitively, in the order given.
    ///
    /// Resource ids with no `vm` row (not registered yet) are left out; register VMs with
    /// ``registerVMs(_:seenAt:)`` first.
    public func scheduledVMs(resourceIDs: [String]) async throws -> [ScheduledVM] {
        let found = try await writer.read { db in
            var byKey: [String: ScheduledVM] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT v.id, v.resource_id, v.vm_group, v.next_due_at, v.last_assessed_at, (
                        SELECT a.succeeded FROM assessment AS a
                        WHERE a.vm_id = v.id AND a.outcome <> 'skipped_in_flight'
                        ORDER BY a.started_at DESC, a.id DESC
                        LIMIT 1
                    ) AS last_succeeded
                    FROM vm AS v
                    """
            )
            while let row = try rows.next() {
                let resourceID: String = row["resource_id"]
                byKey[resourceID.lowercased()] = ScheduledVM(
                    vmID: row["id"],
                    resourceID: resourceID,
                    group: row["vm_group"],
                    nextDueAt: row["next_due_at"],
                    lastAssessedAt: row["last_assessed_at"],
                    lastAssessmentSucceeded: row["last_succeeded"]
                )
            }
            return byKey
        }
        var seen: Set<String> = []
        return resourceIDs.compactMap { resourceID in
            let key = resourceID.lowercased()
            guard seen.insert(key).inserted else { return nil }
            return found[key]
        }
    }

    /// Sets `vm.next_due_at` for the VMs in `dueTimes` (keyed by `vm.id`), in one transaction, but only for VMs
    /// whose `next_due_at` and `last_assessed_at` still hold the values in `snapshot`, the state the due times were
    /// planned from. A VM whose assessment was recorded since (by this process or by `patchscan scan`) keeps the due
    /// time that assessment set; ids not in `snapshot` are ignored.
    ///
    /// - Returns: The ids of the VMs updated.
    @discardableResult
    public func setNextDue(_ dueTimes: [Int64: Date], plannedFrom snapshot: [ScheduledVM]) async throws -> Set<Int64> {
        let planned = Dictionary(snapshot.map { ($0.vmID, $0) }, uniquingKeysWith: { first, _ in first })
        return try await writer.write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE vm SET next_due_at = ?
                WHERE id = ? AND next_due_at IS ? AND last_assessed_at IS ?
                """)
            var updated: Set<Int64> = []
            for (vmID, dueAt) in dueTimes {
                guard let before = planned[vmID] else { continue }
                try update.execute(arguments: [dueAt, vmID, before.nextDueAt, before.lastAssessedAt])
                if db.changesCount > 0 {
                    updated.insert(vmID)
                }
            }
            return updated
        }
    }
}

extension PatchscanStore {
    /// The scheduling side of ``recordAssessment(_:)``, inside its transaction.
    static func updateSchedule(_ db: Database, after assessment: AssessmentWrite) throws {
        try db.execute(sql: "DELETE FROM pending_operation WHERE vm_id = ?", arguments: [assessment.vmID])
        try db.execute(
            sql: """
                UPDATE vm SET last_assessed_at = ?, next_due_at = coalesce(?, next_due_at)
                WHERE id = ?
                """,
            arguments: [assessment.startedAt, assessment.nextDueAt, assessment.vmID]
        )
        if let owner = assessment.claimOwner {
            try db.execute(
                sql: "DELETE FROM vm_claim WHERE vm_id = ? AND owner = ?",
                arguments: [assessment.vmID, owner]
            )
        }
    }
}
