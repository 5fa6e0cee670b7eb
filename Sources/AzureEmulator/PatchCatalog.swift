/// The raw material generated patches are drawn from.
enum PatchCatalog {
    /// A Linux package: its name, upstream version and whether updating it may need a reboot.
    struct LinuxPackage {
        let name: String
        let upstreamVersion: String
        let mayNeedReboot: Bool
    }

    /// Ubuntu releases, as the patch extension names them in `patchId` (`Ubuntu_22.04`).
    static let ubuntuReleases = ["20.04", "22.04", "24.04"]

    /// Enough distinct packages for the largest generated patch list (40).
    static let linuxPackages: [LinuxPackage] = [
        LinuxPackage(name: "openssl", upstreamVersion: "3.0.13", mayNeedReboot: false),
        LinuxPackage(name: "libssl3", upstreamVersion: "3.0.13", mayNeedReboot: false),
        LinuxPackage(name: "openssh-client", upstreamVersion: "8.9p1", mayNeedReboot: false),
        LinuxPackage(name: "openssh-server", upstreamVersion: "8.9p1", mayNeedReboot: false),
        LinuxPackage(name: "curl", upstreamVersion: "7.81.0", mayNeedReboot: false),
        LinuxPackage(name: "libcurl4", upstreamVersion: "7.81.0", mayNeedReboot: false),
        LinuxPackage(name: "sudo", upstreamVersion: "1.9.9", mayNeedReboot: false),
        LinuxPackage(name: "systemd", upstreamVersion: "249.11", mayNeedReboot: true),
        LinuxPackage(name: "libsystemd0", upstreamVersion: "249.11", mayNeedReboot: true),
        LinuxPackage(name: "linux-image-azure", upstreamVersion: "6.8.0.1021", mayNeedReboot: true),
        LinuxPackage(name: "linux-modules-azure", upstreamVersion: "6.8.0.1021", mayNeedReboot: true),
        LinuxPackage(name: "tzdata", upstreamVersion: "2024a", mayNeedReboot: false),
        LinuxPackage(name: "python3.10", upstreamVersion: "3.10.12", mayNeedReboot: false),
        LinuxPackage(name: "libpython3.10", upstreamVersion: "3.10.12", mayNeedReboot: false),
        LinuxPackage(name: "git", upstreamVersion: "2.34.1", mayNeedReboot: false),
        LinuxPackage(name: "vim", upstreamVersion: "8.2.3995", mayNeedReboot: false),
        LinuxPackage(name: "vim-common", upstreamVersion: "8.2.3995", mayNeedReboot: false),
        LinuxPackage(name: "bash", upstreamVersion: "5.1", mayNeedReboot: false),
        LinuxPackage(name: "libc6", upstreamVersion: "2.35", mayNeedReboot: true),
        LinuxPackage(name: "libc-bin", upstreamVersion: "2.35", mayNeedReboot: true),
        LinuxPackage(name: "ca-certificates", upstreamVersion: "20240203", mayNeedReboot: false),
        LinuxPackage(name: "apt", upstreamVersion: "2.4.13", mayNeedReboot: false),
        LinuxPackage(name: "gzip", upstreamVersion: "1.10", mayNeedReboot: false),
        LinuxPackage(name: "libxml2", upstreamVersion: "2.9.13", mayNeedReboot: false),
        LinuxPackage(name: "nginx", upstreamVersion: "1.18.0", mayNeedReboot: false),
        LinuxPackage(name: "bind9-host", upstreamVersion: "9.18.28", mayNeedReboot: false),
        LinuxPackage(name: "libgnutls30", upstreamVersion: "3.7.3", mayNeedReboot: false),
        LinuxPackage(name: "libnss3", upstreamVersion: "3.98", mayNeedReboot: false),
        LinuxPackage(name: "libexpat1", upstreamVersion: "2.4.7", mayNeedReboot: false),
        LinuxPackage(name: "zlib1g", upstreamVersion: "1.2.11.dfsg", mayNeedReboot: false),
        LinuxPackage(name: "libgcrypt20", upstreamVersion: "1.9.4", mayNeedReboot: false),
        LinuxPackage(name: "login", upstreamVersion: "4.8.1", mayNeedReboot: false),
        LinuxPackage(name: "passwd", upstreamVersion: "4.8.1", mayNeedReboot: false),
        LinuxPackage(name: "libpam0g", upstreamVersion: "1.4.0", mayNeedReboot: false),
        LinuxPackage(name: "rsync", upstreamVersion: "3.2.7", mayNeedReboot: false),
        LinuxPackage(name: "wget", upstreamVersion: "1.21.2", mayNeedReboot: false),
        LinuxPackage(name: "less", upstreamVersion: "590", mayNeedReboot: false),
        LinuxPackage(name: "libsqlite3-0", upstreamVersion: "3.37.2", mayNeedReboot: false),
        LinuxPackage(name: "libglib2.0-0", upstreamVersion: "2.72.4", mayNeedReboot: false),
        LinuxPackage(name: "cloud-init", upstreamVersion: "24.1.3", mayNeedReboot: false),
        LinuxPackage(name: "walinuxagent", upstreamVersion: "2.2.46", mayNeedReboot: false),
        LinuxPackage(name: "snapd", upstreamVersion: "2.63", mayNeedReboot: false),
        LinuxPackage(name: "libkrb5-3", upstreamVersion: "1.19.2", mayNeedReboot: false),
        LinuxPackage(name: "intel-microcode", upstreamVersion: "3.20240514", mayNeedReboot: true),
        LinuxPackage(name: "linux-firmware", upstreamVersion: "20220329", mayNeedReboot: true),
        LinuxPackage(name: "libldap-2.5-0", upstreamVersion: "2.5.17", mayNeedReboot: false),
        LinuxPackage(name: "python3-urllib3", upstreamVersion: "1.26.5", mayNeedReboot: false),
        LinuxPackage(name: "python3-requests", upstreamVersion: "2.25.1", mayNeedReboot: false),
    ]

    /// Linux classifications that count towards `criticalAndSecurityPatchCount`.
    static let linuxCriticalOrSecurity: Set<String> = ["Critical", "Security", "Security-ESM"]

    /// Windows Update categories that count towards `criticalAndSecurityPatchCount`.
    static let windowsCriticalOrSecurity: Set<String> = ["Critical Updates", "Security Updates"]

    /// A Windows Server release: its marketing name and how update titles refer to it.
    struct WindowsRelease {
        let name: String
        let updateTitleName: String
    }

    static let windowsReleases = [
        WindowsRelease(name: "Windows Server 2019", updateTitleName: "Windows Server 2019"),
        WindowsRelease(name: "Windows Server 2022", updateTitleName: "Microsoft server operating system version 21H2"),
        WindowsRelease(name: "Windows Server 2025", updateTitleName: "Microsoft server operating system version 24H2"),
    ]

    /// A Windows update title template: `{ym}` is the release month, `{os}` the release, `{kb}` the KB number,
    /// `{n}` a small build number.
    struct WindowsTemplate {
        let title: String
        let classification: String
        let rebootBehavior: String
        /// A fixed KB number (Defender and MSRT always use the same one), or `nil` for a fresh one.
        let fixedKB: String?
    }

    static let windowsSecurityTemplates = [
        WindowsTemplate(
            title: "{ym} Cumulative Update for {os} for x64-based Systems (KB{kb})",
            classification: "Security Updates", rebootBehavior: "CanRequestReboot", fixedKB: nil),
        WindowsTemplate(
            title: "{ym} Security Update for Microsoft .NET Framework 3.5, 4.8 and 4.8.1 for {os} for x64 (KB{kb})",
            classification: "Security Updates", rebootBehavior: "CanRequestReboot", fixedKB: nil),
        WindowsTemplate(
            title: "{ym} Servicing Stack Update for {os} for x64-based Systems (KB{kb})",
            classification: "Security Updates", rebootBehavior: "NeverReboots", fixedKB: nil),
        WindowsTemplate(
            title: "Security Update for SQL Server 2019 RTM CU{n} (KB{kb})",
            classification: "Security Updates", rebootBehavior: "CanRequestReboot", fixedKB: nil),
        WindowsTemplate(
            title: "{ym} Critical Update for {os} for x64-based Systems (KB{kb})",
            classification: "Critical Updates", rebootBehavior: "AlwaysRequiresReboot", fixedKB: nil),
    ]

    static let windowsOtherTemplates = [
        WindowsTemplate(
            title: "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.4{n}.{kb}.0)",
            classification: "Definition Updates", rebootBehavior: "NeverReboots", fixedKB: "2267602"),
        WindowsTemplate(
            title: "Windows Malicious Software Removal Tool x64 - v5.1{n} (KB890830)",
            classification: "Update Rollups", rebootBehavior: "CanRequestReboot", fixedKB: "890830"),
        WindowsTemplate(
            title: "{ym} Dynamic Update for {os} for x64-based Systems (KB{kb})",
            classification: "Updates", rebootBehavior: "NeverReboots", fixedKB: nil),
        WindowsTemplate(
            title: "Update for Microsoft Edge-Stable Channel 13{n} (KB{kb})",
            classification: "Updates", rebootBehavior: "NeverReboots", fixedKB: nil),
        WindowsTemplate(
            title: "Microsoft .NET Framework 4.8.1 for {os} for x64 (KB{kb})",
            classification: "Feature Packs", rebootBehavior: "AlwaysRequiresReboot", fixedKB: nil),
        WindowsTemplate(
            title: "SQL Server 2019 Service Pack {n} for x64 (KB{kb})",
            classification: "Service Packs", rebootBehavior: "AlwaysRequiresReboot", fixedKB: nil),
        WindowsTemplate(
            title: "Windows Admin Center Tools Update {n} (KB{kb})",
            classification: "Tools", rebootBehavior: "NeverReboots", fixedKB: nil),
    ]

    /// Undocumented values put on some patches of `.unknownEnums` VMs.
    static let unknownRebootBehavior = "RequiresOrbitalAlignment"
    static let unknownAssessmentState = "Pending"
}
