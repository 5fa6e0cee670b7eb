import AzureCompute
import AzureEmulator
import Foundation
import PatchscanCore
import Testing

/// The real client and rate limiter against the emulator's enforced budgets, over loopback HTTP.
@Suite("Rate limits against the emulator over HTTP")
struct RateLimitIntegrationTests {
    /// A small guest-patch budget per (subscription, region): 8 at once, then 20 a second.
    static let guestPatch = BucketLimit(rate: .perSecond(20), burst: 8)

    @Test("the configured guest-patch budget is never exceeded, as the emulator's journal measures it")
    func budgetNeverExceeded() async throws {
        var budgets = EmulatorBudgets.unlimited
        budgets.guestPatchRegion = EmulatorBudgets.Bucket(capacity: 8, refillPerSecond: 20)
        var harness = ScanHarness(
            emulator: EmulatorConfiguration(seed: 31, subscriptionCount: 2, vmsPerSubscription: 30, budgets: budgets)
        )
        harness.rateLimits.assessPatchesPerRegion = Self.guestPatch
        harness.rateLimits.safetyFactor = 0.9

        let result = try await harness.run()

        #expect(result.summary.succeededCount == 60)
        let capacity = Self.guestPatch.capacity(safetyFactor: 0.9)
        let audit = BudgetAudit.check(
            result.journal, kinds: [.assessPatches], key: \.subscriptionRegion,
            capacity: Int(capacity.rounded(.down)), refillPerSecond: Self.guestPatch.refillPerSecond(safetyFactor: 0.9),
            tolerance: 1
        )
        #expect(audit.isWithinBudget, "\(audit)")
        #expect(BudgetAudit.throttledCounts(result.journal).values.reduce(0, +) == 0)
    }

    @Test("a 429 pauses the bucket that was hit for its Retry-After; other subscriptions carry on")
    func throttlePausesOnlyTheBucketHit() async throws {
        // Azure's real regional guest-patch budget: its 429 names it, so the client pauses the regional bucket.
        var budgets = EmulatorBudgets.unlimited
        budgets.guestPatchRegion = EmulatorBudgets.azure.guestPatchRegion
        var harness = ScanHarness(
            emulator: EmulatorConfiguration(seed: 32, subscriptionCount: 2, vmsPerSubscription: 10, budgets: budgets)
        )
        // Two assessments per subscription at a time: while the 429 travels back, the other slot can send at most
        // two POSTs (the one on the wire and the next one).
        harness.rateLimits.maxConcurrentPerSubscription = 2
        // Azure's per-VM burst, by which the client tells a per-VM 429 from a regional one.
        harness.rateLimits.assessPatchesPerVM = RateLimitSettings.defaultAssessPatchesPerVM
        // The Retry-After pause lasts until the other subscription has sent all its POSTs, however slow the machine.
        harness.clock = { emulator in
            GatedClock(gatingSleepsOf: .seconds(1)) {
                await emulator.waitForJournal { journal in
                    let throttled = journal.first { $0.status == 429 }?.subscriptionID
                    return throttled != nil && journal.count { $0.kind == .assessPatches && $0.subscriptionID != throttled } >= 10
                }
            }
        }
        let result = try await harness.run(prepare: { running in
            let throttled = await running.emulator.subscriptionIDs[0]
            await running.emulator.throttle(subscription: throttled, retryAfterSeconds: 3, count: 1)
        })

        #expect(result.summary.succeededCount == 20)
        let posts = result.journal.filter { $0.kind == .assessPatches }
        let the429 = try #require(posts.firstIndex { $0.status == 429 })
        // Compute's budget is per (subscription, region): later POSTs drawing on the bucket hit waited out the
        // Retry-After, but those the other slot sent before the client read the 429.
        let sameBucket = posts[(the429 + 1)...].filter { $0.subscriptionRegion == posts[the429].subscriptionRegion }
        #expect(!sameBucket.isEmpty)
        #expect(sameBucket.count { posts[the429].at.duration(to: $0.at) < .milliseconds(2_900) } <= 2)
        // The other subscription was not held back: it sent all its POSTs while the bucket hit was paused.
        let other = posts.indices.filter { posts[$0].subscriptionID != posts[the429].subscriptionID }
        #expect(other.count == 10)
        let otherDone = try #require(other.last)
        #expect(posts[the429..<otherDone].count { $0.subscriptionRegion == posts[the429].subscriptionRegion } <= 3)
    }

    @Test("remaining-budget headers slow the client down before Azure says no")
    func headersSlowTheClientDown() async throws {
        // Azure's write budget is far smaller than the client believes; only the headers tell it so.
        var budgets = EmulatorBudgets.unlimited
        budgets.armWrites = EmulatorBudgets.Bucket(capacity: 20, refillPerSecond: 40)
        var harness = ScanHarness(
            emulator: EmulatorConfiguration(seed: 33, subscriptionCount: 1, vmsPerSubscription: 40, budgets: budgets)
        )
        harness.rateLimits.armWrites = BucketLimit(rate: .perSecond(100), burst: 200)
        harness.rateLimits.safetyFactor = 1
        harness.rateLimits.slowDownBelow = 0.05

        let result = try await harness.run()

        #expect(result.summary.succeededCount == 40)
        #expect(BudgetAudit.throttledCounts(result.journal)[.assessPatches, default: 0] == 0)
    }
}
