import Yams

extension SettingsDecoder {
    func rateLimits(_ located: LocatedNode?) -> RateLimitSettings {
        let allowedKeys = [
            "safetyFactor", "slowDownBelow", "assessPatches", "arm", "pollsPerVM", "maxConcurrentPerSubscription",
        ]
        var map = MappingReader.empty(at: "rateLimits")
        if let located, !located.isNull {
            map = reader.mapping(located, allowedKeys: allowedKeys) { key in
                guard key == "maxConcurrentAssessments" else { return nil }
                return (
                    .unknownKey,
                    "unknown key 'maxConcurrentAssessments'; the global cap on assessments in flight is scan.concurrency"
                )
            } ?? map
        }
        let assessPatches = reader.section(
            map.value("assessPatches"), at: map.located.path(of: "assessPatches"), allowedKeys: ["perRegion", "perVM"]
        )
        let arm = reader.section(map.value("arm"), at: map.located.path(of: "arm"), allowedKeys: ["writes", "reads"])
        return RateLimitSettings(
            safetyFactor: map.value("safetyFactor").flatMap { fraction($0, allowing: .zeroExcludedOneIncluded) }
                ?? RateLimitSettings.defaultSafetyFactor,
            slowDownBelow: map.value("slowDownBelow").flatMap { fraction($0, allowing: .zeroIncludedOneExcluded) }
                ?? RateLimitSettings.defaultSlowDownBelow,
            assessPatchesPerRegion: bucketLimit(
                assessPatches, "perRegion", default: RateLimitSettings.defaultAssessPatchesPerRegion
            ),
            assessPatchesPerVM: bucketLimit(assessPatches, "perVM", default: RateLimitSettings.defaultAssessPatchesPerVM),
            armWrites: bucketLimit(arm, "writes", default: RateLimitSettings.defaultARMWrites),
            armReads: bucketLimit(arm, "reads", default: RateLimitSettings.defaultARMReads),
            pollsPerVM: bucketLimit(map, "pollsPerVM", default: RateLimitSettings.defaultPollsPerVM),
            maxConcurrentPerSubscription: map.nonNullValue("maxConcurrentPerSubscription")
                .flatMap { reader.integer($0, minimum: 1) }
        )
    }

    /// `{ rate: N/unit, burst: N }`; a key left out keeps its default.
    private func bucketLimit(_ parent: MappingReader, _ key: String, default defaultLimit: BucketLimit) -> BucketLimit {
        let map = reader.section(parent.value(key), at: parent.located.path(of: key), allowedKeys: ["rate", "burst"])
        return BucketLimit(
            rate: map.value("rate").flatMap(requestRate) ?? defaultLimit.rate,
            burst: map.value("burst").flatMap { reader.integer($0, minimum: 1) } ?? defaultLimit.burst
        )
    }

    private func requestRate(_ located: LocatedNode) -> RequestRate? {
        guard case .scalar(let scalar) = located.node, !located.isNull else {
            reader.reportWrongType(located, expected: "a rate such as 10/s or 200/min")
            return nil
        }
        do {
            return try RequestRate.parse(scalar.string)
        } catch {
            reader.report(.invalidValue, located.keyPath, at: located.mark, error.message)
            return nil
        }
    }

    /// Which end of [0, 1] a fraction may take.
    private enum FractionRange {
        case zeroExcludedOneIncluded
        case zeroIncludedOneExcluded

        func contains(_ value: Double) -> Bool {
            switch self {
            case .zeroExcludedOneIncluded: value > 0 && value <= 1
            case .zeroIncludedOneExcluded: value >= 0 && value < 1
            }
        }

        var text: String {
            switch self {
            case .zeroExcludedOneIncluded: "greater than 0 and at most 1"
            case .zeroIncludedOneExcluded: "at least 0 and less than 1"
            }
        }
    }

    /// A plain (unquoted) number within `range`.
    private func fraction(_ located: LocatedNode, allowing range: FractionRange) -> Double? {
        let tag = Tag.Name(rawValue: located.node.tag.rawValue)
        guard case .scalar = located.node, tag == .float || tag == .int, let value = located.node.float,
              value.isFinite
        else {
            reader.reportWrongType(located, expected: "a number such as 0.9")
            return nil
        }
        guard range.contains(value) else {
            let text = located.node.scalar?.string ?? "\(value)"
            reader.report(.invalidValue, located.keyPath, at: located.mark, "must be \(range.text) (got \(text))")
            return nil
        }
        return value
    }
}
