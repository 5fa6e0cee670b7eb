import AsyncHTTPClient
import AzureEmulator
import Foundation
import Logging
import NIOHTTP1
import Testing

/// The emulator's throttling budgets, over real HTTP on loopback, on the emulator's manual clock.
@Suite("Emulator throttling budgets")
struct EmulatorThrottlingTests {
    static let otherSubscriptionID = "5a1d0c3e-0000-4000-8000-0000000000b2"

    static func vm(_ name: String, subscriptionID: String = EmulatorTests.subscriptionID, location: String = "westeurope") -> EmulatedVM {
        EmulatedVM.generate(
            subscriptionID: subscriptionID, resourceGroup: "rg-web-prod", name: name, location: location,
            osType: .linux, behavior: .healthy, seed: 21
        )
    }

    static func configuration(_ budgets: EmulatorBudgets, fleet: [EmulatedVM]) -> EmulatorConfiguration {
        EmulatorConfiguration(fleet: fleet, budgets: budgets, clockMode: .manual)
    }

    static func assessURL(_ running: RunningEmulator, _ vm: EmulatedVM) -> String {
        "\(running.baseURL)\(vm.resourceID)/assessPatches?api-version=2022-08-01"
    }

    static func post(_ running: RunningEmulator, _ vm: EmulatedVM, token: String) async throws -> EmulatorTests.Reply {
        try await EmulatorTests.send(.POST, Self.assessURL(running, vm), token: token)
    }

    static func policyWindow(_ reply: EmulatorTests.Reply) throws -> (target: String?, window: EmulatorTests.PolicyWindow) {
        let error = try EmulatorTests.cloudError(reply)
        #expect(error.code == "OperationNotAllowed")
        let detail = try #require(error.details?.first)
        #expect(detail.code == "TooManyRequests")
        return (detail.target, try JSONDecoder().decode(EmulatorTests.PolicyWindow.self, from: Data(detail.message.utf8)))
    }

    // MARK: Compute RP buckets

    @Test("bursting beyond the per-VM guest-patch budget: Compute 429 with Retry-After, the header counts down to 0, and refill readmits")
    func perVMBudget() async throws {
        var budgets = EmulatorBudgets.azure.scaled(by: 0.5)
        budgets.computeRetryAfterSeconds = 42
        let vm = Self.vm("web-prod-001")
        try await withAzureEmulator(configuration: Self.configuration(budgets, fleet: [vm]), logger: EmulatorTests.logger) { running in
            let token = try await EmulatorTests.token(running)
            // The first POST starts an operation; the next two get 409 but still spend the VM's tokens, as in Azure.
            var statuses: [Int] = []
            var remaining: [String?] = []
            for _ in 0..<3 {
                let reply = try await Self.post(running, vm, token: token)
                statuses.append(reply.status)
                remaining.append(reply.headers.first(name: "x-ms-ratelimit-remaining-resource"))
            }
            #expect(statuses == [202, 409, 409])
            #expect(remaining == [
                "Microsoft.Compute/GuestPatch3Min;2,Microsoft.Compute/GuestPatchRegion3Min;299",
                "Microsoft.Compute/GuestPatch3Min;1,Microsoft.Compute/GuestPatchRegion3Min;298",
                "Microsoft.Compute/GuestPatch3Min;0,Microsoft.Compute/GuestPatchRegion3Min;297",
            ])

            let throttled = try await Self.post(running, vm, token: token)
            #expect(throttled.status == 429)
            #expect(throttled.headers.first(name: "Retry-After") == "42")
            #expect(throttled.headers.first(name: "x-ms-ratelimit-remaining-resource") == "Microsoft.Compute/GuestPatch3Min;0,Microsoft.Compute/GuestPatchRegion3Min;297")
            let (target, window) = try Self.policyWindow(throttled)
            #expect(target == "GuestPatch3Min")
            #expect(window.operationGroup == "GuestPatch3Min")
            #expect(window.allowedRequestCount == 3)
            #expect(window.measuredRequestCount == 4)

            // One token per minute at half of Azure's rate.
            await running.emulator.advanceClock(by: .seconds(59))
            #expect(try await Self.post(running, vm, token: token).status == 429)
            await running.emulator.advanceClock(by: .seconds(1))
            let readmitted = try await Self.post(running, vm, token: token)
            #expect(readmitted.status == 409)
            #expect(readmitted.headers.first(name: "x-ms-ratelimit-remaining-resource")?.hasPrefix("Microsoft.Compute/GuestPatch3Min;0,") == true)

            let journal = await running.emulator.journal()
            #expect(BudgetAudit.throttledCounts(journal) == [.assessPatches: 2])
            #expect(BudgetAudit.throttledCountsByBudget(journal) == [.guestPatchVM: 2])
            #expect(journal.filter { $0.kind == .assessPatches }.allSatisfy { $0.location == "westeurope" && $0.subscriptionID == vm.subscriptionID })
        }
    }

    @Test("a POST refused by the per-region budget starts no operation and spends none of the VM's tokens")
    func refusedPostStartsNothing() async throws {
        let budgets = EmulatorBudgets(guestPatchRegion: .perMinute(capacity: 1, refill: 1), guestPatchVM: .perMinute(capacity: 6, refill: 2))
        let first = Self.vm("web-prod-001")
        let second = Self.vm("web-prod-002")
        let elsewhere = Self.vm("web-prod-003", location: "eastus")
        try await withAzureEmulator(configuration: Self.configuration(budgets, fleet: [first, second, elsewhere]), logger: EmulatorTests.logger) { running in
            let token = try await EmulatorTests.token(running)
            #expect(try await Self.post(running, first, token: token).status == 202)
            let throttled = try await Self.post(running, second, token: token)
            #expect(throttled.status == 429)
            #expect(try Self.policyWindow(throttled).target == "GuestPatchRegion3Min")
            // Another region of the same subscription has its own bucket.
            #expect(try await Self.post(running, elsewhere, token: token).status == 202)

            await running.emulator.advanceClock(by: .seconds(60))
            let accepted = try await Self.post(running, second, token: token)
            #expect(accepted.status == 202, "a 409 here would mean the refused POST started an operation")
            #expect(accepted.headers.first(name: "x-ms-ratelimit-remaining-resource") == "Microsoft.Compute/GuestPatch3Min;5,Microsoft.Compute/GuestPatchRegion3Min;0")
        }
    }

    @Test("polls beyond the per-VM GetOperation budget get the Compute 429 naming GetOperation3Min")
    func getOperationBudget() async throws {
        let budgets = EmulatorBudgets(getOperationVM: .perMinute(capacity: 2, refill: 1), computeRetryAfterSeconds: 7)
        let vm = Self.vm("web-prod-001")
        try await withAzureEmulator(configuration: Self.configuration(budgets, fleet: [vm]), logger: EmulatorTests.logger) { running in
            let token = try await EmulatorTests.token(running)
            let accepted = try await Self.post(running, vm, token: token)
            #expect(accepted.headers.first(name: "x-ms-ratelimit-remaining-resource") == nil, "guest-patch budgets are unlimited here")
            let statusURL = try #require(accepted.headers.first(name: "Azure-AsyncOperation"))
            var replies: [EmulatorTests.Reply] = []
            for _ in 0..<3 {
                replies.append(try await EmulatorTests.send(.GET, statusURL, token: token))
            }
            #expect(replies.map(\.status) == [200, 200, 429])
            #expect(replies.map { $0.headers.first(name: "x-ms-ratelimit-remaining-resource") } == [
                "Microsoft.Compute/GetOperation3Min;1", "Microsoft.Compute/GetOperation3Min;0", "Microsoft.Compute/GetOperation3Min;0",
            ])
            #expect(replies[2].headers.first(name: "Retry-After") == "7")
            #expect(try Self.policyWindow(replies[2]).target == "GetOperation3Min")
            let journal = await running.emulator.journal()
            #expect(BudgetAudit.throttledCountsByBudget(journal) == [.getOperationVM: 1])
        }
    }

    // MARK: ARM buckets

    @Test("beyond the ARM write budget: 429 SubscriptionRequestsThrottled, Retry-After until the next token, no Compute token spent")
    func armWriteBudget() async throws {
        let budgets = EmulatorBudgets(
            guestPatchRegion: .perMinute(capacity: 100, refill: 1),
            armWrites: EmulatorBudgets.Bucket(capacity: 2, refillPerSecond: 0.25)
        )
        let vms = (1...3).map { Self.vm("web-prod-00\($0)") }
        try await withAzureEmulator(configuration: Self.configuration(budgets, fleet: vms), logger: EmulatorTests.logger) { running in
            let token = try await EmulatorTests.token(running)
            let writes = [
                try await Self.post(running, vms[0], token: token),
                try await Self.post(running, vms[1], token: token),
            ]
            #expect(writes.map(\.status) == [202, 202])
            #expect(writes.map { $0.headers.first(name: "x-ms-ratelimit-remaining-subscription-writes") } == ["1", "0"])
            #expect(writes[0].headers.first(name: "x-ms-ratelimit-remaining-subscription-global-writes") == nil, "unlimited here")

            let throttled = try await Self.post(running, vms[2], token: token)
            #expect(throttled.status == 429)
            #expect(throttled.headers.first(name: "Retry-After") == "4")
            #expect(throttled.headers.first(name: "x-ms-ratelimit-remaining-subscription-writes") == "0")
            #expect(throttled.headers.first(name: "x-ms-ratelimit-remaining-resource") == nil)
            let error = try EmulatorTests.cloudError(throttled)
            #expect(error.code == "SubscriptionRequestsThrottled")
            #expect(error.message.hasPrefix("Number of 'write' requests for subscription actor '"))
            #expect(error.message.contains("Please try again after '4' seconds after additional tokens are available."))

            await running.emulator.advanceClock(by: .seconds(4))
            let accepted = try await Self.post(running, vms[2], token: token)
            #expect(accepted.status == 202)
            #expect(accepted.headers.first(name: "x-ms-ratelimit-remaining-resource") == "Microsoft.Compute/GuestPatchRegion3Min;97")
            #expect(BudgetAudit.throttledCountsByBudget(await running.emulator.journal()) == [.armWrites: 1])
        }
    }

    @Test("remaining-budget headers count down on every ARM response, reads and writes separately")
    func headersCountDown() async throws {
        let vm = Self.vm("web-prod-001")
        try await withAzureEmulator(configuration: Self.configuration(.azure, fleet: [vm]), logger: EmulatorTests.logger) { running in
            let token = try await EmulatorTests.token(running)
            let accepted = try await Self.post(running, vm, token: token)
            #expect(accepted.headers.first(name: "x-ms-ratelimit-remaining-subscription-writes") == "199")
            #expect(accepted.headers.first(name: "x-ms-ratelimit-remaining-subscription-global-writes") == "2999")
            let statusURL = try #require(accepted.headers.first(name: "Azure-AsyncOperation"))
            var reads: [String?] = []
            var operations: [String?] = []
            for _ in 0..<3 {
                let poll = try await EmulatorTests.send(.GET, statusURL, token: token)
                reads.append(poll.headers.first(name: "x-ms-ratelimit-remaining-subscription-reads"))
                operations.append(poll.headers.first(name: "x-ms-ratelimit-remaining-resource"))
            }
            #expect(reads == ["249", "248", "247"])
            #expect(operations == [
                "Microsoft.Compute/GetOperation3Min;44,Microsoft.Compute/GetOperationRegion3Min;14999",
                "Microsoft.Compute/GetOperation3Min;43,Microsoft.Compute/GetOperationRegion3Min;14998",
                "Microsoft.Compute/GetOperation3Min;42,Microsoft.Compute/GetOperationRegion3Min;14997",
            ])
        }
    }

    @Test("unlimited budgets: no 429 however hard a VM is hit, and no remaining-budget headers")
    func unlimited() async throws {
        let vm = Self.vm("web-prod-001")
        try await withAzureEmulator(configuration: Self.configuration(.unlimited, fleet: [vm]), logger: EmulatorTests.logger) { running in
            let token = try await EmulatorTests.token(running)
            var replies: [EmulatorTests.Reply] = []
            for _ in 0..<10 {
                replies.append(try await Self.post(running, vm, token: token))
            }
            #expect(replies.map(\.status) == [202] + Array(repeating: 409, count: 9))
            #expect(replies.allSatisfy { reply in
                !reply.headers.contains { $0.name.lowercased().hasPrefix("x-ms-ratelimit-remaining") }
            })
        }
    }

    // MARK: Forced throttling

    @Test("forced throttling answers a subscription's next POSTs with the Compute 429 and leaves other subscriptions alone")
    func forcedThrottle() async throws {
        let throttledVMs = (1...2).map { Self.vm("web-prod-00\($0)") }
        let otherVM = Self.vm("web-prod-009", subscriptionID: Self.otherSubscriptionID)
        let configuration = Self.configuration(.azure, fleet: throttledVMs + [otherVM])
        try await withAzureEmulator(configuration: configuration, logger: EmulatorTests.logger) { running in
            await running.emulator.throttle(subscription: EmulatorTests.subscriptionID.uppercased(), retryAfterSeconds: 1_200, count: 2)
            let token = try await EmulatorTests.token(running)

            let first = try await Self.post(running, throttledVMs[0], token: token)
            #expect(first.status == 429)
            #expect(first.headers.first(name: "Retry-After") == "1200")
            #expect(first.headers.first(name: "x-ms-ratelimit-remaining-resource") == "Microsoft.Compute/GuestPatchRegion3Min;0")
            let (target, window) = try Self.policyWindow(first)
            #expect(target == "GuestPatchRegion3Min")
            #expect(window.measuredRequestCount > window.allowedRequestCount)

            #expect(try await Self.post(running, otherVM, token: token).status == 202)
            #expect(try await Self.post(running, throttledVMs[1], token: token).status == 429)
            let accepted = try await Self.post(running, throttledVMs[1], token: token)
            #expect(accepted.status == 202)
            // Forced 429s spend no Compute token.
            #expect(accepted.headers.first(name: "x-ms-ratelimit-remaining-resource") == "Microsoft.Compute/GuestPatch3Min;5,Microsoft.Compute/GuestPatchRegion3Min;599")

            let journal = await running.emulator.journal()
            #expect(BudgetAudit.throttledCountsByBudget(journal) == [.guestPatchRegion: 2])
            #expect(journal.filter { $0.status == 429 }.allSatisfy { $0.subscriptionID == EmulatorTests.subscriptionID })
        }
    }

    // MARK: Audit

    static func entry(
        _ kind: JournalEntry.Kind,
        at seconds: Double,
        vm: String,
        subscriptionID: String = EmulatorTests.subscriptionID,
        location: String = "westeurope",
        status: Int = 202,
        from start: ContinuousClock.Instant
    ) -> JournalEntry {
        JournalEntry(
            kind: kind, method: kind == .assessPatches ? "POST" : "GET", path: "/", query: nil,
            vmResourceID: vm, status: status, hadBearerToken: true, clientRequestID: nil, userAgent: nil,
            at: start + .milliseconds(Int64(seconds * 1_000)), subscriptionID: subscriptionID, location: location
        )
    }

    @Test("the audit passes a journal that kept to the budget and finds the overdraft of one that did not")
    func auditSyntheticJournals() {
        let start = ContinuousClock.now
        let limit = EmulatorBudgets.Bucket(capacity: 2, refillPerSecond: 1)
        // Full burst, then exactly the refill rate; a 429 still counts as sent; polls are another budget.
        let compliant = [0, 0, 1, 2, 3].map { Self.entry(.assessPatches, at: $0, vm: "vm-a", from: start) }
            + [Self.entry(.assessPatches, at: 4, vm: "vm-a", status: 429, from: start)]
            + (0..<5).map { _ in Self.entry(.operationStatus, at: 0, vm: "vm-a", status: 200, from: start) }
        let passed = BudgetAudit.check(compliant, budget: .guestPatchVM, limit: limit)
        #expect(passed.isWithinBudget, "\(passed)")
        #expect(passed.requestCount == 6)
        #expect(passed.worstOverdraft == 0)

        // vm-b sends four at once and a fifth half a second later: 2.5 tokens overdrawn.
        let overdrawn = compliant + [0, 0, 0, 0, 0.5].map { Self.entry(.assessPatches, at: $0, vm: "vm-b", from: start) }
        let failed = BudgetAudit.check(overdrawn, budget: .guestPatchVM, limit: limit, tolerance: 1)
        #expect(!failed.isWithinBudget)
        #expect(failed.violatingKeys == ["vm-b"])
        #expect(failed.worstKey == "vm-b")
        #expect(abs(failed.worstOverdraft - 2.5) < 1e-9)
        #expect(BudgetAudit.check(overdrawn, budget: .guestPatchVM, limit: limit, tolerance: 2.5).isWithinBudget)

        // Per subscription and region, the two VMs share one bucket (six at once overdraw five); another region has its own.
        let regional = BudgetAudit.check(
            overdrawn + [Self.entry(.assessPatches, at: 0, vm: "vm-c", location: "eastus", from: start)],
            kinds: [.assessPatches], key: \.subscriptionRegion, capacity: 5, refillPerSecond: 1
        )
        #expect(regional.keyCount == 2)
        #expect(regional.violatingKeys == ["\(EmulatorTests.subscriptionID)/westeurope"])
    }

    @Test("audited against the emulator's own budgets, a burst shows exactly the overdraft the emulator refused")
    func auditRealJournal() async throws {
        let budgets = EmulatorBudgets.azure.scaled(by: 0.5)
        let vm = Self.vm("web-prod-001")
        try await withAzureEmulator(configuration: Self.configuration(budgets, fleet: [vm]), logger: EmulatorTests.logger) { running in
            let token = try await EmulatorTests.token(running)
            for _ in 0..<5 {
                _ = try await Self.post(running, vm, token: token)
            }
            let results = BudgetAudit.checkAll(await running.emulator.journal(), budgets: budgets)
            #expect(Set(results.keys) == Set(BudgetName.allCases))
            let perVM = try #require(results[.guestPatchVM])
            #expect(perVM.violatingKeys == [vm.resourceID.lowercased()])
            #expect(perVM.worstOverdraft == 2)
            #expect(results.filter { !$0.value.isWithinBudget }.keys.sorted { $0.rawValue < $1.rawValue } == [.guestPatchVM])
        }
    }

    @Test("scaling multiplies every bucket, keeping at least one token, and leaves Retry-After alone")
    func scaling() {
        let scaled = EmulatorBudgets.azure.scaled(by: 0.1)
        #expect(scaled.guestPatchRegion?.capacity == 60)
        #expect(abs((scaled.guestPatchRegion?.refillPerSecond ?? 0) - 20.0 / 60) < 1e-12)
        #expect(scaled.guestPatchVM?.capacity == 1)
        #expect(scaled.armWrites == EmulatorBudgets.Bucket(capacity: 20, refillPerSecond: 1))
        #expect(scaled.computeRetryAfterSeconds == EmulatorBudgets.azure.computeRetryAfterSeconds)
        #expect(EmulatorBudgets.unlimited.scaled(by: 0.1) == .unlimited)
    }
}
