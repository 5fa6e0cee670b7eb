import Foundation
import PatchscanStore
import Testing

/// The advisory lock file behind one-migration-at-a-time and one-daemon-per-database.
struct FileLockTests {
    static func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("patchscan-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("test.lock").path
    }

    @Test func aHeldLockRefusesAnotherHolderNamingItsPidUntilReleased() throws {
        let path = try Self.temporaryPath()
        let first = try FileLock.acquire(at: path, whenHeld: .fail)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\(ProcessInfo.processInfo.processIdentifier)\n")

        let refusal = #expect(throws: StoreError.self) { try FileLock.acquire(at: path, whenHeld: .fail) }
        #expect(refusal?.code == .lockHeld)
        #expect(refusal?.message.contains("(pid \(ProcessInfo.processInfo.processIdentifier))") == true)

        first.release()
        let second = try FileLock.acquire(at: path, whenHeld: .fail)
        second.release()
    }

    @Test func aWaitingAcquirerGetsTheLockOnceTheHolderReleasesIt() async throws {
        let path = try Self.temporaryPath()
        let holder = try FileLock.acquire(at: path, whenHeld: .fail)
        let (acquired, continuation) = AsyncStream.makeStream(of: FileLock.self)
        // flock blocks its thread; keep it off the cooperative pool.
        Thread.detachNewThread {
            if let lock = try? FileLock.acquire(at: path, whenHeld: .wait) { continuation.yield(lock) }
            continuation.finish()
        }
        holder.release()
        var iterator = acquired.makeAsyncIterator()
        let waiter = try #require(await iterator.next())
        #expect(throws: StoreError.self) { try FileLock.acquire(at: path, whenHeld: .fail) }
        waiter.release()
    }

    @Test func aLockFileThatCannotBeCreatedIsAClearError() throws {
        let path = try Self.temporaryPath() + "/missing-directory/test.lock"
        let error = #expect(throws: StoreError.self) { try FileLock.acquire(at: path, whenHeld: .fail) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.contains(path) == true)
    }

    @Test func openingADatabaseTakesAndReleasesItsMigrationLock() throws {
        let directory = try Self.temporaryPath()
        let database = URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent("db.sqlite").path
        let lockPath = PatchscanStore.migrationLockPath(database: database)
        #expect(!FileManager.default.fileExists(atPath: lockPath))
        _ = try PatchscanStore(path: database)
        #expect(FileManager.default.fileExists(atPath: lockPath))
        try FileLock.acquire(at: lockPath, whenHeld: .fail).release()
    }
}
