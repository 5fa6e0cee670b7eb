/// A store operation that failed: what failed, on which database or row, and what the operator can do.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Extensible: compare with `==`, do not switch exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable snake_case name.
        public let name: String
        private init(_ name: String) { self.name = name }
        /// The stable name.
        public var description: String { name }

        /// The database's parent directory does not exist and could not be created.
        public static let cannotCreateDirectory = Code("cannot_create_directory")
        /// SQLite could not open the database file (permissions, missing directory, locked, full disk).
        public static let cannotOpen = Code("cannot_open")
        /// Another process holds a ``FileLock`` that was required at once (for example another daemon's).
        public static let lockHeld = Code("lock_held")
        /// The file exists but is not an SQLite database.
        public static let notADatabase = Code("not_a_database")
        /// The database was migrated by a newer patchscan: it holds migrations this binary does not know.
        public static let schemaTooNew = Code("schema_too_new")
        /// A schema migration failed; the database was left at its previous version.
        public static let migrationFailed = Code("migration_failed")
        /// No `scan_run` row has the given id.
        public static let runNotFound = Code("run_not_found")
        /// The run is no longer `running` (completed, or marked interrupted), so it takes no more writes.
        public static let runNotRunning = Code("run_not_running")
        /// No `vm` row has the given id.
        public static let vmNotFound = Code("vm_not_found")
        /// The run already holds an assessment for this VM (one row per VM per run).
        public static let duplicateAssessment = Code("duplicate_assessment")
        /// An argument is outside what the schema accepts (a caller bug, not a database problem).
        public static let invalidArgument = Code("invalid_argument")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and what the operator can do.
    public var message: String
    /// The database file, when the failure concerns one.
    public var path: String?
    /// The error that caused this one (usually a GRDB `DatabaseError`), if any.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, path: String? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.underlying = underlying
    }

    /// The code, the message, the path and the underlying error, on one line.
    public var description: String {
        var text = "\(code): \(message)"
        if let path { text += " (database: \(path))" }
        if let underlying { text += " [cause: \(underlying)]" }
        return text
    }
}
