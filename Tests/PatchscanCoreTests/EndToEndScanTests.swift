import AzureCompute
import AzureEmulator
import Foundation
import PatchscanCore
import PatchscanStore
import Testing

@Suite("End-to-end scans against the emulator over HTTP")
struct EndToEndScanTests {
    @Test("a few hundred VMs: the database equals the emulator's ground truth field by field")
    func groundTruth() async throws {
        let harness = ScanHarness(emulator: EmulatorConfiguration(seed: 42, subscriptionCount: 3, vmsPerSubscription: 100, budgets: .unlimited))
        let outcome = try await harness.run()
        let summary = outcome.summary
        #expect(outcome.fleet.count == 300)
        #expect(summary.outcomes.count == 300)
        #expect(summary.failedCount == 0)

        let run = try #require(try await outcome.store.run(id: summary.runID))
        #expect(run.status == .completed)
        #expect(run.vmCount == 300)
        #expect(run.succeededCount == 300)
        #expect(run.failedCount == 0)

        let rows = try await outcome.store.assessments(runID: summary.runID)
        #expect(rows.count == 300)
        let flags = try await outcome.store.flags(runID: summary.runID)
        var expectedFlagCount = 0
        for vm in outcome.fleet {
            let row = try #require(rows.first { $0.resourceID.lowercased() == vm.resourceID.lowercased() }, "\(vm.name)")
            let truth = vm.result
            #expect(row.outcome == "succeeded")
            #expect(row.lroStatus == "Succeeded")
            #expect(row.resultStatus == truth.status)
            #expect(row.assessmentActivityID == truth.assessmentActivityId)
            #expect(row.rebootPending == truth.rebootPending)
            #expect(row.criticalAndSecurityPatchCount == truth.criticalAndSecurityPatchCount)
            #expect(row.otherPatchCount == truth.otherPatchCount)
            #expect(row.assessmentStartedAt == truth.startDateTime)
            #expect(row.errorCode == truth.error?.code)
            #expect(row.requestID != nil)
            #expect(row.listedPatchCount == truth.availablePatches.count)

            let patches = try await outcome.store.patches(assessmentID: row.id)
            #expect(patches.count == truth.availablePatches.count)
            for (stored, expected) in zip(patches, truth.availablePatches) {
                #expect(stored.patchID == expected.patchId)
                #expect(stored.name == expected.name)
                #expect(stored.version == expected.version)
                #expect(stored.kbID == expected.kbId)
                #expect(stored.classifications == expected.classifications)
                #expect(stored.rebootBehavior == expected.rebootBehavior)
                #expect(stored.activityID == expected.activityId)
                #expect(stored.publishedDate == expected.publishedDate)
                #expect(stored.lastModifiedDateTime == expected.lastModifiedDateTime)
                #expect(stored.assessmentState == expected.assessmentState)
            }

            let vmFlags = Set(flags.filter { $0.assessmentID == row.id }.map(\.kind))
            var expected: Set<String> = []
            if truth.rebootPending { expected.insert("reboot_pending") }
            if truth.criticalAndSecurityPatchCount >= 1 { expected.insert("critical_and_security_patches") }
            if truth.otherPatchCount >= 20 { expected.insert("other_patches") }
            #expect(vmFlags == expected, "\(vm.name)")
            expectedFlagCount += expected.count
        }
        #expect(flags.count == expectedFlagCount)
        #expect(summary.flagged.count == Set(flags.map(\.vmID)).count)
        #expect(summary.flagged.count > 0 && summary.flagged.count < 300)

        // Every assessment went through the LRO: POST, status polls until Succeeded, one Location GET.
        #expect(outcome.journal.count(.assessPatches) == 300)
        #expect(outcome.journal.count(.operationResult) == 300)
        #expect(outcome.journal.count(.token) == 1)
    }

    @Test("fault scenarios: every VM still ends with exactly one recorded, named outcome")
    func faults() async throws {
        let cases: [(VMBehavior, String)] = [
            (.healthy, "succeeded"),
            (.deallocated, "not_running"),
            (.stopped, "not_running"),
            (.lroFailed, "operation_failed"),
            (.lroCanceled, "operation_canceled"),
            (.completedWithWarnings, "succeeded"),
            (.resultFailed, "assessment_failed"),
            (.unknownEnums, "succeeded"),
            (.malformedResult, "malformed_response"),
            (.computeThrottled(times: 1, retryAfter: 0), "succeeded"),
            (.armThrottled(times: 100, retryAfter: 0), "throttled"),
            (.serverError(times: 1, status: 503, retryAfter: nil), "succeeded"),
            (.serverError(times: 1, status: 500, retryAfter: nil), "server_error"),
            (.serverError(times: 1, status: 500, retryAfter: 0), "succeeded"),
            (.pollServerError(times: 2), "succeeded"),
            (.operationLost, "operation_lost"),
            (.forbidden, "forbidden"),
            (.notFound, "not_found"),
            (.synchronous, "succeeded"),
            (.locationOnly, "succeeded"),
            (.asyncOperationOnly, "succeeded"),
            (.neverCompletes, "timed_out"),
            (.foreignPollHost, "untrusted_host"),
            (.slow(.milliseconds(50)), "succeeded"),
        ]
        let subscription = "00000000-0000-0000-0000-0000000000f1"
        let fleet = cases.enumerated().map { index, entry in
            EmulatedVM.generate(
                subscriptionID: subscription, resourceGroup: "rg-faults", name: "vm-\(index)", location: "eastus",
                osType: index.isMultiple(of: 2) ? .linux : .windows, behavior: entry.0, seed: UInt64(index + 1)
            )
        }
        var harness = ScanHarness(emulator: EmulatorConfiguration(fleet: fleet, budgets: .unlimited))
        // Long enough that only the never-completing operation reaches it, however loaded the machine.
        harness.scan.deadline = .seconds(10)
        let outcome = try await harness.run()
        let rows = try await outcome.store.assessments(runID: outcome.summary.runID)
        #expect(rows.count == cases.count)
        for (index, (behavior, expectedOutcome)) in cases.enumerated() {
            let rowsForVM = rows.filter { $0.resourceID.hasSuffix("/vm-\(index)") }
            #expect(rowsForVM.count == 1, "\(behavior)")
            let row = try #require(rowsForVM.first)
            #expect(row.outcome == expectedOutcome, "\(behavior)")
            if expectedOutcome != "succeeded" {
                #expect(row.errorMessage != nil, "\(behavior)")
            }
        }
        let run = try #require(try await outcome.store.run(id: outcome.summary.runID))
        #expect(run.succeededCount + run.failedCount == cases.count)

        // The no-blind-POST rule, seen from the server: a 500 without Retry-After got exactly one POST.
        let noRetry = try #require(outcome.vm(named: "vm-12"))
        #expect(outcome.journal.count(.assessPatches, vm: noRetry) == 1)
        // A token never went to the foreign poll host: no request after the 202 for that VM.
        let foreign = try #require(outcome.vm(named: "vm-22"))
        #expect(outcome.journal.count(.operationStatus, vm: foreign) == 0)

        let warnings = try #require(rows.first { $0.resourceID.hasSuffix("/vm-5") })
        #expect(warnings.resultStatus == "CompletedWithWarnings")
        #expect(warnings.errorDetailsJSON != nil)
        let unknown = try #require(rows.first { $0.resourceID.hasSuffix("/vm-7") })
        let unknownPatches = try await outcome.store.patches(assessmentID: unknown.id)
        let knownBehaviours: Set<String?> = ["NeverReboots", "AlwaysRequiresReboot", "CanRequestReboot", "Unknown"]
        #expect(unknownPatches.contains { !knownBehaviours.contains($0.rebootBehavior) })
        let synchronous = try #require(rows.first { $0.resourceID.hasSuffix("/vm-18") })
        #expect(synchronous.lroStatus == nil)
    }

    @Test("a revoked token is refreshed once on 401 and the next cycle still succeeds")
    func tokenRevocation() async throws {
        let harness = ScanHarness(emulator: EmulatorConfiguration(seed: 3, subscriptionCount: 1, vmsPerSubscription: 10))
        let outcome = try await harness.run(cycles: 2) { running in
            await running.emulator.revokeIssuedTokens()
        }
        #expect(outcome.summaries.map(\.failedCount) == [0, 0])
        #expect(outcome.journal.count(.token) == 2)
        #expect(outcome.journal.contains { $0.status == 401 })
    }
}
