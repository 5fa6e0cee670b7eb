/// "Did you mean" suggestions for misspelt keys.
enum KeySuggestion {
    /// The allowed key closest to `key` by case-insensitive edit distance, if it is close enough to be a likely typo:
    /// one edit for keys of up to three characters, otherwise up to a third of the key's length (at least two).
    static func closest(to key: String, among candidates: [String]) -> String? {
        let typed = Array(key.lowercased())
        let ranked = candidates.map { candidate in
            (candidate: candidate, distance: editDistance(typed, Array(candidate.lowercased())))
        }
        guard let best = ranked.min(by: { $0.distance < $1.distance }) else { return nil }
        let tolerance = best.candidate.count <= 3 ? 1 : max(2, best.candidate.count / 3)
        return best.distance <= tolerance ? best.candidate : nil
    }

    /// Levenshtein distance: the fewest insertions, deletions and substitutions turning `source` into `target`.
    static func editDistance(_ source: [Character], _ target: [Character]) -> Int {
        guard !source.isEmpty else { return target.count }
        guard !target.isEmpty else { return source.count }
        var previous = Array(0...target.count)
        var current = [Int](repeating: 0, count: target.count + 1)
        for (i, sourceCharacter) in source.enumerated() {
            current[0] = i + 1
            for (j, targetCharacter) in target.enumerated() {
                let substitution = previous[j] + (sourceCharacter == targetCharacter ? 0 : 1)
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[target.count]
    }
}
