import Foundation
import GRDB
import PatchscanStore
import Testing

/// Accepted operations persisted before polling, so a restarted process resumes them.
struct PendingOperationTests {
    @Test func pendingOperationsAreJoinedWithTheirVMOldestFirst() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1, Fleet.vm("db-1", group: nil, location: nil)])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 2, version: "1.0.0")
        try await store.recordAccepted(Pending.write(vmID: ids[0], runID: runID, acceptedAt: Instant.at(9)))
        try await store.recordAccepted(PendingOperationWrite(
            vmID: ids[1], runID: runID, acceptedAt: Instant.at(7), statusURL: nil, locationURL: "https://loc/1"
        ))

        let operations = try await store.pendingOperations()
        let first = Pending.write(vmID: ids[0], runID: runID)
        #expect(operations == [
            PendingOperation(
                vmID: ids[1], runID: runID, resourceID: Fleet.vm("db-1", group: nil).resourceID, location: nil,
                group: nil, acceptedAt: Instant.at(7), statusURL: nil, locationURL: "https://loc/1", requestID: nil,
                correlationID: nil
            ),
            PendingOperation(
                vmID: ids[0], runID: runID, resourceID: Fleet.web1.resourceID, location: "westeurope", group: "web",
                acceptedAt: Instant.at(9), statusURL: first.statusURL, locationURL: first.locationURL,
                requestID: "req-accepted-\(ids[0])", correlationID: "corr-accepted-\(ids[0])"
            ),
        ])
    }

    @Test func recordingAcceptedAgainReplacesTheVMsOperation() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1])
        let oldRun = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        let newRun = try await store.startRun(startedAt: Instant.at(100), plannedVMCount: 1, version: "1.0.0")
        try await store.recordAccepted(Pending.write(vmID: ids[0], runID: oldRun, acceptedAt: Instant.at(5)))
        try await store.recordAccepted(PendingOperationWrite(
            vmID: ids[0], runID: newRun, acceptedAt: Instant.at(105), statusURL: "https://status/2", locationURL: nil
        ))

        let operations = try await store.pendingOperations()
        #expect(operations.count == 1)
        #expect(operations.first?.runID == newRun)
        #expect(operations.first?.acceptedAt == Instant.at(105))
        #expect(operations.first?.statusURL == "https://status/2")
        #expect(operations.first?.locationURL == nil)
        #expect(operations.first?.requestID == nil)
    }

    @Test func anOperationWithoutURLsOrForAnUnknownVMOrRunIsRefused() async throws {
        let database = try TestDatabase()
        let store = database.store
        let ids = try await store.register([Fleet.web1])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")

        let noURL = await #expect(throws: StoreError.self) {
            try await store.recordAccepted(PendingOperationWrite(
                vmID: ids[0], runID: runID, acceptedAt: Instant.t0, statusURL: nil, locationURL: nil
            ))
        }
        #expect(noURL?.code == .invalidArgument)
        let unknownVM = await #expect(throws: StoreError.self) {
            try await store.recordAccepted(Pending.write(vmID: ids[0] + 99, runID: runID))
        }
        #expect(unknownVM?.code == .vmNotFound)
        let unknownRun = await #expect(throws: StoreError.self) {
            try await store.recordAccepted(Pending.write(vmID: ids[0], runID: runID + 99))
        }
        #expect(unknownRun?.code == .runNotFound)
        #expect(try await database.count("pending_operation") == 0)
    }

    @Test func describingAnOperationLeavesTheSignedURLsOut() async throws {
        let store = try TestDatabase().store
        let ids = try await store.register([Fleet.web1])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        let write = Pending.write(vmID: ids[0], runID: runID)
        try await store.recordAccepted(write)
        let operation = try #require(try await store.pendingOperations().first)

        for text in [
            String(describing: write), String(reflecting: write), String(describing: operation),
            String(reflecting: operation), "\([operation])",
        ] {
            #expect(!text.contains("sig=secret"))
            #expect(!text.contains("operations/op-"))
            #expect(text.contains("req-accepted-\(ids[0])"))
        }
    }
}

/// Accepted operations shaped like Azure's 202 responses; the URLs carry a stand-in signature.
enum Pending {
    static func write(vmID: Int64, runID: Int64, acceptedAt: Date = Instant.at(5)) -> PendingOperationWrite {
        let operation = "https://management.azure.com/subscriptions/\(Fleet.subscription)/providers/Microsoft.Compute/"
            + "locations/westeurope/operations/op-\(vmID)"
        return PendingOperationWrite(
            vmID: vmID,
            runID: runID,
            acceptedAt: acceptedAt,
            statusURL: "\(operation)?api-version=2024-07-01&sig=secret",
            locationURL: "\(operation)?monitor=true&api-version=2024-07-01&sig=secret",
            requestID: "req-accepted-\(vmID)",
            correlationID: "corr-accepted-\(vmID)"
        )
    }
}
