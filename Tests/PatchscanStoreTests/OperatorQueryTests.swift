import Foundation
import GRDB
import PatchscanStore
import Testing

/// The example queries of the README, copied verbatim, run against a small fleet with two runs.
///
/// Run 1 (2020, completed): web-1 reboot-pending with one Security patch, web-2 clean, sql-1 reboot-pending.
/// Run 2 (now, completed): web-1 with a Security and a Definition Updates patch (flagged), web-2 throttled,
/// sql-1 reboot-pending with Security-ESM, Critical+Security and Other patches (flagged twice).
struct OperatorQueryTests {
    enum Query {
        static let rebootPending = """
            SELECT resource_id, vm_group, location, started_at AS assessed_at
            FROM latest_assessment
            WHERE reboot_pending = 1
            ORDER BY vm_group, resource_id;
            """
        static let missingCriticalOrSecurityPatches = """
            SELECT la.resource_id, p.name, p.kb_id, p.version, p.classifications, p.published_date
            FROM latest_assessment AS la
            JOIN patch AS p ON p.assessment_id = la.assessment_id
            WHERE EXISTS (
                SELECT 1 FROM patch_classification AS pc
                WHERE pc.patch_row_id = p.id
                  AND pc.classification IN ('Critical', 'Security', 'Security-ESM', 'Critical Updates', 'Security Updates')
            )
            ORDER BY la.resource_id, p.name;
            """
        static let criticalAndSecurityCounts = """
            SELECT resource_id, vm_group, critical_and_security_patch_count
            FROM latest_assessment
            WHERE critical_and_security_patch_count > 0
            ORDER BY critical_and_security_patch_count DESC, resource_id;
            """
        static let failuresInLastRun = """
            SELECT v.resource_id, a.outcome, a.lro_status, a.error_code, a.error_message, a.request_id
            FROM assessment AS a
            JOIN vm AS v ON v.id = a.vm_id
            WHERE a.run_id = (SELECT max(id) FROM scan_run)
              AND a.succeeded = 0
            ORDER BY a.outcome, v.resource_id;
            """
        static let outcomesOfLastRun = """
            SELECT outcome, count(*) AS vms
            FROM assessment
            WHERE run_id = (SELECT max(id) FROM scan_run)
            GROUP BY outcome
            ORDER BY vms DESC, outcome;
            """
        static let flaggedInLastRun = """
            SELECT v.resource_id, v.vm_group, f.kind, f.value, f.threshold
            FROM flag AS f
            JOIN vm AS v ON v.id = f.vm_id
            WHERE f.run_id = (SELECT max(id) FROM scan_run)
            ORDER BY v.resource_id, f.kind;
            """
        static let patchesByClassification = """
            SELECT pc.classification, count(DISTINCT la.vm_id) AS vms, count(*) AS patches
            FROM latest_assessment AS la
            JOIN patch AS p ON p.assessment_id = la.assessment_id
            JOIN patch_classification AS pc ON pc.patch_row_id = p.id
            GROUP BY pc.classification
            ORDER BY vms DESC, pc.classification;
            """
        static let runHistory = """
            SELECT id, status, started_at, finished_at,
                   round((julianday(finished_at) - julianday(started_at)) * 86400, 1) AS duration_s,
                   vm_count, succeeded_count, failed_count, flagged_vm_count,
                   vm_count - succeeded_count - failed_count AS not_recorded,
                   patchscan_version
            FROM scan_run
            ORDER BY id DESC
            LIMIT 20;
            """
        static let pruneOldRuns = """
            PRAGMA foreign_keys = ON;
            DELETE FROM scan_run WHERE started_at < datetime('now', '-90 days');
            """
        static let all = [
            rebootPending, missingCriticalOrSecurityPatches, criticalAndSecurityCounts, failuresInLastRun,
            outcomesOfLastRun, flaggedInLastRun, patchesByClassification, runHistory, pruneOldRuns,
        ]
    }

    static let web1 = Fleet.web1.resourceID
    static let web2 = Fleet.web2.resourceID
    static let sql1 = Fleet.sql1.resourceID
    static let oldRunStart = Date(timeIntervalSince1970: 1_577_836_800)  // 2020-01-01 00:00:00 UTC

    /// Builds the fleet described on the type.
    private func makeFleet() async throws -> (database: TestDatabase, oldRun: Int64, newRun: Int64) {
        let database = try TestDatabase()
        let store = database.store
        let ids = try await store.register(Fleet.all, at: Self.oldRunStart)
        let (web1, web2, sql1) = (ids[0], ids[1], ids[2])

        let oldRun = try await store.startRun(startedAt: Self.oldRunStart, plannedVMCount: 3, version: "0.9.0")
        let oldStart = Self.oldRunStart.addingTimeInterval(1)
        try await store.recordAssessment(Sample.succeeded(
            runID: oldRun, vmID: web1, rebootPending: true,
            patches: [Sample.patch("Old Security Update", kb: "4000001", ["Security"])], startedAt: oldStart))
        try await store.recordAssessment(Sample.succeeded(runID: oldRun, vmID: web2, startedAt: oldStart))
        try await store.recordAssessment(Sample.succeeded(runID: oldRun, vmID: sql1, rebootPending: true, startedAt: oldStart))
        try await store.finishRun(id: oldRun, finishedAt: Self.oldRunStart.addingTimeInterval(90), status: .completed)

        let now = Date()
        let newRun = try await store.startRun(startedAt: now, plannedVMCount: 3, version: "1.0.0")
        try await store.recordAssessment(Sample.succeeded(
            runID: newRun, vmID: web1,
            patches: [
                Sample.patch("2026-04 Security Update", kb: "5036893", ["Security"]),
                Sample.patch("Defender definitions", kb: "2267602", ["Definition Updates"]),
            ],
            flags: [FlagWrite(kind: StoredFlagKind.criticalAndSecurityPatches, value: 1, threshold: 1)],
            startedAt: now))
        try await store.recordAssessment(Sample.throttled(runID: newRun, vmID: web2))
        try await store.recordAssessment(Sample.succeeded(
            runID: newRun, vmID: sql1, rebootPending: true,
            patches: [
                Sample.patch("openssl", version: "3.0.2-0ubuntu1.15", ["Security-ESM"]),
                Sample.patch("curl", version: "7.81.0-1ubuntu1.16", ["Critical", "Security"]),
                Sample.patch("vim", version: "2:8.2.3995-1ubuntu2.16", ["Other"]),
            ],
            flags: [
                FlagWrite(kind: StoredFlagKind.rebootPending, value: 1, threshold: 1),
                FlagWrite(kind: StoredFlagKind.criticalAndSecurityPatches, value: 2, threshold: 1),
            ],
            startedAt: now))
        try await store.finishRun(id: newRun, finishedAt: now.addingTimeInterval(120), status: .completed)
        return (database, oldRun, newRun)
    }

    @Test func everyQueryHereAppearsVerbatimInTheDocumentation() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let documents = ["README.md"].compactMap { path in
            try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        }
        try #require(!documents.isEmpty)
        for query in Query.all {
            #expect(documents.contains { $0.contains("```sql\n\(query)\n```") }, "not documented: \(query)")
        }
    }

    @Test func rebootPendingVMsComeFromTheLatestAssessmentOnly() async throws {
        let fleet = try await makeFleet()
        // web-1 was reboot-pending in the old run only; web-2's latest assessment failed, so it is unknown.
        let rows = try await fleet.database.table(Query.rebootPending)
        #expect(rows.map { Array($0.prefix(3)) } == [[Self.sql1, "sql", "westeurope"]])
    }

    @Test func missingCriticalOrSecurityPatchesListsThePatches() async throws {
        let fleet = try await makeFleet()
        let rows = try await fleet.database.table(Query.missingCriticalOrSecurityPatches)
        #expect(rows.map { [$0[0], $0[1], $0[4]] } == [
            [Self.sql1, "curl", #"["Critical","Security"]"#],
            [Self.sql1, "openssl", #"["Security-ESM"]"#],
            [Self.web1, "2026-04 Security Update", #"["Security"]"#],
        ])
        let counts = try await fleet.database.table(Query.criticalAndSecurityCounts)
        #expect(counts == [[Self.sql1, "sql", "2"], [Self.web1, "web", "1"]])
    }

    @Test func failuresOfTheLastRunSayWhy() async throws {
        let fleet = try await makeFleet()
        let rows = try await fleet.database.table(Query.failuresInLastRun)
        #expect(rows == [[Self.web2, "throttled", "NULL", "TooManyRequests", "The request is being throttled.", "req-throttled"]])
        let outcomes = try await fleet.database.table(Query.outcomesOfLastRun)
        #expect(outcomes == [["succeeded", "2"], ["throttled", "1"]])
    }

    @Test func flaggedVMsOfTheLastRun() async throws {
        let fleet = try await makeFleet()
        let rows = try await fleet.database.table(Query.flaggedInLastRun)
        #expect(rows == [
            [Self.sql1, "sql", "critical_and_security_patches", "2", "1"],
            [Self.sql1, "sql", "reboot_pending", "1", "1"],
            [Self.web1, "web", "critical_and_security_patches", "1", "1"],
        ])
    }

    @Test func patchesByClassificationCountVMsAndPatchesOfLatestAssessments() async throws {
        let fleet = try await makeFleet()
        let rows = try await fleet.database.table(Query.patchesByClassification)
        #expect(rows == [
            ["Security", "2", "2"],
            ["Critical", "1", "1"],
            ["Definition Updates", "1", "1"],
            ["Other", "1", "1"],
            ["Security-ESM", "1", "1"],
        ])
    }

    @Test func runHistoryShowsCountersAndDurations() async throws {
        let fleet = try await makeFleet()
        let rows = try await fleet.database.table(Query.runHistory)
        #expect(rows.map { [$0[0], $0[1]] + Array($0[4...]) } == [
            ["\(fleet.newRun)", "completed", "120.0", "3", "2", "1", "2", "0", "1.0.0"],
            ["\(fleet.oldRun)", "completed", "90.0", "3", "3", "0", "0", "0", "0.9.0"],
        ])
        #expect(rows.last?[2] == "2020-01-01 00:00:00.000")
    }

    @Test func pruningOldRunsCascadesToTheirRows() async throws {
        let fleet = try await makeFleet()
        try await fleet.database.queue.writeWithoutTransaction { db in
            try db.execute(sql: Query.pruneOldRuns)
        }
        #expect(try await fleet.database.table("SELECT id FROM scan_run") == [["\(fleet.newRun)"]])
        #expect(try await fleet.database.count("assessment") == 3)
        #expect(try await fleet.database.count("patch") == 5)
        #expect(try await fleet.database.count("patch_classification") == 6)
        #expect(try await fleet.database.count("vm") == 3)
        let orphans = try await fleet.database.table("""
            SELECT count(*) FROM patch WHERE assessment_id NOT IN (SELECT id FROM assessment)
            """)
        #expect(orphans == [["0"]])
    }
}
