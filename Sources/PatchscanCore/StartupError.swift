/// patchscan could not start a scan: the cause and what the operator should do.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    /// The kind of startup failure. Extensible: compare with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// Stable name.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The configuration file is invalid.
        public static let configuration = Code("configuration")
        /// The client secret could not be read.
        public static let secret = Code("secret")
        /// The database could not be opened or migrated.
        public static let database = Code("database")
        /// Another daemon is running on the same database.
        public static let alreadyRunning = Code("already_running")
        /// The Azure client could not be set up (e.g. an insecure URL or an unreadable CA bundle).
        public static let azureClient = Code("azure_client")
    }

    /// The kind of failure.
    public var code: Code
    /// What failed and what to do.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
