import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock(2)`) on a file, for what SQLite's own locking does not cover: one process
/// migrating a database at a time, and one daemon per database.
///
/// The kernel drops the lock when the holder closes it or exits, however it exits, so a crash never leaves a
/// stale lock. The holder writes its pid into the file so that a refused process can say who holds it.
public struct FileLock: Sendable {
    /// What ``acquire(at:whenHeld:)`` does when another process holds the lock.
    public enum WhenHeld: Sendable {
        /// Block until the lock is free.
        case wait
        /// Throw ``StoreError/Code/lockHeld`` at once.
        case fail
    }

    /// The lock file.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock on `path`, creating the file if needed.
    ///
    /// - Throws: ``StoreError`` with code ``StoreError/Code/lockHeld`` when another holder has it and `whenHeld` is
    ///   `.fail`, or ``StoreError/Code/cannotOpen`` when the file cannot be opened or locked.
    public static func acquire(at path: String, whenHeld: WhenHeld) throws(StoreError) -> FileLock {
        var descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        // Another user's lock file can still be locked through a read-only descriptor.
        if descriptor < 0, errno == EACCES { descriptor = open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw StoreError(
                code: .cannotOpen,
                message: "Could not open the lock file \(path): \(Self.lastError()). "
                    + "Give the patchscan user write access to the database directory.",
                path: path
            )
        }
        var result: Int32
        repeat {
            result = flock(descriptor, LOCK_EX | (whenHeld == .fail ? LOCK_NB : 0))
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let failure = errno
            close(descriptor)
            guard failure == EWOULDBLOCK else {
                throw StoreError(code: .cannotOpen, message: "Could not lock \(path): \(Self.lastError(failure)).", path: path)
            }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            throw StoreError(
                code: .lockHeld,
                message: "Another process holds the lock file \(path)"
                    + (holder.map { $0.isEmpty ? "" : " (pid \($0))" } ?? "") + ".",
                path: path
            )
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return FileLock(path: path, descriptor: descriptor)
    }

    /// Gives the lock up.
    public func release() {
        close(descriptor)
    }

    private static func lastError(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
