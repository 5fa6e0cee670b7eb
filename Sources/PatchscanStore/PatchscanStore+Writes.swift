import Foundation
import GRDB

extension PatchscanStore {
    /// Upserts the configured VMs, matching `resource_id` case-insensitively.
    ///
    /// A known VM gets the configured resource id spelling, names, group and `last_seen_at`; its location is only
    /// replaced by a non-nil one. A new VM gets `first_seen_at = last_seen_at = seenAt`.
    ///
    /// - Returns: The `vm.id` of every registered VM, keyed by its lowercased resource id.
    public func registerVMs(_ vms: [VMRegistration], seenAt: Date) async throws -> [String: Int64] {
        let wanted = Set(vms.map { $0.resourceID.lowercased() })
        return try await writer.write { db in
            let upsert = try db.cachedStatement(sql: Self.upsertVMSQL)
            for vm in vms {
                try upsert.execute(arguments: [
                    vm.resourceID, vm.subscriptionID, vm.resourceGroup, vm.name, vm.location, vm.group, seenAt, seenAt,
                ])
            }
            var ids: [String: Int64] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, resource_id FROM vm")
            while let row = try rows.next() {
                let resourceID: String = row["resource_id"]
                let id: Int64 = row["id"]
                let key = resourceID.lowercased()
                if wanted.contains(key) {
                    ids[key] = id
                }
            }
            return ids
        }
    }

    /// Inserts a `running` scan run.
    ///
    /// - Parameters:
    ///   - startedAt: When the run started.
    ///   - plannedVMCount: How many VMs the run will assess; not negative.
    ///   - version: The patchscan version, recorded for run history.
    ///   - owner: The process that runs it (see ``claimVMs(_:owner:now:until:)``); `nil` for an unowned run.
    ///   - leaseExpiresAt: Until when the run counts as alive without a ``renewLeases(owner:until:)``;
    ///     ``markInterruptedRuns(now:)`` leaves a run with a live lease alone. `nil`: no lease.
    /// - Returns: The new `scan_run.id`.
    public func startRun(
        startedAt: Date,
        plannedVMCount: Int,
        version: String,
        owner: String? = nil,
        leaseExpiresAt: Date? = nil
    ) async throws -> Int64 {
        guard plannedVMCount >= 0 else {
            throw StoreError(
                code: .invalidArgument,
                message: "A scan run cannot plan a negative number of VMs (\(plannedVMCount))."
            )
        }
        return try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO scan_run (started_at, status, vm_count, patchscan_version, owner, lease_expires_at)
                    VALUES (?, 'running', ?, ?, ?, ?)
                    """,
                arguments: [startedAt, plannedVMCount, version, owner, leaseExpiresAt]
            )
            return db.lastInsertedRowID
        }
    }

    /// Records one VM's assessment in one transaction: the assessment row, its patches and their
    /// classifications, its flags, the run counters, and the VM's scheduling state: its pending operation is
    /// deleted, `vm.last_assessed_at` becomes the assessment's `startedAt`, `vm.next_due_at` becomes
    /// ``AssessmentWrite/nextDueAt`` when set, and the VM's claim is released when it belongs to
    /// ``AssessmentWrite/claimOwner``.
    ///
    /// A write with outcome ``StoredOutcome/skippedInFlight`` records the row and counters only: the VM was not
    /// assessed, and its scheduling state belongs to the process assessing it.
    ///
    /// - Throws: ``StoreError`` with code ``StoreError/Code/runNotFound``, ``StoreError/Code/runNotRunning``,
    ///   ``StoreError/Code/vmNotFound``, ``StoreError/Code/duplicateAssessment`` or
    ///   ``StoreError/Code/invalidArgument`` (unknown or repeated flag kind); a GRDB `DatabaseError` when SQLite
    ///   rejects a value (a CHECK constraint) or fails. Nothing is written when it throws.
    public func recordAssessment(_ assessment: AssessmentWrite) async throws {
        try Self.validateFlags(assessment.flags)
        let classificationsJSON = try assessment.patches.map { try Self.jsonArrayText($0.classifications) }
        try await writer.write { db in
            try Self.checkCanRecord(db, runID: assessment.runID, vmID: assessment.vmID)
            if assessment.outcome != StoredOutcome.skippedInFlight {
                try Self.updateSchedule(db, after: assessment)
            }
            try Self.insertAssessment(db, assessment)
            let assessmentID = db.lastInsertedRowID
            try Self.insertPatches(db, assessment.patches, classificationsJSON: classificationsJSON, assessmentID: assessmentID)
            let insertFlag = try db.cachedStatement(sql: """
                INSERT INTO flag (run_id, vm_id, assessment_id, kind, value, threshold) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for flag in assessment.flags {
                try insertFlag.execute(arguments: [
                    assessment.runID, assessment.vmID, assessmentID, flag.kind, flag.value, flag.threshold,
                ])
            }
            try db.execute(
                sql: """
                    UPDATE scan_run
                    SET succeeded_count = succeeded_count + ?,
                        failed_count = failed_count + ?,
                        flagged_vm_count = flagged_vm_count + ?
                    WHERE id = ?
                    """,
                arguments: [
                    assessment.succeeded ? 1 : 0,
                    assessment.succeeded ? 0 : 1,
                    assessment.flags.isEmpty ? 0 : 1,
                    assessment.runID,
                ]
            )
        }
    }

    /// Ends a running scan run with `completed` or `interrupted`.
    ///
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidArgument`` for `status == .running`,
    ///   ``StoreError/Code/runNotFound``, or ``StoreError/Code/runNotRunning`` when the run already ended.
    public func finishRun(id: Int64, finishedAt: Date, status: RunStatus) async throws {
        guard status != .running else {
            throw StoreError(
                code: .invalidArgument,
                message: "Run \(id) cannot finish with status 'running'; use 'completed' or 'interrupted'."
            )
        }
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE scan_run SET finished_at = ?, status = ? WHERE id = ? AND status = 'running'",
                arguments: [finishedAt, status, id]
            )
            if db.changesCount == 0 {
                try Self.checkRunIsRunning(db, runID: id)
            }
        }
    }

    /// Marks every run still `running` whose lease has expired (or that has none) as `interrupted`, leaving
    /// `finished_at` NULL (the crash time is unknown).
    ///
    /// Call it once at startup, before starting a run: a run left `running` without a live lease belongs to a
    /// process that stopped without finishing it. Its counters already match its recorded assessments. A run whose
    /// `lease_expires_at` is after `now` belongs to a live process (the daemon, while `patchscan scan` starts) and
    /// is left alone.
    ///
    /// - Parameter owner: Also marks this owner's runs whatever their lease: a restarted daemon's earlier runs.
    /// - Returns: How many runs were marked.
    public func markInterruptedRuns(now: Date = Date(), owner: String? = nil) async throws -> Int {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE scan_run SET status = 'interrupted'
                    WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= ? OR owner = ?)
                    """,
                arguments: [now, owner]
            )
            return db.changesCount
        }
    }
}

extension PatchscanStore {
    static let upsertVMSQL = """
        INSERT INTO vm (resource_id, subscription_id, resource_group, name, location, vm_group, first_seen_at, last_seen_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (resource_id) DO UPDATE SET
            resource_id = excluded.resource_id,
            subscription_id = excluded.subscription_id,
            resource_group = excluded.resource_group,
            name = excluded.name,
            location = coalesce(excluded.location, vm.location),
            vm_group = excluded.vm_group,
            last_seen_at = max(vm.last_seen_at, excluded.last_seen_at)
        """

    static func validateFlags(_ flags: [FlagWrite]) throws(StoreError) {
        var seen: Set<String> = []
        for flag in flags {
            guard StoredFlagKind.all.contains(flag.kind) else {
                throw StoreError(
                    code: .invalidArgument,
                    message: "Unknown flag kind '\(flag.kind)'; the schema accepts "
                        + "\(StoredFlagKind.all.joined(separator: ", ")). A new kind needs a schema migration."
                )
            }
            guard seen.insert(flag.kind).inserted else {
                throw StoreError(
                    code: .invalidArgument,
                    message: "Flag kind '\(flag.kind)' appears twice for one assessment; raise each kind at most once."
                )
            }
        }
    }

    static func jsonArrayText(_ strings: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try encoder.encode(strings), as: UTF8.self)
    }

    /// Throws unless the run is running, the VM exists, and the run has no assessment for the VM yet.
    static func checkCanRecord(_ db: Database, runID: Int64, vmID: Int64) throws {
        try checkRunIsRunning(db, runID: runID)
        try checkVMExists(db, vmID: vmID)
        let duplicate = try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM assessment WHERE run_id = ? AND vm_id = ?)",
            arguments: [runID, vmID]
        )
        guard duplicate == false else {
            throw StoreError(
                code: .duplicateAssessment,
                message: "Run \(runID) already has an assessment for VM \(vmID); a run assesses each VM once."
            )
        }
    }

    /// Throws ``StoreError/Code/vmNotFound`` unless a `vm` row has this id.
    static func checkVMExists(_ db: Database, vmID: Int64) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM vm WHERE id = ?)", arguments: [vmID]) == true else {
            throw StoreError(
                code: .vmNotFound,
                message: "No VM has id \(vmID); register the VM with registerVMs before assessing it."
            )
        }
    }

    /// Throws ``StoreError/Code/runNotFound`` or ``StoreError/Code/runNotRunning`` unless the run is running.
    static func checkRunIsRunning(_ db: Database, runID: Int64) throws {
        guard let status = try RunStatus.fetchOne(db, sql: "SELECT status FROM scan_run WHERE id = ?", arguments: [runID])
        else {
            throw StoreError(code: .runNotFound, message: "No scan run has id \(runID).")
        }
        guard status == .running else {
            throw StoreError(
                code: .runNotRunning,
                message: "Scan run \(runID) is '\(status.rawValue)', not 'running', so it takes no more writes. "
                    + "Another patchscan process may have marked it interrupted; run one scanner per database."
            )
        }
    }

    static func insertAssessment(_ db: Database, _ assessment: AssessmentWrite) throws {
        try db.execute(
            sql: """
                INSERT INTO assessment (
                    run_id, vm_id, outcome, succeeded, lro_status, result_status, assessment_activity_id,
                    reboot_pending, critical_and_security_patch_count, other_patch_count, assessment_started_at,
                    started_at, duration_ms, error_code, error_message, error_target, error_details,
                    request_id, correlation_id, listed_patch_count
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                assessment.runID, assessment.vmID, assessment.outcome, assessment.succeeded,
                assessment.lroStatus, assessment.resultStatus, assessment.assessmentActivityID,
                assessment.rebootPending, assessment.criticalAndSecurityPatchCount, assessment.otherPatchCount,
                assessment.assessmentStartedAt, assessment.startedAt, assessment.durationMilliseconds,
                assessment.errorCode, assessment.errorMessage, assessment.errorTarget, assessment.errorDetailsJSON,
                assessment.requestID, assessment.correlationID, assessment.patches.count,
            ]
        )
    }

    static func insertPatches(
        _ db: Database,
        _ patches: [PatchWrite],
        classificationsJSON: [String],
        assessmentID: Int64
    ) throws {
        let insertPatch = try db.cachedStatement(sql: """
            INSERT INTO patch (
                assessment_id, patch_id, name, version, kb_id, classifications, reboot_behavior, activity_id,
                published_date, last_modified_date_time, assessment_state
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        // OR IGNORE: a classification listed twice for one patch is one row (the JSON column keeps the list as sent).
        let insertClassification = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO patch_classification (patch_row_id, classification) VALUES (?, ?)
            """)
        for (patch, json) in zip(patches, classificationsJSON) {
            try insertPatch.execute(arguments: [
                assessmentID, patch.patchID, patch.name, patch.version, patch.kbID, json, patch.rebootBehavior,
                patch.activityID, patch.publishedDate, patch.lastModifiedDateTime, patch.assessmentState,
            ])
            let patchRowID = db.lastInsertedRowID
            for classification in patch.classifications {
                try insertClassification.execute(arguments: [patchRowID, classification])
            }
        }
    }
}
