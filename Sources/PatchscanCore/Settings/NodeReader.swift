import Yams

/// A YAML node and the key path that leads to it, such as `scan.concurrency` or `vms[2].id`.
struct LocatedNode {
    let node: Node
    let keyPath: String

    var mark: Mark? { node.mark }

    /// True for `null`, `~` and an empty value.
    var isNull: Bool {
        if case .scalar = node { return node.resolvedTagName == .null }
        return false
    }

    func path(of key: String) -> String {
        keyPath.isEmpty ? key : "\(keyPath).\(key)"
    }
}

/// The entries of a YAML mapping whose keys have been checked against the keys its level allows.
struct MappingReader {
    /// The mapping itself; problems about the mapping as a whole (missing or conflicting keys) point at it.
    let located: LocatedNode
    private let entries: [String: (key: Node, value: Node)]

    init(located: LocatedNode, entries: [String: (key: Node, value: Node)]) {
        self.located = located
        self.entries = entries
    }

    /// A mapping with no entries, standing in for an optional section that is absent, empty or unusable.
    static func empty(at keyPath: String) -> MappingReader {
        MappingReader(located: LocatedNode(node: Node([(Node, Node)]()), keyPath: keyPath), entries: [:])
    }

    /// The value of `key`, or nil when the key is absent.
    func value(_ key: String) -> LocatedNode? {
        entries[key].map { LocatedNode(node: $0.value, keyPath: located.path(of: key)) }
    }

    /// The value of `key` unless it is absent or null, for optional values where `key:` with nothing after it means
    /// "not set".
    func nonNullValue(_ key: String) -> LocatedNode? {
        value(key).flatMap { $0.isNull ? nil : $0 }
    }

    /// Where `key` is written, or nil when the key is absent.
    func keyMark(_ key: String) -> Mark? {
        entries[key]?.key.mark
    }

    func contains(_ key: String) -> Bool {
        entries[key] != nil
    }
}

/// Reads typed values out of a composed YAML tree and records a ``ConfigurationProblem`` for every value it cannot
/// use, so that one pass reports every problem with its key path and position.
///
/// Each read returns nil only after recording a problem, so a caller may put a default in its place and carry on:
/// decoding fails anyway because a problem was recorded.
final class NodeReader {
    private(set) var problems: [ConfigurationProblem] = []

    func report(_ code: ConfigurationProblem.Code, _ keyPath: String, at mark: Mark?, _ message: String) {
        problems.append(
            ConfigurationProblem(code: code, keyPath: keyPath, line: mark?.line, column: mark?.column, message: message)
        )
    }

    /// Reads a mapping, reporting every key not in `allowedKeys` (with a suggestion when one is close).
    ///
    /// - Parameter explainUnknownKey: Gives a specific code and message for some unknown keys instead of the
    ///   generic one.
    func mapping(
        _ located: LocatedNode,
        allowedKeys: [String],
        explainUnknownKey: (String) -> (code: ConfigurationProblem.Code, message: String)? = { _ in nil }
    ) -> MappingReader? {
        guard case .mapping(let mapping) = located.node else {
            reportWrongType(located, expected: "a mapping")
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                let found = Self.describe(key)
                report(.wrongType, located.keyPath, at: key.mark, "keys must be plain names, found \(found)")
                continue
            }
            let name = scalar.string
            let keyPath = located.path(of: name)
            if allowedKeys.contains(name) {
                entries[name] = (key, value)
            } else if let explanation = explainUnknownKey(name) {
                report(explanation.code, keyPath, at: key.mark, explanation.message)
            } else if let suggestion = KeySuggestion.closest(to: name, among: allowedKeys) {
                report(.unknownKey, keyPath, at: key.mark, "unknown key '\(name)'; did you mean '\(suggestion)'?")
            } else {
                let allowed = allowedKeys.map { "'\($0)'" }.joined(separator: ", ")
                report(.unknownKey, keyPath, at: key.mark, "unknown key '\(name)'; allowed keys here: \(allowed)")
            }
        }
        return MappingReader(located: located, entries: entries)
    }

    /// Reads an optional section: absent or null gives an empty mapping, so every key in it takes its default.
    func section(_ located: LocatedNode?, at keyPath: String, allowedKeys: [String]) -> MappingReader {
        guard let located, !located.isNull else { return .empty(at: keyPath) }
        return mapping(located, allowedKeys: allowedKeys) ?? .empty(at: keyPath)
    }

    /// The value of a required key, reporting it missing (at the mapping's position) when absent.
    func required(_ key: String, in mapping: MappingReader, _ hint: String) -> LocatedNode? {
        guard let value = mapping.value(key) else {
            let keyPath = mapping.located.path(of: key)
            report(.missingKey, keyPath, at: mapping.located.mark, "missing required key '\(key)': \(hint)")
            return nil
        }
        return value
    }

    func sequence(_ located: LocatedNode) -> [LocatedNode]? {
        guard case .sequence(let sequence) = located.node else {
            reportWrongType(located, expected: "a list")
            return nil
        }
        return sequence.enumerated().map { index, node in
            LocatedNode(node: node, keyPath: "\(located.keyPath)[\(index)]")
        }
    }

    /// Reads any non-null scalar as its text, so unquoted values such as `2022-08-01` or `12345` stay strings.
    /// An empty string is reported.
    func string(_ located: LocatedNode) -> String? {
        guard case .scalar(let scalar) = located.node, !located.isNull else {
            reportWrongType(located, expected: "a string")
            return nil
        }
        guard !scalar.string.isEmpty else {
            report(.invalidValue, located.keyPath, at: located.mark, "must not be empty")
            return nil
        }
        return scalar.string
    }

    func integer(_ located: LocatedNode, minimum: Int) -> Int? {
        guard case .scalar(let scalar) = located.node, located.node.resolvedTagName == .int else {
            reportWrongType(located, expected: "a whole number")
            return nil
        }
        guard let value = Int.construct(from: scalar) else {
            report(.invalidValue, located.keyPath, at: located.mark, "the number \(scalar.string) is too large")
            return nil
        }
        guard value >= minimum else {
            report(.invalidValue, located.keyPath, at: located.mark, "must be at least \(minimum) (got \(value))")
            return nil
        }
        return value
    }

    func boolean(_ located: LocatedNode) -> Bool? {
        guard case .scalar(let scalar) = located.node, located.node.resolvedTagName == .bool,
              let value = Bool.construct(from: scalar) else {
            reportWrongType(located, expected: "true or false")
            return nil
        }
        return value
    }

    /// Reads a duration in ``DurationText`` syntax; a bare number means seconds.
    func duration(_ located: LocatedNode) -> Duration? {
        guard case .scalar(let scalar) = located.node, !located.isNull else {
            reportWrongType(located, expected: "a duration such as 30s or 5m")
            return nil
        }
        do {
            return try DurationText.parse(scalar.string)
        } catch {
            report(.invalidValue, located.keyPath, at: located.mark, error.message)
            return nil
        }
    }

    func reportWrongType(_ located: LocatedNode, expected: String) {
        let found = Self.describe(located.node)
        report(.wrongType, located.keyPath, at: located.mark, "expected \(expected), found \(found)")
    }

    /// Describes a node for a wrong-type message, quoting at most a short prefix of a scalar.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            let text = scalar.string.count > 40 ? scalar.string.prefix(40) + "…" : scalar.string
            switch node.resolvedTagName {
            case .null: return "null"
            case .bool: return "a boolean (\(text))"
            case .int: return "a whole number (\(text))"
            case .float: return "a number (\(text))"
            default: return "a string (\"\(text)\")"
            }
        }
    }
}

extension Node {
    /// The resolved tag (`str`, `int`, `null`, …): plain scalars resolved from their text, quoted ones `str`.
    fileprivate var resolvedTagName: Tag.Name {
        Tag.Name(rawValue: tag.rawValue)
    }
}
