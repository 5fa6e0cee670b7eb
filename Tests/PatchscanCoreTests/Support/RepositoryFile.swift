import Foundation

/// The repository's root: three folders above this file (`Tests/PatchscanCoreTests/Support`).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The path of `relativePath` in the repository (shipped configurations, docs, deploy files).
func repositoryFile(_ relativePath: String) -> String {
    repositoryRoot.appendingPathComponent(relativePath).path
}
