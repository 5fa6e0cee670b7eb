#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The address in `NOTIFY_SOCKET`: a filesystem path or a Linux abstract-namespace name.
struct NotifySocketAddress: Sendable, Equatable {
    /// The bytes of `sockaddr_un.sun_path` that are significant: a NUL-terminated path, or a NUL followed by the
    /// abstract name (no terminator: every byte of an abstract name counts).
    let pathBytes: [UInt8]

    /// Parses `NOTIFY_SOCKET`: an absolute path, or `@name` for the abstract namespace.
    /// Returns `nil` for other forms (such as systemd's `vsock:` addresses) and names too long for `sun_path`.
    init?(_ text: String) {
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        if text.hasPrefix("/") {
            pathBytes = Array(text.utf8) + [0]
        } else if text.hasPrefix("@"), text.utf8.count > 1 {
            pathBytes = [0] + Array(text.utf8.dropFirst())
        } else {
            return nil
        }
        guard pathBytes.count <= capacity else { return nil }
    }

    /// Sends `payload` as one datagram from a fresh socket, without blocking.
    ///
    /// A fresh socket per call keeps the notifier a plain value that any task may use at any time; a few
    /// notifications a minute make the cost irrelevant. `MSG_DONTWAIT`: if systemd's queue were full, dropping
    /// a notification beats blocking a cooperative thread.
    ///
    /// - Returns: `nil` on success, otherwise the `errno` of the failing call.
    func send(_ payload: String) -> Int32? {
        #if os(Linux)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        var payload = payload
        let sent = payload.withUTF8 { bytes in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    sendto(
                        descriptor, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL),
                        socketAddress, length
                    )
                }
            }
        }
        return sent < 0 ? errno : nil
        #else
        return ENOTSUP
        #endif
    }
}
