import Yams

/// Turns an error from Yams into a located ``ConfigurationProblem``.
enum YAMLSyntaxProblem {
    static func make(from error: any Error, yaml: String) -> ConfigurationProblem {
        guard let yamlError = error as? YamlError else {
            return problem("not valid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            // The context (e.g. "while parsing a block mapping") points at where the enclosing construct began.
            let detail = context.map { " (\($0.text) that starts at line \($0.mark.line))" } ?? ""
            return Self.problem("not valid YAML: \(problem)\(detail)", at: mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // `context.text` holds the whole document; only the mark is useful.
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return problem("the key \(keys) appears more than once in the same mapping; keep one", at: context.mark)
        case .reader(let problem, let offset, _, _):
            let location = offset.map { Self.position(atCharacterOffset: $0, in: yaml) }
            return Self.problem(
                "the file is not readable text: \(problem)",
                line: location?.line,
                column: location?.column
            )
        default:
            return problem("not valid YAML: \(yamlError)")
        }
    }

    private static func problem(_ message: String, at mark: Mark) -> ConfigurationProblem {
        problem(message, line: mark.line, column: mark.column)
    }

    private static func problem(_ message: String, line: Int? = nil, column: Int? = nil) -> ConfigurationProblem {
        ConfigurationProblem(code: .syntax, keyPath: "", line: line, column: column, message: message)
    }

    private static func position(atCharacterOffset offset: Int, in yaml: String) -> (line: Int, column: Int) {
        let prefix = yaml.prefix(offset)
        let lineStart = prefix.lastIndex(where: \.isNewline).map(prefix.index(after:)) ?? prefix.startIndex
        return (prefix.count(where: \.isNewline) + 1, prefix.distance(from: lineStart, to: prefix.endIndex) + 1)
    }
}
