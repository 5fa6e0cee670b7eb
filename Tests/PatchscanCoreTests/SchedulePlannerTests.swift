import Foundation
import PatchscanCore
import PatchscanStore
import Testing

private let hour: TimeInterval = 3_600
private let t0 = Date(timeIntervalSince1970: 1_777_000_000)

private func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

private func seconds(_ duration: Duration) -> TimeInterval {
    TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
}

private func resourceID(_ index: Int) -> String {
    "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-prod/providers/Microsoft.Compute/"
        + "virtualMachines/vm-\(String(format: "%04d", index))"
}

/// `count` VMs with ids 1…count and the given state.
private func fleet(
    _ count: Int,
    group: String? = nil,
    nextDueAt: (Int) -> Date? = { _ in nil },
    lastAssessedAt: (Int) -> Date? = { _ in nil }
) -> [ScheduledVM] {
    (0..<count).map { index in
        ScheduledVM(
            vmID: Int64(index + 1), resourceID: resourceID(index), group: group,
            nextDueAt: nextDueAt(index), lastAssessedAt: lastAssessedAt(index)
        )
    }
}

/// `count` VMs on a steady cadence: VM `i` is due at `firstDue + i × spacing` seconds from t0 and was last assessed
/// one `interval` before that.
private func cadenced(
    _ count: Int,
    firstDue: TimeInterval,
    spacing: TimeInterval,
    interval: TimeInterval = 6 * hour
) -> [ScheduledVM] {
    fleet(
        count,
        nextDueAt: { at(firstDue + Double($0) * spacing) },
        lastAssessedAt: { at(firstDue + Double($0) * spacing - interval) }
    )
}

/// How many due times fall in each minute from `start`, for minutes 0..<minutes.
private func minuteBuckets(_ dates: some Sequence<Date>, from start: Date, minutes: Int) -> [Int] {
    var buckets = Array(repeating: 0, count: minutes)
    for date in dates {
        let minute = Int(date.timeIntervalSince(start) / 60)
        if buckets.indices.contains(minute) { buckets[minute] += 1 }
    }
    return buckets
}

private let sixHours = SchedulePlanner(settings: ScheduleSettings(interval: .seconds(6 * 3_600)))

/// A planner with a 6-hour default interval and the given group intervals, in seconds.
private func plannerWith(groups: [String: Int]) -> SchedulePlanner {
    SchedulePlanner(settings: ScheduleSettings(
        interval: .seconds(6 * 3_600),
        groupIntervals: groups.mapValues { .seconds($0) }
    ))
}

/// VM `id` with times in seconds from t0.
private func vm(_ id: Int64, group: String? = nil, due: TimeInterval?, assessed: TimeInterval?) -> ScheduledVM {
    ScheduledVM(
        vmID: id, resourceID: resourceID(Int(id)), group: group,
        nextDueAt: due.map(at), lastAssessedAt: assessed.map(at)
    )
}

@Suite("Schedule planner")
struct SchedulePlannerTests {
    @Test("first scans of 1,000 new VMs spread evenly over one interval")
    func firstScansSpread() throws {
        let vms = fleet(1_000)
        let plan = sixHours.plan(vms, now: t0)

        #expect(plan.count == 1_000)
        #expect(plan.values.allSatisfy { $0 >= t0 && $0 < at(6 * hour) })
        let buckets = minuteBuckets(plan.values, from: t0, minutes: 360)
        let average = 1_000.0 / 360
        #expect(Double(try #require(buckets.max())) <= 4 * average, "busiest minute: \(buckets.max() ?? 0)")
        // Each hour holds about a sixth of the fleet.
        let hours = (0..<6).map { hourIndex in buckets[(hourIndex * 60)..<((hourIndex + 1) * 60)].reduce(0, +) }
        #expect(hours.allSatisfy { (125...209).contains($0) }, "\(hours)")
    }

    @Test("the same VMs and time give the same plan, in any input order")
    func deterministic() {
        let vms = fleet(200, nextDueAt: { $0.isMultiple(of: 3) ? at(-Double($0) * 60) : nil })
        let first = sixHours.plan(vms, now: t0)
        #expect(sixHours.plan(vms, now: t0) == first)
        #expect(sixHours.plan(vms.reversed(), now: t0) == first)
        #expect(SchedulePlanner(settings: ScheduleSettings()).plan(vms, now: t0) == first)
    }

    @Test("a VM's phase comes from a stable hash of its lower-cased resource id")
    func stablePhase() {
        let phase = sixHours.phase(ofResourceID: resourceID(7), group: nil)
        #expect(phase == sixHours.phase(ofResourceID: resourceID(7).uppercased(), group: nil))
        #expect(phase >= .zero && phase < .seconds(6 * 3_600))
        // The value itself is pinned: a per-process seeded hash (Swift's hashValue) would move every VM's first scan
        // on each start.
        #expect(abs(seconds(phase) - 19_763.555_404_9) < 0.000_1)
        #expect(sixHours.plan(fleet(8), now: t0)[8] == t0.addingTimeInterval(seconds(phase)))
    }

    @Test("a due time in the future is kept, and overdue VMs within the threshold stay due now")
    func keepsDueTimes() {
        let vms = [
            vm(1, due: 600, assessed: 600 - 6 * hour),
            vm(2, due: -10, assessed: -10 - 6 * hour),
            vm(3, due: 0, assessed: -6 * hour),
            vm(4, due: 300, assessed: nil),
        ]
        #expect(sixHours.plan(vms, now: t0) == [1: at(600), 2: at(-10), 3: at(0), 4: at(300)])
    }

    @Test("a short outage replays the missed minute over the next minute, in order")
    func shortOutage() throws {
        // 3,600 VMs, one due every 6 seconds; the daemon was down for the last 60 seconds.
        let vms = cadenced(3_600, firstDue: -60, spacing: 6)
        let plan = sixHours.plan(vms, now: t0)

        let missed = vms.filter { $0.nextDueAt! <= t0 }
        #expect(missed.count == 11)
        let replayed = missed.map { plan[$0.vmID]! }
        #expect(replayed.first == t0)
        #expect(replayed == replayed.sorted())
        #expect(replayed.allSatisfy { $0 >= t0 && $0 < at(60) })
        let gaps = zip(replayed.dropFirst(), replayed).map { $0.timeIntervalSince($1) }
        #expect(gaps.allSatisfy { abs($0 - 60.0 / 11) < 0.001 }, "\(gaps)")
        for vm in vms where vm.nextDueAt! > t0 {
            #expect(plan[vm.vmID] == vm.nextDueAt)
        }
    }

    @Test("a three-day outage spreads the whole fleet over one interval, in order")
    func longOutage() throws {
        // Every VM came due during the first six hours of the outage.
        let vms = cadenced(1_000, firstDue: -72 * hour, spacing: 21.6)
        let plan = sixHours.plan(vms, now: t0)

        let spread = vms.map { plan[$0.vmID]! }
        #expect(spread.first == t0)
        #expect(spread == spread.sorted())
        #expect(spread.allSatisfy { $0 >= t0 && $0 < at(6 * hour) })
        #expect(try #require(minuteBuckets(spread, from: t0, minutes: 360).max()) <= 3)
    }

    @Test("one long-forgotten VM does not hold back the VMs that are only a little late")
    func outlier() {
        // 360 VMs due one a minute; VM 1 was last due a week ago, the others' last ten minutes were missed.
        var vms = cadenced(360, firstDue: -600, spacing: 60)
        vms[0].nextDueAt = at(-7 * 24 * hour)
        vms[0].lastAssessedAt = at(-7 * 24 * hour - 6 * hour)
        let plan = sixHours.plan(vms, now: t0)

        let overdue = vms.filter { $0.nextDueAt! <= t0 }.map { plan[$0.vmID]! }
        #expect(overdue.count == 11)
        #expect(overdue.allSatisfy { $0 >= t0 && $0 < at(11 * 60) }, "\(overdue.map { $0.timeIntervalSince(t0) })")
    }

    @Test("due times set by a catch-up stay put when planned again")
    func catchUpIsStable() {
        let vms = cadenced(1_000, firstDue: -72 * hour, spacing: 21.6)
        let first = sixHours.plan(vms, now: t0)
        let persisted = vms.map { vm in
            var vm = vm
            vm.nextDueAt = first[vm.vmID]
            return vm
        }
        let later = at(10)
        let second = sixHours.plan(persisted, now: later)
        for vm in persisted {
            #expect(second[vm.vmID] == vm.nextDueAt)
        }
        #expect(second.values.filter { $0 <= later }.count == first.values.filter { $0 <= later }.count)
    }

    @Test("a grown interval moves due times out to last assessment plus the new interval")
    func intervalGrew() {
        let planner = plannerWith(groups: ["web": 12 * 3_600])
        let vms = [
            vm(1, group: "web", due: 5 * hour, assessed: -hour),
            // Overdue under the old interval, not under the new one.
            vm(2, group: "web", due: -hour, assessed: -7 * hour),
            vm(3, group: "db", due: 5 * hour, assessed: -hour),
        ]
        #expect(planner.plan(vms, now: t0) == [1: at(11 * hour), 2: at(5 * hour), 3: at(5 * hour)])
    }

    @Test("a shrunk interval moves due times in; VMs now overdue are caught up, not started at once")
    func intervalShrank() throws {
        let planner = SchedulePlanner(settings: ScheduleSettings(interval: .seconds(3_600)))
        let vms = [
            // Assessed 30 minutes ago under 6h: due in 30 minutes under 1h.
            vm(1, due: 5.5 * hour, assessed: -0.5 * hour),
            // Assessed 3 and 4 hours ago: overdue under 1h.
            vm(2, due: 3 * hour, assessed: -3 * hour),
            vm(3, due: 2 * hour, assessed: -4 * hour),
            // Never assessed, first scan planned under 6h: re-spread within the new hour.
            vm(4, due: 4 * hour, assessed: nil),
            // Within one new interval: kept.
            vm(5, due: 0.75 * hour, assessed: -5.25 * hour),
        ]
        let plan = planner.plan(vms, now: t0)
        #expect(plan[1] == at(0.5 * hour))
        #expect(plan[3] == t0)
        let second = try #require(plan[2])
        #expect(second > t0 && second <= at(hour))
        #expect(plan[4] == t0.addingTimeInterval(seconds(planner.phase(ofResourceID: resourceID(4), group: nil))))
        #expect(plan[5] == at(0.75 * hour))
    }

    @Test("a VM assessed before scheduling existed is due one interval after that assessment")
    func assessedWithoutDueTime() {
        let vms = [
            vm(1, due: nil, assessed: -2 * hour),
            vm(2, due: nil, assessed: -6 * hour - 5),
        ]
        #expect(sixHours.plan(vms, now: t0) == [1: at(4 * hour), 2: at(-5)])
    }

    @Test("a VM never assessed but with a due time is treated like any other")
    func neverAssessedWithDueTime() {
        let vms = [
            vm(1, due: hour, assessed: nil),
            vm(2, due: -2 * hour, assessed: nil),
            vm(3, due: -hour, assessed: nil),
        ]
        let plan = sixHours.plan(vms, now: t0)
        #expect(plan[1] == at(hour))
        #expect(plan[2] == t0)
        #expect(plan[3]! > t0 && plan[3]! <= at(2 * hour))
    }

    @Test("groups catch up on their own intervals")
    func groupsCatchUpSeparately() {
        let planner = plannerWith(groups: ["fast": 600])
        let slow = cadenced(10, firstDue: -hour, spacing: 1)
        let fast = cadenced(20, firstDue: -hour, spacing: 1, interval: 600).suffix(10).map { vm in
            var vm = vm
            vm.group = "fast"
            return vm
        }
        let plan = planner.plan(slow + fast, now: t0)
        #expect(fast.allSatisfy { plan[$0.vmID]! < at(600) })
        #expect(slow.contains { plan[$0.vmID]! > at(600) })
        #expect(plan[1] == t0 && plan[11] == t0)
    }

    @Test("the next due time is one interval of the VM's group after the assessment started")
    func nextDue() {
        let planner = plannerWith(groups: ["web": 3_600])
        #expect(planner.nextDue(afterAssessmentAt: t0, succeeded: true, group: nil) == at(6 * hour))
        #expect(planner.nextDue(afterAssessmentAt: t0, succeeded: true, group: "web") == at(hour))
        #expect(planner.nextDue(afterAssessmentAt: t0, succeeded: true, group: "unknown") == at(6 * hour))
    }

    @Test("after a failure the VM is due again after its interval or 30 minutes, whichever is shorter")
    func retryAfterFailure() {
        let planner = plannerWith(groups: ["fast": 600])
        #expect(planner.nextDue(afterAssessmentAt: t0, succeeded: false, group: nil) == at(hour / 2))
        #expect(planner.nextDue(afterAssessmentAt: t0, succeeded: false, group: "fast") == at(600))
    }

    @Test("planning again (a reload or restart) keeps a failed VM's retry instead of moving it out a whole interval")
    func retryKeptWhenPlannedAgain() {
        let failed = ScheduledVM(
            vmID: 1, resourceID: resourceID(0), nextDueAt: at(hour / 2), lastAssessedAt: t0, lastAssessmentSucceeded: false
        )
        var succeeded = failed
        succeeded.lastAssessmentSucceeded = true
        #expect(sixHours.plan([failed], now: at(60)) == [1: at(hour / 2)])
        #expect(sixHours.plan([succeeded], now: at(60)) == [1: at(6 * hour)], "a success keeps the grown-interval rule")
    }
}

@Suite("Schedule planner over time")
struct SchedulePlannerSimulationTests {
    /// A daemon loop reduced to the planner: every `tick` it plans, persists the plan, and assesses (instantly)
    /// the VMs due, recording the next due time.
    struct Simulation {
        let planner: SchedulePlanner
        var vms: [Int64: ScheduledVM]
        var starts: [(vmID: Int64, at: Date)] = []

        mutating func run(from start: Date, to end: Date, tick: TimeInterval) {
            var now = start
            while now < end {
                let plan = planner.plan(Array(vms.values), now: now)
                for (vmID, due) in plan {
                    vms[vmID]?.nextDueAt = due
                    if due <= now {
                        starts.append((vmID, now))
                        vms[vmID]?.lastAssessedAt = now
                        vms[vmID]?.nextDueAt = planner.nextDue(afterAssessmentAt: now, succeeded: true, group: nil)
                    }
                }
                now = now.addingTimeInterval(tick)
            }
        }
    }

    @Test("after a two-hour outage every VM is assessed exactly once in the next interval, without a burst")
    func restartNeitherRescansNorSkips() throws {
        let vms = Dictionary(uniqueKeysWithValues: fleet(500).map { ($0.vmID, $0) })
        var simulation = Simulation(planner: sixHours, vms: vms)
        simulation.run(from: t0, to: at(8 * hour), tick: 20)
        let restart = at(10 * hour)
        simulation.starts.removeAll()
        simulation.run(from: restart, to: restart.addingTimeInterval(6 * hour), tick: 20)

        let perVM = Dictionary(grouping: simulation.starts, by: \.vmID).mapValues(\.count)
        #expect(perVM.count == 500)
        #expect(perVM.values.allSatisfy { $0 == 1 })
        let buckets = minuteBuckets(simulation.starts.map(\.at), from: restart, minutes: 360)
        // The normal pace is 500 / 360 ≈ 1.4 a minute; the two missed hours replay beside it.
        #expect(try #require(buckets.max()) <= 12, "busiest minute: \(buckets.max() ?? 0)")
    }
}
