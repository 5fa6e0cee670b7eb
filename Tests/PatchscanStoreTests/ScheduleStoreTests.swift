import Foundation
import GRDB
import PatchscanStore
import Testing

/// Due times and last assessment times: migration from v1, reading, writing, and persistence across a reopen.
struct ScheduleStoreTests {
    @Test func aVersion1DatabaseWithRowsMigratesToVersion2WithRowsIntact() async throws {
        let queue = try DatabaseQueue(configuration: PatchscanStore.makeConfiguration())
        try PatchscanStore.migrator.migrate(queue, upTo: "v1")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO vm (id, resource_id, subscription_id, resource_group, name, location, vm_group,
                                first_seen_at, last_seen_at)
                VALUES (1, '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-1',
                        's', 'rg', 'web-1', 'westeurope', 'web', '2026-04-01 10:00:00.000', '2026-04-02 10:00:00.000'),
                       (2, '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-2',
                        's', 'rg', 'web-2', NULL, NULL, '2026-04-01 10:00:00.000', '2026-04-01 10:00:00.000');
                INSERT INTO scan_run (id, started_at, finished_at, status, vm_count, succeeded_count, failed_count,
                                      flagged_vm_count, patchscan_version)
                VALUES (1, '2026-04-01 10:00:00.000', '2026-04-01 10:05:00.000', 'completed', 1, 1, 0, 0, '0.9.0'),
                       (2, '2026-04-02 10:00:00.000', NULL, 'running', 1, 0, 1, 0, '0.9.0');
                INSERT INTO assessment (id, run_id, vm_id, outcome, succeeded, started_at, duration_ms,
                                        listed_patch_count)
                VALUES (1, 1, 1, 'succeeded', 1, '2026-04-01 10:00:01.000', 1000, 0),
                       (2, 2, 1, 'throttled', 0, '2026-04-02 10:00:02.500', 1000, 0);
                """)
        }

        let database = try TestDatabase(migrating: queue)
        let applied = try await queue.read { db in try PatchscanStore.migrator.appliedMigrations(db) }
        #expect(applied == ["v1", "v2"])
        #expect(try await database.table("""
            SELECT id, name, location, vm_group, first_seen_at, last_seen_at, next_due_at, last_assessed_at
            FROM vm ORDER BY id
            """) == [
            ["1", "web-1", "westeurope", "web", "2026-04-01 10:00:00.000", "2026-04-02 10:00:00.000", "NULL",
             "2026-04-02 10:00:02.500"],
            ["2", "web-2", "NULL", "NULL", "2026-04-01 10:00:00.000", "2026-04-01 10:00:00.000", "NULL", "NULL"],
        ])
        #expect(try await database.table("""
            SELECT id, status, finished_at, succeeded_count, failed_count, owner, lease_expires_at
            FROM scan_run ORDER BY id
            """) == [
            ["1", "completed", "2026-04-01 10:05:00.000", "1", "0", "NULL", "NULL"],
            ["2", "running", "NULL", "0", "1", "NULL", "NULL"],
        ])
        #expect(try await database.table("SELECT id, run_id, vm_id, outcome FROM assessment ORDER BY id") == [
            ["1", "1", "1", "succeeded"],
            ["2", "2", "1", "throttled"],
        ])
        #expect(try await database.count("vm_claim") == 0)
        #expect(try await database.count("pending_operation") == 0)
        // An unleased run from before the upgrade is still recognised as interrupted.
        #expect(try await database.store.markInterruptedRuns(now: Instant.t0) == 1)
    }

    @Test func scheduledVMsSayWhetherTheLatestAssessmentSucceeded() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1, Fleet.web2, Fleet.sql1])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 3, version: "1.0.0")
        try await store.recordAssessment(Sample.succeeded(runID: runID, vmID: ids[0]))
        try await store.recordAssessment(Sample.throttled(runID: runID, vmID: ids[1]))
        let scheduled = try await store.scheduledVMs(resourceIDs: Fleet.all.map(\.resourceID))
        #expect(scheduled.map(\.lastAssessmentSucceeded) == [true, false, nil])
    }

    @Test func scheduledVMsAreTheConfiguredOnesMatchedCaseInsensitivelyInTheOrderGiven() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1, Fleet.web2, Fleet.sql1])
        try await store.setNextDue([ids[0]: Instant.at(600)])

        let scheduled = try await store.scheduledVMs(resourceIDs: [
            Fleet.sql1.resourceID.uppercased(),
            Fleet.web1.resourceID,
            "/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/unregistered",
            Fleet.web1.resourceID.lowercased(),
        ])
        #expect(scheduled == [
            ScheduledVM(vmID: ids[2], resourceID: Fleet.sql1.resourceID, group: "sql"),
            ScheduledVM(vmID: ids[0], resourceID: Fleet.web1.resourceID, group: "web", nextDueAt: Instant.at(600)),
        ])
    }

    @Test func dueTimesPersistAcrossAReopenOfTheFile() async throws {
        let directory = OpeningTests.TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("patchscan.sqlite")
        let ids: [Int64]
        do {
            let store = try PatchscanStore(path: path)
            ids = try await store.register(Fleet.all)
            try await store.setNextDue([ids[0]: Instant.at(3_600), ids[1]: Instant.at(7_200)])
        }

        let reopened = try PatchscanStore(path: path)
        let scheduled = try await reopened.scheduledVMs(resourceIDs: Fleet.all.map(\.resourceID))
        #expect(scheduled.map(\.nextDueAt) == [Instant.at(3_600), Instant.at(7_200), nil])
    }

    @Test func plannedDueTimesDoNotOverwriteAnAssessmentRecordedSinceThePlan() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1, Fleet.web2])
        let snapshot = try await store.scheduledVMs(resourceIDs: [Fleet.web1.resourceID, Fleet.web2.resourceID])

        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        var write = Sample.succeeded(runID: runID, vmID: ids[0], startedAt: Instant.at(60))
        write.nextDueAt = Instant.at(21_660)
        try await store.recordAssessment(write)

        let planned = [ids[0]: Instant.at(90), ids[1]: Instant.at(120)]
        let updated = try await store.setNextDue(planned, plannedFrom: snapshot)
        #expect(updated == [ids[1]])
        let after = try await store.scheduledVMs(resourceIDs: [Fleet.web1.resourceID, Fleet.web2.resourceID])
        #expect(after.map(\.nextDueAt) == [Instant.at(21_660), Instant.at(120)])
    }

    @Test func recordingAnAssessmentClearsThePendingOperationAndClaimAndSetsTheSchedule() async throws {
        let database = try TestDatabase()
        let store = database.store
        let ids = try await store.register([Fleet.web1, Fleet.web2])
        let runID = try await store.startRun(
            startedAt: Instant.t0, plannedVMCount: 2, version: "1.0.0", owner: "daemon"
        )
        #expect(try await store.claimVMs(ids, owner: "daemon", now: Instant.t0, until: Instant.at(300)) == Set(ids))
        for id in ids {
            try await store.recordAccepted(Pending.write(vmID: id, runID: runID))
        }

        var write = Sample.succeeded(runID: runID, vmID: ids[0], startedAt: Instant.at(60))
        write.nextDueAt = Instant.at(21_660)
        write.claimOwner = "daemon"
        try await store.recordAssessment(write)

        let scheduled = try await store.scheduledVMs(resourceIDs: [Fleet.web1.resourceID, Fleet.web2.resourceID])
        #expect(scheduled.map(\.lastAssessedAt) == [Instant.at(60), nil])
        #expect(scheduled.map(\.nextDueAt) == [Instant.at(21_660), nil])
        #expect(try await store.pendingOperations().map(\.vmID) == [ids[1]])
        #expect(try await store.claimedVMIDs(now: Instant.at(1)) == [ids[1]])
    }

    @Test func anAssessmentWithoutDueTimeOrOwnerKeepsTheDueTimeAndOtherOwnersClaims() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1])
        try await store.setNextDue([ids[0]: Instant.at(900)])
        _ = try await store.claimVMs(ids, owner: "daemon", now: Instant.t0, until: Instant.at(300))
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")

        var write = Sample.succeeded(runID: runID, vmID: ids[0], startedAt: Instant.at(60))
        write.claimOwner = "scan"
        try await store.recordAssessment(write)

        let scheduled = try #require(try await store.scheduledVMs(resourceIDs: [Fleet.web1.resourceID]).first)
        #expect(scheduled.nextDueAt == Instant.at(900))
        #expect(scheduled.lastAssessedAt == Instant.at(60))
        #expect(try await store.claimedVMIDs(now: Instant.at(1)) == Set(ids))
    }

    @Test func aSkippedInFlightRecordLeavesTheOtherProcesssSchedulingStateAlone() async throws {
        let database = try TestDatabase()
        let store = database.store
        let ids = try await store.register([Fleet.web1])
        let daemonRun = try await store.startRun(
            startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0", owner: "daemon"
        )
        _ = try await store.claimVMs(ids, owner: "daemon", now: Instant.t0, until: Instant.at(300))
        try await store.recordAccepted(Pending.write(vmID: ids[0], runID: daemonRun))
        try await store.setNextDue([ids[0]: Instant.at(10)])

        let scanRun = try await store.startRun(
            startedAt: Instant.at(20), plannedVMCount: 1, version: "1.0.0", owner: "scan"
        )
        try await store.recordAssessment(AssessmentWrite(
            runID: scanRun, vmID: ids[0], outcome: StoredOutcome.skippedInFlight, succeeded: false,
            startedAt: Instant.at(20), durationMilliseconds: 0, nextDueAt: Instant.at(99_999), claimOwner: "daemon"
        ))

        #expect(try await store.pendingOperations().map(\.vmID) == ids)
        #expect(try await store.claimedVMIDs(now: Instant.at(30)) == Set(ids))
        let scheduled = try #require(try await store.scheduledVMs(resourceIDs: [Fleet.web1.resourceID]).first)
        #expect(scheduled.nextDueAt == Instant.at(10))
        #expect(scheduled.lastAssessedAt == nil)
        #expect(try await store.run(id: scanRun)?.failedCount == 1)
    }

    @Test func aFailingAssessmentWriteLeavesPendingOperationClaimAndScheduleInPlace() async throws {
        let database = try TestDatabase()
        let store = database.store
        let ids = try await store.register([Fleet.web1])
        let runID = try await store.startRun(
            startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0", owner: "daemon"
        )
        _ = try await store.claimVMs(ids, owner: "daemon", now: Instant.t0, until: Instant.at(300))
        try await store.recordAccepted(Pending.write(vmID: ids[0], runID: runID))

        // The schedule is updated before the assessment row, whose CHECK (json_valid(error_details)) then fails.
        var write = Sample.throttled(runID: runID, vmID: ids[0])
        write.errorDetailsJSON = "not json"
        write.nextDueAt = Instant.at(21_660)
        write.claimOwner = "daemon"
        await #expect(throws: DatabaseError.self) { try await store.recordAssessment(write) }

        #expect(try await store.pendingOperations().map(\.vmID) == ids)
        #expect(try await store.claimedVMIDs(now: Instant.at(1)) == Set(ids))
        #expect(try await database.table("SELECT next_due_at, last_assessed_at FROM vm") == [["NULL", "NULL"]])
        #expect(try await database.count("assessment") == 0)
    }
}

extension TestDatabase {
    /// A store over `queue`, migrated to the current schema by opening it.
    fileprivate init(migrating queue: DatabaseQueue) throws {
        self.queue = queue
        store = try PatchscanStore(writer: queue)
    }
}
