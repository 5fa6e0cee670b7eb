import Foundation
import GRDB
import PatchscanStore
import Testing

/// Opening database files with `init(path:)`: a WAL `DatabasePool`, directory creation, and clear errors.
struct OpeningTests {
    /// A fresh directory under the system temporary directory, removed by `remove()`.
    struct TemporaryDirectory {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("PatchscanStoreTests-\(UUID().uuidString)", isDirectory: true)

        func path(_ relative: String) -> String { url.appendingPathComponent(relative).path }
        func remove() { try? FileManager.default.removeItem(at: url) }
    }

    @Test func aFilePathOpensAWALPoolInANewDirectoryAndKeepsData() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("nested/state/patchscan.sqlite")

        let store = try PatchscanStore(path: path)
        let vmIDs = try await store.register([Fleet.web1])
        let runID = try await store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        try await store.recordAssessment(Sample.succeeded(runID: runID, vmID: vmIDs[0], rebootPending: true))
        try await store.finishRun(id: runID, finishedAt: Instant.at(120), status: .completed)

        let reopened = try PatchscanStore(path: path)
        let run = try #require(try await reopened.run(id: runID))
        #expect(run.succeededCount == 1 && run.failedCount == 0)
        #expect(try await reopened.assessments(runID: runID).first?.rebootPending == true)

        let reader = try DatabaseQueue(path: path, configuration: PatchscanStore.makeConfiguration())
        let settings = try await reader.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Bool.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(settings.0 == "wal")
        #expect(settings.1 == true)
    }

    @Test func aFileThatIsNotADatabaseGivesAClearError() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let path = directory.path("patchscan.sqlite")
        let text = String(repeating: "patchscan: this is a text file, not a database.\n", count: 100)
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        let error = try #require(throws: StoreError.self) { try PatchscanStore(path: path) }
        #expect(error.code == .notADatabase)
        #expect(error.path == path)
        #expect(error.description.contains("not an SQLite database"))
        #expect(error.description.contains(path))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func aParentThatIsAFileGivesADirectoryError() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let blocker = directory.path("not-a-directory")
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)

        let error = try #require(throws: StoreError.self) {
            try PatchscanStore(path: blocker + "/patchscan.sqlite")
        }
        #expect(error.code == .cannotCreateDirectory)
        #expect(error.message.contains(blocker))
    }

    @Test func aPathThatIsADirectoryCannotBeOpened() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)

        let error = try #require(throws: StoreError.self) { try PatchscanStore(path: directory.url.path) }
        #expect(error.code == .cannotOpen)
    }

    @Test func anEmptyPathIsRefused() throws {
        let error = try #require(throws: StoreError.self) { try PatchscanStore(path: "") }
        #expect(error.code == .invalidArgument)
    }
}
