import Foundation
import GRDB

/// The patchscan SQLite database: VMs, scan runs, assessments, patches and flags.
///
/// Writes are invariant-preserving transactions: ``recordAssessment(_:)`` stores an assessment, its patches and
/// flags and bumps the run counters together, so a crash leaves counters equal to the rows present.
///
/// ```swift
/// let store = try PatchscanStore(path: "/var/lib/patchscan/patchscan.sqlite")
/// let runID = try await store.startRun(startedAt: .now, plannedVMCount: 12, version: "1.0.0")
/// ```
///
/// Tests use an in-memory queue:
///
/// ```swift
/// let store = try PatchscanStore(writer: DatabaseQueue(configuration: PatchscanStore.makeConfiguration()))
/// ```
public struct PatchscanStore: Sendable {
    /// How long a connection waits for another process's lock before failing with `SQLITE_BUSY`, in seconds.
    public static let busyTimeout: TimeInterval = 5

    let writer: any DatabaseWriter

    /// Opens (or creates) the database file at `path` as a WAL-mode `DatabasePool`, creating the parent directory
    /// if needed, and migrates it to the current schema. Blocks while it opens and migrates: call it at startup.
    ///
    /// Processes opening the same file take turns (a ``FileLock`` on `<path>-migration.lock`), so concurrent
    /// first starts cannot race the migrations.
    ///
    /// - Throws: ``StoreError`` with code ``StoreError/Code/cannotCreateDirectory``, ``StoreError/Code/cannotOpen``,
    ///   ``StoreError/Code/notADatabase``, ``StoreError/Code/schemaTooNew`` or ``StoreError/Code/migrationFailed``.
    public init(path: String) throws(StoreError) {
        guard !path.isEmpty else {
            throw StoreError(
                code: .invalidArgument,
                message: "The database path is empty. Set it to a file path such as /var/lib/patchscan/patchscan.sqlite."
            )
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                code: .cannotCreateDirectory,
                message: "Could not create the database directory \(directory.path). "
                    + "Create it with write access for the patchscan user, or choose another path.",
                path: path,
                underlying: error
            )
        }
        // GRDB reads the applied migrations before it runs the missing ones, so two processes opening a new
        // database at once would both run them; the second would fail.
        let migrationLock = try FileLock.acquire(at: Self.migrationLockPath(database: path), whenHeld: .wait)
        defer { migrationLock.release() }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Self.makeConfiguration())
        } catch {
            throw StoreError.opening(path: path, error)
        }
        try self.init(writer: pool)
    }

    /// The lock file held while a process opens and migrates the database at `database`.
    public static func migrationLockPath(database: String) -> String {
        database + "-migration.lock"
    }

    /// Wraps an open database and migrates it to the current schema. Blocks while it migrates: call it at startup.
    ///
    /// Create the writer with a configuration from ``makeConfiguration(_:)`` so foreign keys and the busy timeout
    /// are on.
    ///
    /// - Throws: ``StoreError`` with code ``StoreError/Code/schemaTooNew`` when a newer patchscan migrated the
    ///   database, ``StoreError/Code/notADatabase``, or ``StoreError/Code/migrationFailed``.
    public init(writer: any DatabaseWriter) throws(StoreError) {
        let migrator = Self.migrator
        let path = writer.path
        let unknownMigrations: [String]
        do {
            unknownMigrations = try writer.read { db in
                guard try migrator.hasBeenSuperseded(db) else { return [] }
                return try migrator.appliedIdentifiers(db).subtracting(migrator.migrations).sorted()
            }
        } catch {
            throw StoreError.opening(path: path, error)
        }
        guard unknownMigrations.isEmpty else {
            throw StoreError(
                code: .schemaTooNew,
                message: "The database was migrated by a newer patchscan (unknown migrations: "
                    + "\(unknownMigrations.joined(separator: ", ")); this binary knows "
                    + "\(migrator.migrations.joined(separator: ", "))). "
                    + "Run the newer patchscan, or point this one at another database file.",
                path: path
            )
        }
        do {
            try migrator.migrate(writer)
        } catch {
            if let databaseError = error as? DatabaseError, databaseError.resultCode == .SQLITE_NOTADB {
                throw StoreError.opening(path: path, error)
            }
            throw StoreError(
                code: .migrationFailed,
                message: "Could not migrate the database to the current schema; it was left at its previous version. "
                    + "Check that the disk is writable and not full, and that the file is not damaged "
                    + "(sqlite3 <file> 'PRAGMA integrity_check').",
                path: path,
                underlying: error
            )
        }
        self.writer = writer
    }

    /// The migrations that define the schema, in order. Shipped migrations are never edited.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(SchemaV1.identifier) { db in
            try SchemaV1.migrate(db)
        }
        migrator.registerMigration(SchemaV2.identifier) { db in
            try SchemaV2.migrate(db)
        }
        return migrator
    }

    /// Returns `base` with the settings the store relies on: foreign keys on, and a ``busyTimeout`` so that
    /// operators' readers (sqlite3, Grafana) do not make writes fail.
    public static func makeConfiguration(_ base: Configuration = Configuration()) -> Configuration {
        var configuration = base
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        return configuration
    }
}

extension StoreError {
    /// Classifies a failure to open or read a database file.
    static func opening(path: String, _ error: any Error) -> StoreError {
        if let databaseError = error as? DatabaseError, databaseError.resultCode == .SQLITE_NOTADB {
            return StoreError(
                code: .notADatabase,
                message: "The file is not an SQLite database. Point patchscan at a new path, "
                    + "or move the file away so patchscan can create a fresh database.",
                path: path,
                underlying: error
            )
        }
        return StoreError(
            code: .cannotOpen,
            message: "Could not open the database. Check that the path is a file (not a directory), "
                + "that the patchscan user can read and write it and its directory, and that the disk is not full.",
            path: path,
            underlying: error
        )
    }
}
