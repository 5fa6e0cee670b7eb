import Yams

extension SettingsDecoder {
    func schedule(_ located: LocatedNode?) -> ScheduleSettings {
        let map = reader.section(
            located, at: "schedule", allowedKeys: ["interval", "groups", "shutdownGrace", "firstScanSpread"]
        )
        return ScheduleSettings(
            interval: map.value("interval").flatMap(scheduleInterval) ?? ScheduleSettings.defaultInterval,
            groupIntervals: map.nonNullValue("groups").flatMap(groupIntervals) ?? [:],
            shutdownGrace: map.value("shutdownGrace").flatMap(reader.duration) ?? ScheduleSettings.defaultShutdownGrace,
            firstScanSpread: map.nonNullValue("firstScanSpread").flatMap(reader.duration)
        )
    }

    /// `schedule.groups`: group names (any non-empty text, as written in `vms[].group`) mapped to intervals.
    private func groupIntervals(_ located: LocatedNode) -> [String: Duration]? {
        guard case .mapping(let mapping) = located.node else {
            reader.reportWrongType(located, expected: "a mapping of group names to intervals, such as 'web: 12h'")
            return nil
        }
        // Yams rejects a mapping with a repeated key while composing, so every name here is distinct.
        var intervals: [String: Duration] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                let found = NodeReader.describe(key)
                let message = "group names must be plain text, found \(found)"
                reader.report(.wrongType, located.keyPath, at: key.mark, message)
                continue
            }
            guard !scalar.string.isEmpty else {
                reader.report(.invalidValue, located.keyPath, at: key.mark, "group names must not be empty")
                continue
            }
            let name = scalar.string
            if let interval = scheduleInterval(LocatedNode(node: value, keyPath: located.path(of: name))) {
                intervals[name] = interval
            }
        }
        return intervals
    }

    /// An interval from ``ScheduleSettings/minimumInterval`` to ``ScheduleSettings/maximumInterval``.
    private func scheduleInterval(_ located: LocatedNode) -> Duration? {
        guard let duration = reader.duration(located) else { return nil }
        let minimum = ScheduleSettings.minimumInterval
        let maximum = ScheduleSettings.maximumInterval
        guard duration >= minimum, duration <= maximum else {
            reader.report(
                .invalidValue, located.keyPath, at: located.mark,
                "must be from \(DurationText.format(minimum)) to \(DurationText.format(maximum)) "
                    + "(got \(DurationText.format(duration)))"
            )
            return nil
        }
        return duration
    }
}
