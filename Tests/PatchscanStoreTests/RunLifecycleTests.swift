import PatchscanStore
import Testing

struct RunLifecycleTests {
    @Test func aStartedRunIsRunningWithZeroCounters() async throws {
        let database = try TestDatabase()
        let runID = try await database.store.startRun(startedAt: Instant.t0, plannedVMCount: 12, version: "1.2.3")
        let run = try #require(try await database.store.run(id: runID))
        #expect(run.status == .running)
        #expect(run.startedAt == Instant.t0)
        #expect(run.finishedAt == nil)
        #expect([run.vmCount, run.succeededCount, run.failedCount, run.flaggedVMCount] == [12, 0, 0, 0])
        #expect(run.patchscanVersion == "1.2.3")
        #expect(try await database.store.run(id: runID + 1) == nil)
    }

    @Test func finishingARunRecordsStatusAndTimeOnce() async throws {
        let store = try TestDatabase().store
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 0, version: "1.0.0")
        try await store.finishRun(id: runID, finishedAt: Instant.at(90), status: .completed)
        let run = try #require(try await store.run(id: runID))
        #expect(run.status == .completed)
        #expect(run.finishedAt == Instant.at(90))

        let again = await #expect(throws: StoreError.self) {
            try await store.finishRun(id: runID, finishedAt: Instant.at(95), status: .interrupted)
        }
        #expect(again?.code == .runNotRunning)
        #expect(try await store.run(id: runID)?.status == .completed)
    }

    @Test func finishingAnUnknownRunOrWithRunningStatusIsRefused() async throws {
        let store = try TestDatabase().store
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 0, version: "1.0.0")
        let unknown = await #expect(throws: StoreError.self) {
            try await store.finishRun(id: runID + 1, finishedAt: Instant.at(1), status: .completed)
        }
        #expect(unknown?.code == .runNotFound)
        let running = await #expect(throws: StoreError.self) {
            try await store.finishRun(id: runID, finishedAt: Instant.at(1), status: .running)
        }
        #expect(running?.code == .invalidArgument)
    }

    @Test func aNegativePlannedVMCountIsRefused() async throws {
        let store = try TestDatabase().store
        let error = await #expect(throws: StoreError.self) {
            _ = try await store.startRun(startedAt: Instant.t0, plannedVMCount: -1, version: "1.0.0")
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test func runsLeftRunningAreMarkedInterruptedAndTakeNoMoreAssessments() async throws {
        let database = try TestDatabase()
        let store = database.store
        let vmIDs = try await store.register([Fleet.web1, Fleet.web2])
        let completed = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 2, version: "1.0.0")
        try await store.finishRun(id: completed, finishedAt: Instant.at(10), status: .completed)
        let crashed = try await store.startRun(startedAt: Instant.at(20), plannedVMCount: 2, version: "1.0.0")
        try await store.recordAssessment(Sample.succeeded(runID: crashed, vmID: vmIDs[0]))
        let alsoCrashed = try await store.startRun(startedAt: Instant.at(30), plannedVMCount: 2, version: "1.0.0")

        #expect(try await store.markInterruptedRuns() == 2)
        #expect(try await store.markInterruptedRuns() == 0)

        let crashedRun = try #require(try await store.run(id: crashed))
        #expect(crashedRun.status == .interrupted)
        #expect(crashedRun.finishedAt == nil)
        #expect([crashedRun.vmCount, crashedRun.succeededCount, crashedRun.failedCount] == [2, 1, 0])
        #expect(try await store.run(id: alsoCrashed)?.status == .interrupted)
        #expect(try await store.run(id: completed)?.status == .completed)

        let late = await #expect(throws: StoreError.self) {
            try await store.recordAssessment(Sample.succeeded(runID: crashed, vmID: vmIDs[1]))
        }
        #expect(late?.code == .runNotRunning)
    }
}
