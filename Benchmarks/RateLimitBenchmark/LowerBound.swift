import AzureEmulator
import PatchscanCore

/// One kind of token bucket a cycle's requests pass through: what it is kept per, how many requests each VM sends
/// through it, and its size.
struct BucketClass: Sendable {
    let name: String
    let scope: BudgetName.Scope
    let requestsPerVM: Int
    let capacity: Double
    let refillPerSecond: Double
    /// The least time from this bucket's last request to the end of the cycle: a whole assessment after a POST,
    /// one response after a read.
    let tail: Duration
}

/// The lower bound one bucket class puts on the cycle, at its busiest key.
struct BucketBound: Sendable {
    let bucket: BucketClass
    /// The busiest key (a subscription, a subscription/region or a VM).
    let key: String
    /// Requests the busiest key receives in one cycle.
    let requests: Int
    /// The least time from the first to the last request through the key: `max(0, requests − capacity) / refill`.
    let drain: Duration

    /// The least cycle time this bucket allows: ``drain`` plus the bucket's tail.
    var bound: Duration { drain + bucket.tail }
}

/// The least time a cycle can take when every bucket is used perfectly: a bucket with capacity `B` and refill `r`
/// admits `N` requests no faster than `max(0, N − B) / r` from the first to the last, keys of a class run in
/// parallel, and the last request is followed by the rest of its assessment.
enum LowerBound {
    /// Each class's bound at its busiest key, the binding (largest) first.
    static func bounds(_ classes: [BucketClass], fleet: [EmulatedVM]) -> [BucketBound] {
        classes.map { bucket in
            var vmsPerKey: [String: Int] = [:]
            for vm in fleet {
                let key = bucket.scope.key(subscriptionID: vm.subscriptionID, location: vm.location, vmResourceID: vm.resourceID)
                vmsPerKey[key ?? "-", default: 0] += 1
            }
            let busiest = vmsPerKey.max { $0.value < $1.value } ?? (key: "-", value: 0)
            let requests = busiest.value * bucket.requestsPerVM
            let seconds = max(0, Double(requests) - bucket.capacity) / bucket.refillPerSecond
            return BucketBound(bucket: bucket, key: busiest.key, requests: requests, drain: .seconds(seconds))
        }
        .sorted { $0.bound > $1.bound }
    }

    /// The buckets patchscan keeps (`RateLimiter`), at their effective size: budget × safety factor.
    static func clientClasses(_ limits: RateLimitSettings, scenario: Scenario) -> [BucketClass] {
        let reads = scenario.readsPerAssessment
        let post = scenario.assessmentLatency
        let read = scenario.latency
        func bucket(_ name: String, _ scope: BudgetName.Scope, _ perVM: Int, _ limit: BucketLimit, _ tail: Duration) -> BucketClass {
            BucketClass(
                name: name, scope: scope, requestsPerVM: perVM, capacity: limit.capacity(safetyFactor: limits.safetyFactor),
                refillPerSecond: limit.refillPerSecond(safetyFactor: limits.safetyFactor), tail: tail
            )
        }
        return [
            bucket("guest_patch_region", .subscriptionRegion, 1, limits.assessPatchesPerRegion, post),
            bucket("guest_patch_vm", .vm, 1, limits.assessPatchesPerVM, post),
            bucket("arm_writes", .subscription, 1, limits.armWrites, post),
            bucket("arm_reads", .subscription, reads, limits.armReads, read),
            bucket("get_operation", .vm, reads, limits.pollsPerVM, read),
        ]
    }

    /// The budgets the emulator enforces, at their full size.
    static func emulatorClasses(_ budgets: EmulatorBudgets, scenario: Scenario) -> [BucketClass] {
        BudgetName.allCases.compactMap { name in
            guard let limit = budgets[name] else { return nil }
            let isPost = name.kinds.contains(.assessPatches)
            return BucketClass(
                name: name.rawValue, scope: name.scope, requestsPerVM: isPost ? 1 : scenario.readsPerAssessment,
                capacity: Double(limit.capacity), refillPerSecond: limit.refillPerSecond,
                tail: isPost ? scenario.assessmentLatency : scenario.latency
            )
        }
    }

    /// The bound `scan.concurrency` sets: `⌈VMs / concurrency⌉` rounds of one assessment each.
    static func concurrencyBound(vms: Int, concurrency: Int, assessment: Duration) -> Duration {
        assessment * ((vms + concurrency - 1) / concurrency)
    }

}
