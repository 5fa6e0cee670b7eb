import Foundation
import PatchscanStore
import Testing

/// What a restarted daemon reads back to report before its first assessment: flags and the last finished run.
struct RestartStateTests {
    @Test func latestFlagKindsComeFromEachVMsLatestSuccessfulAssessment() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register(Fleet.all)
        let (web1, web2, sql1) = (ids[0], ids[1], ids[2])
        let reboot = FlagWrite(kind: StoredFlagKind.rebootPending, value: 1, threshold: 1)
        let critical = FlagWrite(kind: StoredFlagKind.criticalAndSecurityPatches, value: 4, threshold: 1)

        let first = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 3, version: "1.0.0")
        try await store.recordAssessment(Sample.succeeded(runID: first, vmID: web1, flags: [reboot], startedAt: Instant.at(10)))
        try await store.recordAssessment(Sample.succeeded(runID: first, vmID: web2, flags: [reboot, critical], startedAt: Instant.at(10)))
        let second = try await store.startRun(startedAt: Instant.at(100), plannedVMCount: 3, version: "1.0.0")
        // web-1 was patched since; web-2's later failure keeps its last known flags; sql-1 never succeeded.
        try await store.recordAssessment(Sample.succeeded(runID: second, vmID: web1, startedAt: Instant.at(110)))
        var failed = Sample.throttled(runID: second, vmID: web2)
        failed.startedAt = Instant.at(111)
        try await store.recordAssessment(failed)
        try await store.recordAssessment(Sample.throttled(runID: second, vmID: sql1))

        let kinds = try await store.latestFlagKinds(vmIDs: [web1, web2, sql1])
        #expect(kinds == [web1: [], web2: [StoredFlagKind.rebootPending, StoredFlagKind.criticalAndSecurityPatches]])
        #expect(try await store.latestFlagKinds(vmIDs: [web2]).keys.sorted() == [web2], "only the VMs asked for")
        #expect(try await store.latestFlagKinds(vmIDs: []).isEmpty)
    }

    @Test func lastCompletedRunIsTheLatestFinishedCompletedOne() async throws {
        let store = try TestDatabase().store
        #expect(try await store.lastCompletedRunFinishedAt() == nil)
        let early = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 0, version: "1.0.0")
        let late = try await store.startRun(startedAt: Instant.at(10), plannedVMCount: 0, version: "1.0.0")
        let interrupted = try await store.startRun(startedAt: Instant.at(20), plannedVMCount: 0, version: "1.0.0")
        try await store.finishRun(id: late, finishedAt: Instant.at(300), status: .completed)
        try await store.finishRun(id: early, finishedAt: Instant.at(400), status: .completed)
        try await store.finishRun(id: interrupted, finishedAt: Instant.at(500), status: .interrupted)
        #expect(try await store.lastCompletedRunFinishedAt() == Instant.at(400))
    }
}
