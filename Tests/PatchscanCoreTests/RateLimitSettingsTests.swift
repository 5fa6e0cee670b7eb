import Foundation
import PatchscanCore
import Testing

private func rateLimits(_ section: String) throws -> RateLimitSettings {
    try SettingsSection.parse(section).rateLimits
}

@Suite("Settings: rateLimits")
struct RateLimitSettingsTests {
    @Test("without the section, the defaults are Azure's published budgets with a 0.9 safety factor")
    func defaults() throws {
        let settings = try rateLimits("")
        #expect(settings == RateLimitSettings())
        #expect(settings.safetyFactor == 0.9)
        #expect(settings.slowDownBelow == 0.05)
        #expect(settings.assessPatchesPerRegion == BucketLimit(rate: .perMinute(200), burst: 600))
        #expect(settings.assessPatchesPerVM == BucketLimit(rate: .perMinute(2), burst: 6))
        #expect(settings.armWrites == BucketLimit(rate: .perSecond(10), burst: 200))
        #expect(settings.armReads == BucketLimit(rate: .perSecond(25), burst: 250))
        #expect(settings.pollsPerVM == BucketLimit(rate: .perMinute(15), burst: 45))
        #expect(settings.maxConcurrentPerSubscription == nil)
        #expect(try rateLimits("rateLimits:\n") == RateLimitSettings())
    }

    @Test("the example configuration spells out the defaults")
    func exampleFile() throws {
        #expect(try Settings.load(contentsOf: repositoryFile("config/patchscan.example.yaml")).rateLimits == RateLimitSettings())
    }

    @Test("every key decodes; a bucket key left out keeps its default")
    func everyKey() throws {
        let settings = try rateLimits(
            """
            rateLimits:
              safetyFactor: 1
              slowDownBelow: 0.1
              assessPatches:
                perRegion: { rate: 100/min, burst: 300 }
                perVM: { rate: 30/h }
              arm:
                writes: { rate: 5/s, burst: 100 }
                reads: { burst: 50 }
              pollsPerVM: { rate: 10 / min, burst: 20 }
              maxConcurrentPerSubscription: 8
            """
        )
        #expect(
            settings
                == RateLimitSettings(
                    safetyFactor: 1,
                    slowDownBelow: 0.1,
                    assessPatchesPerRegion: BucketLimit(rate: .perMinute(100), burst: 300),
                    assessPatchesPerVM: BucketLimit(rate: .perHour(30), burst: 6),
                    armWrites: BucketLimit(rate: .perSecond(5), burst: 100),
                    armReads: BucketLimit(rate: .perSecond(25), burst: 50),
                    pollsPerVM: BucketLimit(rate: .perMinute(10), burst: 20),
                    maxConcurrentPerSubscription: 8
                )
        )
        #expect(try rateLimits("rateLimits:\n  maxConcurrentPerSubscription: null\n").maxConcurrentPerSubscription == nil)
    }

    @Test("bucket sizes are scaled by the safety factor, rounded down, at least one token")
    func scaling() {
        let perVM = RateLimitSettings.defaultAssessPatchesPerVM
        #expect(perVM.capacity(safetyFactor: 0.9) == 5)
        #expect(perVM.refillPerSecond(safetyFactor: 0.9) == 2.0 / 60 * 0.9)
        #expect(BucketLimit(rate: .perSecond(1), burst: 1).capacity(safetyFactor: 0.5) == 1)
        #expect(RateLimitSettings.defaultPollsPerVM.capacity(safetyFactor: 0.9) == 40)
        #expect(RequestRate.perMinute(200).description == "200/min")
        #expect(RateLimitSettings.defaultARMReads.description == "rate 25/s, burst 250")
    }

    @Test(
        "rejects malformed rates with what to write instead",
        arguments: [
            ("200/minute", "'minute' is not a rate unit"),
            ("0/s", "at least 1 request per s"),
            ("-5/s", "'-5' is not a whole number"),
            ("1.5/s", "'1.5' is not a whole number"),
            ("200", "'200' is not a rate"),
            ("99999999999999999999/s", "too large"),
        ]
    )
    func badRates(rate: String, message: String) throws {
        let found = SettingsSection.problems("rateLimits:\n  arm:\n    writes:\n      rate: \(rate)\n")
        let problem = try #require(found.first)
        #expect(found.count == 1)
        #expect(problem.code == .invalidValue)
        #expect(problem.keyPath == "rateLimits.arm.writes.rate")
        #expect(problem.line == 11)
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    @Test(
        "rejects fractions out of range and non-numbers",
        arguments: [
            ("safetyFactor: 0", "rateLimits.safetyFactor", "greater than 0 and at most 1 (got 0)"),
            ("safetyFactor: 1.5", "rateLimits.safetyFactor", "greater than 0 and at most 1 (got 1.5)"),
            ("slowDownBelow: 1", "rateLimits.slowDownBelow", "at least 0 and less than 1 (got 1)"),
            ("slowDownBelow: -0.1", "rateLimits.slowDownBelow", "at least 0 and less than 1 (got -0.1)"),
            ("safetyFactor: \"0.9\"", "rateLimits.safetyFactor", "expected a number such as 0.9, found a string"),
            ("safetyFactor: .nan", "rateLimits.safetyFactor", "expected a number such as 0.9"),
        ]
    )
    func badFractions(line: String, keyPath: String, message: String) throws {
        let found = SettingsSection.problems("rateLimits:\n  \(line)\n")
        let problem = try #require(found.first)
        #expect(found.count == 1)
        #expect(problem.keyPath == keyPath)
        #expect(problem.line == 9)
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    @Test("reports every problem in the section at once, with key paths and lines")
    func allProblems() {
        let found = SettingsSection.problems(
            """
            rateLimits:
              safetyFactor: 2
              assessPatches:
                perRegoin: { rate: 200/min }
                perVM: 5
              arm:
                writes: { rate: 10/s, burst: 0 }
              pollsPerVM: { rate: fast }
              maxConcurrentPerSubscription: 0
              maxConcurrentAssessments: 64
            """
        )
        #expect(found.map(\.keyPath) == [
            "rateLimits.safetyFactor",
            "rateLimits.assessPatches.perRegoin",
            "rateLimits.assessPatches.perVM",
            "rateLimits.arm.writes.burst",
            "rateLimits.pollsPerVM.rate",
            "rateLimits.maxConcurrentPerSubscription",
            "rateLimits.maxConcurrentAssessments",
        ])
        #expect(found.map(\.line) == [9, 11, 12, 14, 15, 16, 17])
        #expect(found.map(\.code) == [.invalidValue, .unknownKey, .wrongType, .invalidValue, .invalidValue, .invalidValue, .unknownKey])
        #expect(found[1].message == "unknown key 'perRegoin'; did you mean 'perRegion'?")
        #expect(found[2].message == "expected a mapping, found a whole number (5)")
        #expect(found[6].message.contains("scan.concurrency"))
    }

    @Test("the section and its buckets must be mappings")
    func wrongTypes() {
        #expect(SettingsSection.problems("rateLimits: 5\n").map(\.keyPath) == ["rateLimits"])
        #expect(SettingsSection.problems("rateLimits:\n  arm: [1, 2]\n").map(\.keyPath) == ["rateLimits.arm"])
        #expect(SettingsSection.problems("rateLimits:\n  arm:\n    reads: { rate: [1] }\n").map(\.code) == [.wrongType])
    }
}
