import Foundation
import GRDB

/// Pending operations: assessPatches calls Azure accepted (202) whose result is not recorded yet.
///
/// Store one with ``recordAccepted(_:)`` before polling it; ``recordAssessment(_:)`` deletes it in the transaction
/// that records the result. After a restart, ``pendingOperations()`` lists what to resume polling instead of
/// starting new assessments.
extension PatchscanStore {
    /// Stores an accepted operation, replacing the VM's earlier one (a VM has at most one).
    ///
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidArgument`` when both URLs are missing,
    ///   ``StoreError/Code/vmNotFound`` or ``StoreError/Code/runNotFound``.
    public func recordAccepted(_ operation: PendingOperationWrite) async throws {
        guard operation.statusURL != nil || operation.locationURL != nil else {
            throw StoreError(
                code: .invalidArgument,
                message: "The accepted operation for VM \(operation.vmID) has neither a status nor a location URL, "
                    + "so it cannot be resumed; record the assessment as failed instead."
            )
        }
        try await writer.write { db in
            try Self.checkVMExists(db, vmID: operation.vmID)
            let runExists = "SELECT EXISTS (SELECT 1 FROM scan_run WHERE id = ?)"
            guard try Bool.fetchOne(db, sql: runExists, arguments: [operation.runID]) == true else {
                throw StoreError(code: .runNotFound, message: "No scan run has id \(operation.runID).")
            }
            try db.execute(
                sql: """
                    INSERT INTO pending_operation (
                        vm_id, run_id, accepted_at, status_url, location_url, request_id, correlation_id
                    ) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (vm_id) DO UPDATE SET
                        run_id = excluded.run_id,
                        accepted_at = excluded.accepted_at,
                        status_url = excluded.status_url,
                        location_url = excluded.location_url,
                        request_id = excluded.request_id,
                        correlation_id = excluded.correlation_id
                    """,
                arguments: [
                    operation.vmID, operation.runID, operation.acceptedAt, operation.statusURL, operation.locationURL,
                    operation.requestID, operation.correlationID,
                ]
            )
        }
    }

    /// Every pending operation with its VM's resource id, location and group, oldest accepted first.
    public func pendingOperations() async throws -> [PendingOperation] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.vm_id, p.run_id, p.accepted_at, p.status_url, p.location_url, p.request_id,
                           p.correlation_id, vm.resource_id, vm.location, vm.vm_group
                    FROM pending_operation AS p
                    JOIN vm ON vm.id = p.vm_id
                    ORDER BY p.accepted_at, p.vm_id
                    """
            ).map(PendingOperation.init(row:))
        }
    }
}
