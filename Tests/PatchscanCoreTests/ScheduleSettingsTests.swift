import PatchscanCore
import Testing

private func scheduleSettings(_ section: String) throws -> ScheduleSettings {
    try SettingsSection.parse(section).schedule
}

@Suite("Schedule settings")
struct ScheduleSettingsTests {
    @Test("an absent or empty schedule section takes the defaults: 6h, no groups, 60s grace")
    func defaults() throws {
        for section in ["", "schedule:\n", "schedule: {}\n", "schedule:\n  groups:\n"] {
            let settings = try scheduleSettings(section)
            #expect(settings == ScheduleSettings())
            #expect(settings.interval == .seconds(6 * 3_600))
            #expect(settings.groupIntervals.isEmpty)
            #expect(settings.shutdownGrace == .seconds(60))
        }
    }

    @Test("interval, group intervals and shutdown grace decode")
    func decodes() throws {
        let settings = try scheduleSettings("""
            schedule:
              interval: 12h
              groups:
                prod-web: 1h30m
                "sql prod": 1d
                unused-group: 1m
              shutdownGrace: 0s
              firstScanSpread: 30m

            """)
        #expect(settings.interval == .seconds(12 * 3_600))
        #expect(settings.groupIntervals == [
            "prod-web": .seconds(5_400), "sql prod": .seconds(86_400), "unused-group": .seconds(60),
        ])
        #expect(settings.shutdownGrace == .zero)
        #expect(settings.firstScanSpread == .seconds(1_800))
        #expect(settings.interval(forGroup: "prod-web") == .seconds(5_400))
        #expect(settings.interval(forGroup: "Prod-Web") == .seconds(12 * 3_600))
        #expect(settings.interval(forGroup: nil) == .seconds(12 * 3_600))
    }

    @Test("intervals outside 1m…366d are rejected with their key path and line", arguments: [
        ("schedule:\n  interval: 59s\n", "schedule.interval", 9, "must be from 1m to 366d (got 59s)"),
        ("schedule:\n  interval: 367d\n", "schedule.interval", 9, "must be from 1m to 366d (got 367d)"),
        ("schedule:\n  groups:\n    web: 30s\n", "schedule.groups.web", 10, "must be from 1m to 366d (got 30s)"),
    ])
    func intervalRange(section: String, keyPath: String, line: Int, message: String) throws {
        let found = SettingsSection.problems(section)
        #expect(found.count == 1, "\(found)")
        let problem = try #require(found.first)
        #expect(problem.code == .invalidValue)
        #expect(problem.keyPath == keyPath)
        #expect(problem.line == line)
        #expect(problem.message == message)
    }

    @Test("every problem in the section is reported at once")
    func everyProblem() {
        let found = SettingsSection.problems("""
            schedule:
              interval: often
              groups:
                web: 0
                db: [1h]
              shutdownGrace: -5s
              intervall: 1h

            """)
        #expect(found.map(\.keyPath) == [
            "schedule.interval", "schedule.groups.web", "schedule.groups.db", "schedule.shutdownGrace",
            "schedule.intervall",
        ])
        #expect(found.map(\.line) == [9, 11, 12, 13, 14])
        #expect(found[0].message.contains("invalid duration 'often'"))
        #expect(found[1].message == "must be from 1m to 366d (got 0s)")
        #expect(found[2].code == .wrongType)
        #expect(found[3].message.contains("cannot be negative"))
        #expect(found[4].code == .unknownKey)
        #expect(found[4].message == "unknown key 'intervall'; did you mean 'interval'?")
    }

    @Test("groups must be a mapping of names to intervals")
    func groupsShape() throws {
        let list = SettingsSection.problems("schedule:\n  groups:\n    - web: 1h\n")
        #expect(list.map(\.keyPath) == ["schedule.groups"])
        #expect(list.first?.code == .wrongType)
        #expect(list.first?.message.contains("a mapping of group names to intervals") == true)

        let emptyName = SettingsSection.problems("schedule:\n  groups:\n    \"\": 1h\n")
        #expect(emptyName.map(\.message) == ["group names must not be empty"])
        #expect(emptyName.first?.line == 10)
    }
}
