import Yams

/// Builds ``Settings`` from a composed YAML tree, one section at a time, recording problems in a ``NodeReader``.
///
/// Every section is read even after an earlier one failed, so one run reports all problems.
struct SettingsDecoder {
    let reader: NodeReader

    func settings(from root: Node?) -> Settings? {
        guard let root else {
            reader.report(
                .missingKey, "", at: nil,
                "the configuration is empty; it needs at least 'database', 'credential' and 'vms' "
                    + "(see config/patchscan.example.yaml)"
            )
            return nil
        }
        let allowedKeys = ["database", "azure", "credential", "vms", "scan", "thresholds", "schedule", "rateLimits", "metrics"]
        guard let map = reader.mapping(LocatedNode(node: root, keyPath: ""), allowedKeys: allowedKeys) else {
            return nil
        }
        let database = reader.required("database", in: map, "the path of the SQLite database file")
            .flatMap(reader.string)
        let azure = azure(map.value("azure"))
        let credential = reader.required("credential", in: map, "the app registration patchscan signs in as")
            .flatMap(credential)
        let vms = reader.required("vms", in: map, "the list of virtual machines to assess").flatMap(vms)
        let scan = scan(map.value("scan"))
        let thresholds = thresholds(map.value("thresholds"))
        let schedule = schedule(map.value("schedule"))
        let rateLimits = rateLimits(map.value("rateLimits"))
        let metrics = metrics(map.value("metrics"))
        guard let database, let credential, let vms else { return nil }
        return Settings(
            database: database,
            azure: azure,
            credential: credential,
            vms: vms,
            scan: scan,
            thresholds: thresholds,
            schedule: schedule,
            rateLimits: rateLimits,
            metrics: metrics
        )
    }

    private func scan(_ located: LocatedNode?) -> ScanSettings {
        let map = reader.section(located, at: "scan", allowedKeys: ["concurrency", "deadline", "pollInterval"])
        let concurrency = map.value("concurrency").flatMap { reader.integer($0, minimum: 1) }
        let deadline = map.value("deadline").flatMap(positiveDuration)

        let pollInterval = reader.section(
            map.value("pollInterval"),
            at: map.located.path(of: "pollInterval"),
            allowedKeys: ["floor", "ceiling"]
        )
        let floorNode = pollInterval.value("floor")
        let ceilingNode = pollInterval.value("ceiling")
        // nil when present but invalid (already reported), so no misleading comparison follows.
        let floor: Duration? =
            if let floorNode { positiveDuration(floorNode) } else { ScanSettings.defaultPollIntervalFloor }
        let ceiling: Duration? =
            if let ceilingNode { positiveDuration(ceilingNode) } else { ScanSettings.defaultPollIntervalCeiling }
        if let floor, let ceiling, floor > ceiling {
            let floorText = DurationText.format(floor) + (floorNode == nil ? ", the default" : "")
            let ceilingText = DurationText.format(ceiling) + (ceilingNode == nil ? ", the default" : "")
            reader.report(
                .invalidValue,
                pollInterval.located.path(of: floorNode == nil ? "ceiling" : "floor"),
                at: (floorNode ?? ceilingNode)?.mark,
                "the floor (\(floorText)) must not exceed the ceiling (\(ceilingText))"
            )
        }
        return ScanSettings(
            concurrency: concurrency ?? ScanSettings.defaultConcurrency,
            deadline: deadline ?? ScanSettings.defaultDeadline,
            pollIntervalFloor: floor ?? ScanSettings.defaultPollIntervalFloor,
            pollIntervalCeiling: ceiling ?? ScanSettings.defaultPollIntervalCeiling
        )
    }

    private func thresholds(_ located: LocatedNode?) -> Thresholds {
        let map = reader.section(
            located,
            at: "thresholds",
            allowedKeys: ["rebootPending", "criticalAndSecurityPatchCount", "otherPatchCount"]
        )
        return Thresholds(
            rebootPending: map.value("rebootPending").flatMap(reader.boolean) ?? Thresholds.defaultRebootPending,
            criticalAndSecurityPatchCount: count(
                map.value("criticalAndSecurityPatchCount"),
                default: Thresholds.defaultCriticalAndSecurityPatchCount
            ),
            otherPatchCount: count(map.value("otherPatchCount"), default: Thresholds.defaultOtherPatchCount)
        )
    }

    /// A patch-count threshold: absent takes the default, null means "never flag".
    private func count(_ located: LocatedNode?, default defaultValue: Int?) -> Int? {
        guard let located else { return defaultValue }
        if located.isNull { return nil }
        return reader.integer(located, minimum: 0)
    }

    private func positiveDuration(_ located: LocatedNode) -> Duration? {
        guard let duration = reader.duration(located) else { return nil }
        guard duration > .zero else {
            let text = DurationText.format(duration)
            reader.report(.invalidValue, located.keyPath, at: located.mark, "must be greater than zero (got \(text))")
            return nil
        }
        return duration
    }
}
