/// Generates one VM's assessment result from a seed.
struct ResultGenerator {
    /// Generated assessments start within two days after 2026-11-20T08:00:00Z (fixed, so results are reproducible).
    static let baseEpochSeconds: Int64 = 1_795_161_600
    /// Healthy VMs with more patches than this list only this many on some VMs (counts stay complete).
    static let quietTruncationLimit = 20
    /// `.completedWithWarnings` results keep this many patches, as the patch extension keeps at least 5.
    static let warningTruncationLimit = 5

    private var random: SplitMix64
    private let osType: OSType
    private let behavior: VMBehavior

    init(seed: UInt64, osType: OSType, behavior: VMBehavior) {
        self.random = SplitMix64(seed: seed)
        self.osType = osType
        self.behavior = behavior
    }

    mutating func makeResult() -> EmulatedResult {
        let activityID = self.random.guid()
        let start = AzureTimestamp(
            epochSeconds: Self.baseEpochSeconds + Int64(self.random.int(in: 0...172_800)),
            ticks: self.random.int(in: 0...9_999_999)
        )
        let rebootPending = self.random.chance(0.3)
        // Most VMs are well patched; some lag behind on security updates.
        let hygiene = self.random.unit()
        let securityShare = hygiene < 0.55 ? 0 : (hygiene < 0.85 ? 0.12 : 0.4)
        let spread = self.random.unit()
        var total = self.random.chance(0.2) ? 0 : 1 + Int(spread * spread * 40)
        switch self.behavior {
        case .completedWithWarnings: total = max(total, Self.warningTruncationLimit + 3)
        case .unknownEnums: total = max(total, 3)
        default: break
        }

        var patches: [EmulatedPatch]
        switch self.osType {
        case .linux: patches = self.linuxPatches(count: total, securityShare: securityShare, activityID: activityID, start: start)
        case .windows: patches = self.windowsPatches(count: total, securityShare: securityShare, activityID: activityID, start: start)
        }
        let criticalSet = self.osType == .linux ? PatchCatalog.linuxCriticalOrSecurity : PatchCatalog.windowsCriticalOrSecurity
        let critical = patches.filter { patch in patch.classifications.contains { criticalSet.contains($0) } }.count

        var status = "Succeeded"
        var error: EmulatedError?
        var listed = patches
        switch self.behavior {
        case .completedWithWarnings:
            status = "CompletedWithWarnings"
            listed = Array(patches.prefix(Self.warningTruncationLimit))
            error = self.truncationWarning()
        case .resultFailed:
            return EmulatedResult(
                status: "Failed",
                assessmentActivityId: activityID,
                rebootPending: false,
                criticalAndSecurityPatchCount: 0,
                otherPatchCount: 0,
                startDateTime: start.sevenDigitZulu,
                availablePatches: [],
                error: self.assessmentFailure()
            )
        case .unknownEnums:
            for index in listed.indices where index % 3 != 2 {
                if index % 3 == 0 {
                    listed[index].rebootBehavior = PatchCatalog.unknownRebootBehavior
                } else {
                    listed[index].assessmentState = PatchCatalog.unknownAssessmentState
                }
            }
        default:
            if patches.count > Self.quietTruncationLimit && self.random.chance(0.2) {
                listed = Array(patches.prefix(Self.quietTruncationLimit))
            }
        }
        return EmulatedResult(
            status: status,
            assessmentActivityId: activityID,
            rebootPending: rebootPending,
            criticalAndSecurityPatchCount: critical,
            otherPatchCount: patches.count - critical,
            startDateTime: start.sevenDigitZulu,
            availablePatches: listed,
            error: error
        )
    }

    private mutating func linuxPatches(
        count: Int, securityShare: Double, activityID: String, start: AzureTimestamp
    ) -> [EmulatedPatch] {
        let release = self.random.pick(PatchCatalog.ubuntuReleases)
        let osNameAndVersion = "Ubuntu_\(release)"
        var packages = PatchCatalog.linuxPackages
        self.shuffle(&packages)
        return packages.prefix(count).map { package in
            let classification: String
            if self.random.chance(securityShare) {
                classification = self.random.pick(["Security", "Security", "Security", "Critical", "Security-ESM"])
            } else {
                classification = self.random.chance(0.8) ? "Other" : "Unclassified"
            }
            var version = "\(package.upstreamVersion)-\(self.random.int(in: 0...2))ubuntu\(self.random.int(in: 0...4)).\(self.random.int(in: 1...12))"
            if classification == "Security-ESM" {
                version += "+esm\(self.random.int(in: 1...3))"
            }
            return EmulatedPatch(
                patchId: "\(package.name)_\(version)_\(osNameAndVersion)",
                name: package.name,
                version: version,
                kbId: nil,
                classifications: [classification],
                rebootBehavior: package.mayNeedReboot ? "CanRequestReboot" : "NeverReboots",
                activityId: activityID,
                publishedDate: self.publishedDate(before: start),
                lastModifiedDateTime: self.lastModified(after: start),
                assessmentState: "Available"
            )
        }
    }

    private mutating func windowsPatches(
        count: Int, securityShare: Double, activityID: String, start: AzureTimestamp
    ) -> [EmulatedPatch] {
        let release = self.random.pick(PatchCatalog.windowsReleases)
        return (0..<count).map { _ in
            let template = self.random.chance(securityShare)
                ? self.random.pick(PatchCatalog.windowsSecurityTemplates)
                : self.random.pick(PatchCatalog.windowsOtherTemplates)
            let freshKB = "50\(self.random.int(in: 10_000...99_999))"
            let title = template.title
                .replacing("{ym}", with: "2026-\(self.twoDigits(self.random.int(in: 1...11)))")
                .replacing("{os}", with: release.updateTitleName)
                .replacing("{kb}", with: freshKB)
                .replacing("{n}", with: String(self.random.int(in: 1...9)))
            return EmulatedPatch(
                patchId: self.random.guid(),
                name: title,
                version: "",
                kbId: template.fixedKB ?? freshKB,
                classifications: [template.classification],
                rebootBehavior: template.rebootBehavior,
                activityId: activityID,
                publishedDate: self.publishedDate(before: start),
                lastModifiedDateTime: self.lastModified(after: start),
                assessmentState: "Available"
            )
        }
    }

    private func truncationWarning() -> EmulatedError {
        EmulatedError(
            code: "WARNING",
            message: "1 error/s reported. The latest 1 error/s are shared in detail. To view all errors, review this log file on the machine: \(self.logPath)",
            details: [
                EmulatedErrorDetail(
                    code: "PACKAGE_LIST_TRUNCATED",
                    message: "Package lists were truncated to limit reporting data volume. In-VM logs contain complete lists."
                )
            ]
        )
    }

    private func assessmentFailure() -> EmulatedError {
        let detail: EmulatedErrorDetail
        switch self.osType {
        case .linux:
            detail = EmulatedErrorDetail(
                code: "PACKAGE_MANAGER_FAILURE",
                message: "Unexpected return code (100) from package manager on command: LANG=en_US.UTF8 sudo apt-get -s dist-upgrade"
            )
        case .windows:
            detail = EmulatedErrorDetail(
                code: "OPERATION_FAILED",
                message: "Windows update API threw an exception. HResult: 0x8024402C. The proxy or target server name cannot be resolved."
            )
        }
        return EmulatedError(
            code: "ERROR",
            message: "1 error/s reported. The latest 1 error/s are shared in detail. To view all errors, review this log file on the machine: \(self.logPath)",
            details: [detail]
        )
    }

    private var logPath: String {
        switch self.osType {
        case .linux: "/var/log/azure/Microsoft.CPlat.Core.LinuxPatchExtension/CoreLog.txt"
        case .windows: "C:\\WindowsAzure\\Logs\\Plugins\\Microsoft.CPlat.Core.WindowsPatchExtension\\CoreLog.txt"
        }
    }

    private mutating func publishedDate(before start: AzureTimestamp) -> String {
        let daysBefore = Int64(self.random.int(in: 1...400))
        let day = (start.epochSeconds / 86_400 - daysBefore) * 86_400
        return AzureTimestamp(epochSeconds: day).wholeSecondZulu
    }

    private mutating func lastModified(after start: AzureTimestamp) -> String {
        start.adding(seconds: Int64(self.random.int(in: 5...900)), ticks: self.random.int(in: 0...9_999_999)).sevenDigitZulu
    }

    private mutating func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for index in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(index, self.random.int(in: 0...index))
        }
    }

    private func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
