import Foundation

/// A short reason why a file could not be read, such as "no such file" — Foundation's own messages on Linux are
/// often just an error number.
enum FileErrorReason {
    static func describe(_ error: any Error, path: String) -> String {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        guard fileManager.isReadableFile(atPath: path) else { return "permission denied" }
        return error.localizedDescription
    }
}
