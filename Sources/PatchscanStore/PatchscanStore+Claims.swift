import Foundation
import GRDB

/// Claims: a VM is assessed by at most one process at a time.
///
/// A process claims a VM before it starts assessing it and keeps the claim alive with ``renewLeases(owner:until:)``
/// while it works; ``recordAssessment(_:)`` releases it with the result. A claim whose `expires_at` has passed
/// belongs to a process that stopped, and anyone may take it over. Owners are opaque strings that must be unique
/// per process (for example `daemon:<host>:<pid>`).
extension PatchscanStore {
    /// Claims, in one transaction, every VM in `vmIDs` that is unclaimed, whose claim expired (`expires_at <= now`),
    /// or that `owner` already holds; the claims then last until `until`. Ids with no `vm` row are not claimed.
    ///
    /// - Returns: The ids now claimed by `owner`.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidArgument`` when `owner` is empty or `until` is not
    ///   after `now`.
    public func claimVMs(_ vmIDs: [Int64], owner: String, now: Date, until: Date) async throws -> Set<Int64> {
        try Self.validateLease(owner: owner, now: now, until: until)
        return try await writer.write { db in
            // A re-claim by the same owner keeps claimed_at: it says since when the owner holds the VM.
            let claim = try db.cachedStatement(sql: """
                INSERT INTO vm_claim (vm_id, owner, claimed_at, expires_at)
                SELECT id, ?, ?, ? FROM vm WHERE id = ?
                ON CONFLICT (vm_id) DO UPDATE SET
                    owner = excluded.owner,
                    claimed_at = CASE WHEN vm_claim.owner = excluded.owner THEN vm_claim.claimed_at
                                      ELSE excluded.claimed_at END,
                    expires_at = excluded.expires_at
                WHERE vm_claim.owner = excluded.owner OR vm_claim.expires_at <= excluded.claimed_at
                """)
            var claimed: Set<Int64> = []
            for vmID in Set(vmIDs) {
                try claim.execute(arguments: [owner, now, until, vmID])
                if db.changesCount > 0 {
                    claimed.insert(vmID)
                }
            }
            return claimed
        }
    }

    /// Extends every claim `owner` holds, and the lease of every `running` run it owns, until `until`.
    ///
    /// Call it well before the leases expire (for example every third of the lease). A claim another process took
    /// over after it expired is not extended.
    public func renewLeases(owner: String, until: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE vm_claim SET expires_at = ? WHERE owner = ?", arguments: [until, owner])
            try db.execute(
                sql: "UPDATE scan_run SET lease_expires_at = ? WHERE owner = ? AND status = 'running'",
                arguments: [until, owner]
            )
        }
    }

    /// Releases the claims `owner` holds on `vmIDs`; other owners' claims are left alone.
    public func releaseClaims(_ vmIDs: [Int64], owner: String) async throws {
        try await writer.write { db in
            let release = try db.cachedStatement(sql: "DELETE FROM vm_claim WHERE vm_id = ? AND owner = ?")
            for vmID in Set(vmIDs) {
                try release.execute(arguments: [vmID, owner])
            }
        }
    }

    /// Releases every claim `owner` holds, for a clean shutdown. Pending operations stay for the next start.
    public func releaseAllClaims(owner: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM vm_claim WHERE owner = ?", arguments: [owner])
        }
    }

    /// The VMs with a live claim (`expires_at > now`), whoever holds it.
    public func claimedVMIDs(now: Date) async throws -> Set<Int64> {
        try await writer.read { db in
            Set(try Int64.fetchAll(db, sql: "SELECT vm_id FROM vm_claim WHERE expires_at > ?", arguments: [now]))
        }
    }

    static func validateLease(owner: String, now: Date, until: Date) throws(StoreError) {
        guard !owner.isEmpty else {
            throw StoreError(
                code: .invalidArgument,
                message: "A claim needs a non-empty owner that names the claiming process."
            )
        }
        guard until > now else {
            throw StoreError(
                code: .invalidArgument,
                message: "A claim must last beyond its start: 'until' (\(until)) is not after 'now' (\(now))."
            )
        }
    }
}
