import Foundation
import Subprocess
import Testing

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The built `patchscan` executable, next to the test bundle in the build products directory.
enum PatchscanBinary {
    struct Output {
        var status: TerminationStatus
        var standardOutput: String
        var standardError: String

        var exitCode: Int32? {
            if case .exited(let code) = status { return code }
            return nil
        }
    }

    static func path() throws -> FilePath {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidate = products.appendingPathComponent("patchscan")
        try #require(FileManager.default.isExecutableFile(atPath: candidate.path), "patchscan binary not found at \(candidate.path)")
        return FilePath(candidate.path)
    }

    /// Runs the binary to completion with the given arguments and extra environment.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        var overrides: [Environment.Key: String?] = [:]
        for (key, value) in environment { overrides[Environment.Key(rawValue: key)!] = value }
        let result = try await Subprocess.run(
            .path(try path()),
            arguments: Arguments(arguments),
            environment: .inherit.updating(overrides),
            output: .string(limit: 1 << 20),
            error: .string(limit: 1 << 20)
        )
        return Output(
            status: result.terminationStatus,
            standardOutput: result.standardOutput,
            standardError: result.standardError
        )
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("patchscan-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
