import PatchscanStore
import Testing

struct VMRegistrationTests {
    @Test func registeringReturnsRowIDsKeyedByLowercasedResourceID() async throws {
        let database = try TestDatabase()
        let ids = try await database.store.registerVMs(Fleet.all, seenAt: Instant.t0)
        #expect(Set(ids.keys) == Set(Fleet.all.map { $0.resourceID.lowercased() }))
        #expect(Set(ids.values).count == 3)
        #expect(try await database.count("vm") == 3)
    }

    @Test func reRegisteringWithDifferentCaseUpdatesTheSameRow() async throws {
        let database = try TestDatabase()
        let store = database.store
        let original = Fleet.vm("Web-1", group: "web", location: "westeurope")
        let firstIDs = try await store.registerVMs([original], seenAt: Instant.t0)

        var renamed = original
        renamed.resourceID = original.resourceID.uppercased()
        renamed.group = "frontend"
        renamed.location = nil
        let secondIDs = try await store.registerVMs([renamed], seenAt: Instant.at(3600))

        let key = original.resourceID.lowercased()
        #expect(secondIDs == firstIDs)
        #expect(secondIDs[key] != nil)
        let rows = try await database.table("""
            SELECT resource_id, location, vm_group, first_seen_at, last_seen_at FROM vm
            """)
        #expect(rows == [[
            renamed.resourceID, "westeurope", "frontend", "2026-04-24 03:06:40.000", "2026-04-24 04:06:40.000",
        ]])
    }

    @Test func theSameVMTwiceInOneCallIsOneRow() async throws {
        let database = try TestDatabase()
        var lower = Fleet.web1
        lower.resourceID = lower.resourceID.lowercased()
        let ids = try await database.store.registerVMs([Fleet.web1, lower], seenAt: Instant.t0)
        #expect(ids.count == 1)
        #expect(try await database.count("vm") == 1)
    }

    @Test func anEarlierRegistrationDoesNotMoveLastSeenBackwards() async throws {
        let database = try TestDatabase()
        _ = try await database.store.registerVMs([Fleet.web1], seenAt: Instant.at(100))
        _ = try await database.store.registerVMs([Fleet.web1], seenAt: Instant.at(50))
        let rows = try await database.table("SELECT first_seen_at, last_seen_at FROM vm")
        #expect(rows == [["2026-04-24 03:08:20.000", "2026-04-24 03:08:20.000"]])
    }

    @Test func registeringOnlyReturnsTheRequestedVMs() async throws {
        let database = try TestDatabase()
        _ = try await database.store.registerVMs(Fleet.all, seenAt: Instant.t0)
        let ids = try await database.store.registerVMs([Fleet.sql1], seenAt: Instant.at(1))
        #expect(Array(ids.keys) == [Fleet.sql1.resourceID.lowercased()])
    }
}
