#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// A datagram socket in the abstract namespace standing in for systemd's notification socket.
final class NotifySocket {
    /// The `NOTIFY_SOCKET` value that reaches this socket.
    let address = "@patchscan-test-\(UUID().uuidString)"
    private let descriptor: Int32
    /// Every datagram read so far, oldest first.
    private(set) var received: [String] = []

    init() throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(descriptor >= 0)
        let pathBytes = [0] + Array(address.utf8.dropFirst())
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: pathBytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        try #require(bound == 0, "bind \(address): errno \(errno)")
    }

    deinit {
        close(descriptor)
    }

    /// Reads the datagrams queued since the last call and returns every datagram received, oldest first.
    @discardableResult
    func drain() -> [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count > 0 else { return received }
            received.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
    }
}
