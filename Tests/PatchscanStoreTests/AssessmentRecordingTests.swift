import GRDB
import PatchscanStore
import Testing

struct AssessmentRecordingTests {
    @Test func anAssessmentWithPatchesAndFlagsReadsBackEqual() async throws {
        let database = try TestDatabase()
        let store = database.store
        let vmIDs = try await store.register([Fleet.web1, Fleet.web2])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 2, version: "1.0.0")
        let succeeded = Sample.succeeded(
            runID: runID,
            vmID: vmIDs[0],
            rebootPending: true,
            patches: [
                Sample.patch("Cumulative Update KB5036893", kb: "5036893", ["Security", "Critical"]),
                Sample.patch("Windows Malicious Software Removal Tool", kb: "890830", ["Update Rollups"]),
                PatchWrite(name: "Bare patch", assessmentState: "SomethingNew"),
            ],
            flags: [
                FlagWrite(kind: StoredFlagKind.criticalAndSecurityPatches, value: 1, threshold: 1),
                FlagWrite(kind: StoredFlagKind.rebootPending, value: 1, threshold: 1),
            ]
        )
        let failed = Sample.throttled(runID: runID, vmID: vmIDs[1])
        try await store.recordAssessment(succeeded)
        try await store.recordAssessment(failed)

        let rows = try await store.assessments(runID: runID)
        try #require(rows.count == 2)
        #expect(rows.map(\.resourceID) == [Fleet.web1.resourceID, Fleet.web2.resourceID])
        #expect(try await store.readBack(rows[0]) == succeeded)
        #expect(try await store.readBack(rows[1]) == failed)
        #expect(rows.map(\.listedPatchCount) == [3, 0])

        let classifications = try await database.table("""
            SELECT p.name, p.classifications, pc.classification
            FROM patch AS p JOIN patch_classification AS pc ON pc.patch_row_id = p.id
            ORDER BY p.id, pc.classification
            """)
        #expect(classifications == [
            ["Cumulative Update KB5036893", #"["Security","Critical"]"#, "Critical"],
            ["Cumulative Update KB5036893", #"["Security","Critical"]"#, "Security"],
            ["Windows Malicious Software Removal Tool", #"["Update Rollups"]"#, "Update Rollups"],
        ])
        let flags = try await store.flags(runID: runID)
        #expect(flags.map(\.resourceID) == [Fleet.web1.resourceID, Fleet.web1.resourceID])
        #expect(flags.allSatisfy { $0.vmID == vmIDs[0] && $0.assessmentID == rows[0].id })
    }

    @Test func booleansAndTimestampsAreStoredInTheDocumentedFormat() async throws {
        let database = try TestDatabase()
        let vmIDs = try await database.store.register([Fleet.web1])
        let runID = try await database.store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        try await database.store.recordAssessment(Sample.succeeded(runID: runID, vmID: vmIDs[0], rebootPending: true))
        let stored = try await database.table("""
            SELECT typeof(reboot_pending), reboot_pending, succeeded, started_at, assessment_started_at FROM assessment
            """)
        #expect(stored == [["integer", "1", "1", "2026-04-24 03:07:40.000", "2026-04-24T21:02:04.2556154Z"]])
    }

    @Test func runCountersFollowEachRecordedAssessment() async throws {
        let database = try TestDatabase()
        let store = database.store
        let vmIDs = try await store.register(Fleet.all)
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 3, version: "1.0.0")
        let flag = FlagWrite(kind: StoredFlagKind.rebootPending, value: 1, threshold: 1)

        try await store.recordAssessment(Sample.succeeded(runID: runID, vmID: vmIDs[0], rebootPending: true, flags: [flag]))
        var run = try #require(try await store.run(id: runID))
        #expect([run.succeededCount, run.failedCount, run.flaggedVMCount] == [1, 0, 1])

        try await store.recordAssessment(Sample.throttled(runID: runID, vmID: vmIDs[1]))
        try await store.recordAssessment(Sample.succeeded(runID: runID, vmID: vmIDs[2]))
        run = try #require(try await store.run(id: runID))
        #expect([run.vmCount, run.succeededCount, run.failedCount, run.flaggedVMCount] == [3, 2, 1, 1])

        let fromRows = try await database.table("""
            SELECT sum(succeeded), sum(1 - succeeded),
                   (SELECT count(DISTINCT assessment_id) FROM flag WHERE run_id = assessment.run_id)
            FROM assessment WHERE run_id = \(runID)
            """)
        #expect(fromRows == [["2", "1", "1"]])
    }

    @Test func aSecondAssessmentOfTheSameVMInARunIsRefusedAndChangesNothing() async throws {
        let database = try TestDatabase()
        let store = database.store
        let vmIDs = try await store.register([Fleet.web1])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        try await store.recordAssessment(Sample.succeeded(runID: runID, vmID: vmIDs[0]))

        let error = await #expect(throws: StoreError.self) {
            try await store.recordAssessment(Sample.throttled(runID: runID, vmID: vmIDs[0]))
        }
        #expect(error?.code == .duplicateAssessment)
        let run = try #require(try await store.run(id: runID))
        #expect([run.succeededCount, run.failedCount] == [1, 0])
        #expect(try await database.count("assessment") == 1)
    }

    @Test func theSchemaItselfEnforcesOneAssessmentPerVMPerRun() async throws {
        let database = try TestDatabase()
        let vmIDs = try await database.store.register([Fleet.web1])
        let runID = try await database.store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        try await database.store.recordAssessment(Sample.succeeded(runID: runID, vmID: vmIDs[0]))

        let error = await #expect(throws: DatabaseError.self) {
            try await database.queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO assessment (run_id, vm_id, outcome, succeeded, started_at, duration_ms, listed_patch_count)
                        VALUES (?, ?, 'succeeded', 1, '2026-01-01 00:00:00.000', 0, 0)
                        """,
                    arguments: [runID, vmIDs[0]]
                )
            }
        }
        #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE)
    }

    @Test func aValueTheSchemaRejectsRollsBackTheWholeAssessment() async throws {
        let database = try TestDatabase()
        let store = database.store
        let vmIDs = try await store.register([Fleet.web1])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        var write = Sample.succeeded(runID: runID, vmID: vmIDs[0], patches: [Sample.patch("p", ["Security"])])
        write.errorDetailsJSON = "not json"

        let error = await #expect(throws: DatabaseError.self) { try await store.recordAssessment(write) }
        #expect(error?.resultCode == .SQLITE_CONSTRAINT)
        for table in ["assessment", "patch", "patch_classification", "flag"] {
            #expect(try await database.count(table) == 0)
        }
        let run = try #require(try await store.run(id: runID))
        #expect(run.succeededCount == 0)
    }

    @Test func unknownOrRepeatedFlagKindsAreRefusedWithAClearError() async throws {
        let database = try TestDatabase()
        let store = database.store
        let vmIDs = try await store.register([Fleet.web1])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        let unknown = Sample.succeeded(runID: runID, vmID: vmIDs[0], flags: [FlagWrite(kind: "too_old", value: 1, threshold: 0)])
        let unknownError = await #expect(throws: StoreError.self) { try await store.recordAssessment(unknown) }
        #expect(unknownError?.code == .invalidArgument)
        #expect(unknownError?.message.contains("'too_old'") == true)

        let flag = FlagWrite(kind: StoredFlagKind.otherPatches, value: 9, threshold: 5)
        let repeated = Sample.succeeded(runID: runID, vmID: vmIDs[0], flags: [flag, flag])
        let repeatedError = await #expect(throws: StoreError.self) { try await store.recordAssessment(repeated) }
        #expect(repeatedError?.code == .invalidArgument)
        #expect(try await database.count("assessment") == 0)
    }

    @Test func recordingForAnUnknownRunOrVMIsRefused() async throws {
        let database = try TestDatabase()
        let store = database.store
        let vmIDs = try await store.register([Fleet.web1])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")

        let noRun = await #expect(throws: StoreError.self) {
            try await store.recordAssessment(Sample.succeeded(runID: runID + 1, vmID: vmIDs[0]))
        }
        #expect(noRun?.code == .runNotFound)
        let noVM = await #expect(throws: StoreError.self) {
            try await store.recordAssessment(Sample.succeeded(runID: runID, vmID: vmIDs[0] + 1))
        }
        #expect(noVM?.code == .vmNotFound)
    }
}
