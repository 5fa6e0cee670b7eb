/// A configuration file that could not be read or is not valid. Lists every problem found, not just the first.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// Where the configuration came from, usually the file path.
    public let source: String
    /// Every problem found, in document order.
    public let problems: [ConfigurationProblem]

    /// Creates an error for the problems found in `source`.
    public init(source: String, problems: [ConfigurationProblem]) {
        self.source = source
        self.problems = problems
    }

    /// One line per problem, each prefixed with the source, e.g.
    /// `patchscan.yaml:12:3: scan.concurrency: must be at least 1 (got 0)`.
    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        let lines = problems.map { $0.line == nil ? "\(source): \($0)" : "\(source):\($0)" }
        return (["invalid configuration \(source) (\(count)); fix the file and start again:"] + lines)
            .joined(separator: "\n")
    }
}

/// One problem in a configuration file, located by key path and position.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The file could not be read.
        public static let unreadableFile = Code("unreadableFile")
        /// The text is not well-formed YAML.
        public static let syntax = Code("syntax")
        /// A key that this level of the configuration does not know.
        public static let unknownKey = Code("unknownKey")
        /// A key that would put a secret in the configuration file.
        public static let secretInConfiguration = Code("secretInConfiguration")
        /// A required key is absent.
        public static let missingKey = Code("missingKey")
        /// Keys that exclude each other are both present.
        public static let conflictingKeys = Code("conflictingKeys")
        /// A value of the wrong YAML type (a string where a number belongs, a list where a mapping belongs, …).
        public static let wrongType = Code("wrongType")
        /// A value of the right type that is out of range or malformed.
        public static let invalidValue = Code("invalidValue")
        /// The same virtual machine is listed twice.
        public static let duplicateVM = Code("duplicateVM")

        /// A stable name for the code.
        public let description: String

        private init(_ description: String) {
            self.description = description
        }
    }

    /// What kind of problem this is.
    public let code: Code
    /// The dotted key path of the offending value, e.g. `scan.concurrency` or `vms[3].id`; empty for the whole file.
    public let keyPath: String
    /// The 1-based line of the offending key or value, when known.
    public let line: Int?
    /// The 1-based column of the offending key or value, when known.
    public let column: Int?
    /// What is wrong and, where it helps, what to write instead.
    public let message: String

    /// Creates a problem.
    public init(code: Code, keyPath: String, line: Int?, column: Int?, message: String) {
        self.code = code
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line:column: keyPath: message`, leaving out what is unknown.
    public var description: String {
        var parts: [String] = []
        if let line {
            parts.append(column.map { "\(line):\($0)" } ?? "\(line)")
        }
        if !keyPath.isEmpty {
            parts.append(keyPath)
        }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
