import AzureCompute
import AzureEmulator
import Foundation
import Logging
import NIOHTTP1
import PatchscanCore
import PatchscanStore
import Testing

@Suite("patchscan scan next to a running daemon")
struct ManualScanBesideDaemonTests {
    @Test("VMs another process holds are recorded skipped_in_flight and never POSTed; the rest are assessed")
    func claimedVMsAreSkipped() async throws {
        let harness = ScanHarness(emulator: EmulatorConfiguration(seed: 41, subscriptionCount: 1, vmsPerSubscription: 6, budgets: .unlimited))
        let database = ScanHarness.temporaryDatabase()
        let fleet = try await withAzureEmulator(configuration: harness.emulator, logger: .init(label: "emulator")) { await $0.emulator.fleet }
        let held = Array(fleet.prefix(2))
        let daemonStore = try PatchscanStore(path: database)
        let ids = try await daemonStore.registerVMs(try held.map(Self.registration), seenAt: Date())
        let claimed = try await daemonStore.claimVMs(
            Array(ids.values), owner: LeaseHolder.daemon(hostName: "test").owner, now: Date(), until: Date().addingTimeInterval(3_600)
        )
        #expect(claimed.count == held.count)

        let result = try await harness.run(database: database)

        let outcomes = Dictionary(result.summary.outcomes.map { ($0.vm.name, $0.outcome) }, uniquingKeysWith: { first, _ in first })
        for vm in fleet {
            let expected = held.contains { $0.name == vm.name } ? ScanOutcome.skippedInFlight : ScanOutcome.succeeded
            #expect(outcomes[vm.name] == expected, "\(vm.name)")
        }
        for vm in held {
            #expect(result.journal.count(.assessPatches, vm: vm) == 0)
        }
        // A manual result moves the VM's next due time like the daemon's own; the held VMs' schedules are untouched.
        let schedule = try await daemonStore.scheduledVMs(resourceIDs: fleet.map(\.resourceID))
        for vm in schedule {
            let isHeld = held.contains { $0.resourceID.caseInsensitiveCompare(vm.resourceID) == .orderedSame }
            #expect((vm.nextDueAt == nil) == isHeld, "\(vm.resourceID)")
            #expect((vm.lastAssessedAt == nil) == isHeld, "\(vm.resourceID)")
        }
        // The daemon's claims survive the manual run.
        #expect(try await daemonStore.claimedVMIDs(now: Date()) == Set(ids.values))
    }

    @Test("an operation a dead process left pending is resumed with no second POST, and its result lands")
    func deadProcessOperationIsResumed() async throws {
        let harness = ScanHarness(emulator: EmulatorConfiguration(seed: 42, subscriptionCount: 1, vmsPerSubscription: 3, budgets: .unlimited))
        let database = ScanHarness.temporaryDatabase()
        let result = try await harness.run(database: database, prepare: { running in
            // What a process killed mid-poll leaves: Azure accepted its POST, and the operation is in the database.
            let vm = try #require(await running.emulator.fleet.first)
            let token = try await EmulatorTests.token(running)
            let accepted = try await EmulatorTests.send(
                .POST, "\(running.baseURL)\(vm.resourceID)/assessPatches?api-version=2022-08-01", token: token
            )
            #expect(accepted.status == 202)
            let store = try PatchscanStore(path: database)
            let ids = try await store.registerVMs([try Self.registration(vm)], seenAt: Date())
            let runID = try await store.startRun(
                startedAt: Date().addingTimeInterval(-600), plannedVMCount: 3, version: "0.0.0",
                owner: "scan@gone:1", leaseExpiresAt: Date().addingTimeInterval(-300)
            )
            try await store.recordAccepted(
                PendingOperationWrite(
                    vmID: try #require(ids.values.first), runID: runID, acceptedAt: Date().addingTimeInterval(-590),
                    statusURL: accepted.headers.first(name: "Azure-AsyncOperation"),
                    locationURL: accepted.headers.first(name: "Location")
                )
            )
        })

        let resumed = try #require(result.fleet.first)
        #expect(result.journal.count(.assessPatches, vm: resumed) == 1, "the only POST is the dead process's")
        #expect(result.journal.count(.operationStatus, vm: resumed) >= 1)
        #expect(result.summary.outcomes.allSatisfy { $0.outcome == ScanOutcome.succeeded })
        #expect(result.summary.outcomes.count == result.fleet.count)
        #expect(try await result.store.pendingOperations().isEmpty)
        #expect(try await result.store.run(id: 1)?.status == .interrupted, "the dead process's run")
    }

    static func registration(_ vm: EmulatedVM) throws -> VMRegistration {
        let id = try VMResourceID(parsing: vm.resourceID)
        return VMRegistration(
            resourceID: id.path, subscriptionID: id.subscriptionID, resourceGroup: id.resourceGroup, name: id.name,
            location: vm.location, group: vm.resourceGroup
        )
    }
}
