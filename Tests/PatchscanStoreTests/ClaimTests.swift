import Foundation
import PatchscanStore
import Testing

/// Claims and leases: a VM is assessed by at most one process at a time, and a live run is never marked interrupted.
struct ClaimTests {
    @Test func aVMClaimedByOneOwnerCannotBeClaimedByAnotherUntilTheClaimExpires() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1, Fleet.web2, Fleet.sql1])

        #expect(try await store.claimVMs([ids[0], ids[1]], owner: "daemon", now: Instant.t0, until: Instant.at(120))
            == [ids[0], ids[1]])
        #expect(try await store.claimVMs(ids, owner: "scan", now: Instant.at(60), until: Instant.at(180)) == [ids[2]])
        #expect(try await store.claimedVMIDs(now: Instant.at(60)) == Set(ids))

        // At expiry the daemon's claims are free to take; the scan's is still live.
        #expect(try await store.claimedVMIDs(now: Instant.at(120)) == [ids[2]])
        #expect(try await store.claimVMs(ids, owner: "scan", now: Instant.at(120), until: Instant.at(240)) == Set(ids))
        #expect(try await store.claimVMs(ids, owner: "daemon", now: Instant.at(121), until: Instant.at(241)).isEmpty)
    }

    @Test func anOwnerReclaimingItsVMExtendsTheClaimAndUnknownVMsAreNotClaimed() async throws {
        let database = try TestDatabase()
        let store = database.store
        let ids = try await store.register([Fleet.web1])

        #expect(try await store.claimVMs(ids, owner: "daemon", now: Instant.t0, until: Instant.at(60)) == Set(ids))
        let unknown = ids[0] + 99
        #expect(try await store.claimVMs(ids + [unknown], owner: "daemon", now: Instant.at(30), until: Instant.at(90))
            == Set(ids))
        #expect(try await database.table("SELECT owner, claimed_at, expires_at FROM vm_claim") == [
            ["daemon", "2026-04-24 03:06:40.000", "2026-04-24 03:08:10.000"],
        ])
    }

    @Test func renewingLeasesExtendsTheOwnersClaimsAndRunningRunsOnly() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1, Fleet.web2])
        _ = try await store.claimVMs([ids[0]], owner: "daemon", now: Instant.t0, until: Instant.at(60))
        _ = try await store.claimVMs([ids[1]], owner: "scan", now: Instant.t0, until: Instant.at(60))
        let daemonRun = try await store.startRun(
            startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0", owner: "daemon", leaseExpiresAt: Instant.at(60)
        )
        let scanRun = try await store.startRun(
            startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0", owner: "scan", leaseExpiresAt: Instant.at(60)
        )

        try await store.renewLeases(owner: "daemon", until: Instant.at(180))

        #expect(try await store.claimedVMIDs(now: Instant.at(90)) == [ids[0]])
        #expect(try await store.markInterruptedRuns(now: Instant.at(90)) == 1)
        #expect(try await store.run(id: daemonRun)?.status == .running)
        #expect(try await store.run(id: scanRun)?.status == .interrupted)
    }

    @Test func markingInterruptedRunsSkipsLiveLeasesAndTakesExpiredAndUnleasedOnes() async throws {
        let store = try TestDatabase().store
        let unleased = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 0, version: "1.0.0")
        let live = try await store.startRun(
            startedAt: Instant.t0, plannedVMCount: 0, version: "1.0.0", owner: "daemon", leaseExpiresAt: Instant.at(120)
        )
        let expired = try await store.startRun(
            startedAt: Instant.t0, plannedVMCount: 0, version: "1.0.0", owner: "old", leaseExpiresAt: Instant.at(30)
        )

        #expect(try await store.markInterruptedRuns(now: Instant.at(60)) == 2)
        #expect(try await store.run(id: unleased)?.status == .interrupted)
        #expect(try await store.run(id: expired)?.status == .interrupted)
        #expect(try await store.run(id: live)?.status == .running)

        #expect(try await store.markInterruptedRuns(now: Instant.at(120)) == 1)
        #expect(try await store.run(id: live)?.status == .interrupted)
    }

    @Test func releasingClaimsFreesOnlyTheOwnersClaims() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register(Fleet.all)
        _ = try await store.claimVMs([ids[0], ids[1]], owner: "daemon", now: Instant.t0, until: Instant.at(60))
        _ = try await store.claimVMs([ids[2]], owner: "scan", now: Instant.t0, until: Instant.at(60))

        try await store.releaseClaims([ids[0], ids[2]], owner: "daemon")
        #expect(try await store.claimedVMIDs(now: Instant.at(1)) == [ids[1], ids[2]])

        try await store.releaseAllClaims(owner: "daemon")
        #expect(try await store.claimedVMIDs(now: Instant.at(1)) == [ids[2]])
        #expect(try await store.claimVMs(ids, owner: "daemon", now: Instant.at(2), until: Instant.at(60))
            == [ids[0], ids[1]])
    }

    @Test func aClaimNeedsAnOwnerAndAFutureExpiry() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1])
        let noOwner = await #expect(throws: StoreError.self) {
            _ = try await store.claimVMs(ids, owner: "", now: Instant.t0, until: Instant.at(60))
        }
        #expect(noOwner?.code == .invalidArgument)
        let past = await #expect(throws: StoreError.self) {
            _ = try await store.claimVMs(ids, owner: "daemon", now: Instant.at(60), until: Instant.at(60))
        }
        #expect(past?.code == .invalidArgument)
    }
}
