import Foundation
import GRDB
import PatchscanStore

/// A store over a fresh in-memory database, with the queue kept for raw SQL checks.
struct TestDatabase {
    let queue: DatabaseQueue
    let store: PatchscanStore

    init() throws {
        queue = try DatabaseQueue(configuration: PatchscanStore.makeConfiguration())
        store = try PatchscanStore(writer: queue)
    }

    /// Runs `sql` and renders every row as strings (`NULL` for NULL), for compact expectations.
    func table(_ sql: String) async throws -> [[String]] {
        try await queue.read { db in
            try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map(render) }
        }
    }

    /// Counts the rows of `table`.
    func count(_ table: String) async throws -> Int {
        try await queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
        }
    }
}

private func render(_ value: DatabaseValue) -> String {
    switch value.storage {
    case .null: "NULL"
    case .int64(let integer): String(integer)
    case .double(let double): String(double)
    case .string(let string): string
    case .blob(let data): "<\(data.count) bytes>"
    }
}

/// Fixed instants with whole seconds, so they survive the millisecond text format unchanged.
enum Instant {
    static let t0 = Date(timeIntervalSince1970: 1_777_000_000)
    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }
}

/// Configured VMs used across tests.
enum Fleet {
    static let subscription = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"

    static func vm(_ name: String, group: String?, location: String? = "westeurope") -> VMRegistration {
        VMRegistration(
            resourceID: "/subscriptions/\(subscription)/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/\(name)",
            subscriptionID: subscription,
            resourceGroup: "rg-prod",
            name: name,
            location: location,
            group: group
        )
    }

    static let web1 = vm("web-1", group: "web")
    static let web2 = vm("web-2", group: "web")
    static let sql1 = vm("sql-1", group: "sql")
    static let all = [web1, web2, sql1]
}

extension PatchscanStore {
    /// Sets due times planned from the current state of the test fleet's VMs.
    func setNextDue(_ dueTimes: [Int64: Date]) async throws {
        try await setNextDue(dueTimes, plannedFrom: scheduledVMs(resourceIDs: Fleet.all.map(\.resourceID)))
    }

    /// Registers the VMs and returns their ids in the same order.
    func register(_ vms: [VMRegistration], at date: Date = Instant.t0) async throws -> [Int64] {
        let ids = try await registerVMs(vms, seenAt: date)
        return vms.map { ids[$0.resourceID.lowercased()] ?? -1 }
    }

    /// Rebuilds the write that produced `row` from what the store reads back.
    func readBack(_ row: AssessmentRow) async throws -> AssessmentWrite {
        let patches = try await patches(assessmentID: row.id).map { patch in
            PatchWrite(
                patchID: patch.patchID,
                name: patch.name,
                version: patch.version,
                kbID: patch.kbID,
                classifications: patch.classifications,
                rebootBehavior: patch.rebootBehavior,
                activityID: patch.activityID,
                publishedDate: patch.publishedDate,
                lastModifiedDateTime: patch.lastModifiedDateTime,
                assessmentState: patch.assessmentState
            )
        }
        let flags = try await flags(runID: row.runID)
            .filter { $0.assessmentID == row.id }
            .map { FlagWrite(kind: $0.kind, value: $0.value, threshold: $0.threshold) }
        return AssessmentWrite(
            runID: row.runID,
            vmID: row.vmID,
            outcome: row.outcome,
            succeeded: row.succeeded,
            lroStatus: row.lroStatus,
            resultStatus: row.resultStatus,
            assessmentActivityID: row.assessmentActivityID,
            rebootPending: row.rebootPending,
            criticalAndSecurityPatchCount: row.criticalAndSecurityPatchCount,
            otherPatchCount: row.otherPatchCount,
            assessmentStartedAt: row.assessmentStartedAt,
            startedAt: row.startedAt,
            durationMilliseconds: row.durationMilliseconds,
            errorCode: row.errorCode,
            errorMessage: row.errorMessage,
            errorTarget: row.errorTarget,
            errorDetailsJSON: row.errorDetailsJSON,
            requestID: row.requestID,
            correlationID: row.correlationID,
            patches: patches,
            flags: flags
        )
    }
}

/// Assessment writes shaped like real results.
enum Sample {
    static func succeeded(
        runID: Int64,
        vmID: Int64,
        rebootPending: Bool = false,
        patches: [PatchWrite] = [],
        flags: [FlagWrite] = [],
        startedAt: Date = Instant.at(60)
    ) -> AssessmentWrite {
        let critical = patches.filter { patch in
            patch.classifications.contains { ["Critical", "Security", "Security-ESM"].contains($0) }
        }.count
        return AssessmentWrite(
            runID: runID,
            vmID: vmID,
            outcome: "succeeded",
            succeeded: true,
            lroStatus: "Succeeded",
            resultStatus: "Succeeded",
            assessmentActivityID: "68f8b292-dfc2-4646-9781-33cc88631968",
            rebootPending: rebootPending,
            criticalAndSecurityPatchCount: critical,
            otherPatchCount: patches.count - critical,
            assessmentStartedAt: "2026-04-24T21:02:04.2556154Z",
            startedAt: startedAt,
            durationMilliseconds: 41_250,
            requestID: "req-\(runID)-\(vmID)",
            correlationID: "corr-\(runID)-\(vmID)",
            patches: patches,
            flags: flags
        )
    }

    static func throttled(runID: Int64, vmID: Int64) -> AssessmentWrite {
        AssessmentWrite(
            runID: runID,
            vmID: vmID,
            outcome: "throttled",
            succeeded: false,
            startedAt: Instant.at(61),
            durationMilliseconds: 120_000,
            errorCode: "TooManyRequests",
            errorMessage: "The request is being throttled.",
            errorTarget: "assessPatches",
            errorDetailsJSON: #"[{"code":"RetryAfter","message":"Retry after 30 s"}]"#,
            requestID: "req-throttled",
            correlationID: "corr-throttled"
        )
    }

    static func patch(_ name: String, kb: String? = nil, version: String? = nil, _ classifications: [String]) -> PatchWrite {
        PatchWrite(
            patchID: "id-\(name)",
            name: name,
            version: version,
            kbID: kb,
            classifications: classifications,
            rebootBehavior: "CanRequestReboot",
            activityID: "68f8b292-dfc2-4646-9781-33cc88631968",
            publishedDate: "2026-04-07T00:00:00Z",
            lastModifiedDateTime: "2026-04-24T21:18:45.2830263Z",
            assessmentState: "Available"
        )
    }
}
