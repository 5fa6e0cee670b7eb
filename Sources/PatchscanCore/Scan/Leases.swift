import Foundation
import PatchscanStore

/// Who holds claims and runs in the database, and for how long without renewal.
public struct LeaseHolder: Sendable, Equatable {
    /// How long a claim or run stays live without renewal; a crashed process's claims expire after this.
    public static let leaseDuration = Duration.seconds(120)

    /// The owner name stored with claims and runs.
    public var owner: String

    /// The daemon: one per database, named for the host, so a restarted daemon takes back its own claims at once.
    public static func daemon(hostName: String = ProcessInfo.processInfo.hostName) -> LeaseHolder {
        LeaseHolder(owner: "daemon@\(hostName)")
    }

    /// A one-off `patchscan scan` process.
    public static func scan(
        hostName: String = ProcessInfo.processInfo.hostName,
        processID: Int32 = ProcessInfo.processInfo.processIdentifier
    ) -> LeaseHolder {
        LeaseHolder(owner: "scan@\(hostName):\(processID)")
    }

    /// When a lease taken or renewed at `now` expires.
    public func expiry(from now: Date) -> Date {
        now.addingTimeInterval(Self.leaseDuration.timeInterval)
    }
}

extension Clock where Duration == Swift.Duration {
    /// Runs `body` while renewing `holder`'s leases (claims and runs) every third of the lease duration.
    func withLeaseRenewal<T: Sendable>(
        store: PatchscanStore,
        holder: LeaseHolder,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await self.sleep(for: LeaseHolder.leaseDuration / 3)
                    } catch {
                        return nil
                    }
                    try await store.renewLeases(owner: holder.owner, until: holder.expiry(from: Date()))
                }
                return nil
            }
            group.addTask { try await body() }
            while let value = try await group.next() {
                if let value {
                    group.cancelAll()
                    return value
                }
            }
            throw CancellationError()
        }
    }
}
