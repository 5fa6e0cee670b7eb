/// A hash that is the same in every process and release, unlike Swift's per-process seeded `hashValue`.
///
/// FNV-1a 64 over the UTF-8 bytes, then the MurmurHash3 64-bit finalizer: FNV-1a alone leaves the high bits
/// poorly mixed for strings that differ only in their last characters (`vm-001`, `vm-002`, …), and the phase is
/// taken from the high bits.
enum StableHash {
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return finalize(hash)
    }

    /// A fraction in [0, 1) taken from the hash's top 53 bits.
    static func unitFraction(_ text: String) -> Double {
        Double(hash(text) >> 11) / Double(UInt64(1) << 53)
    }

    private static func finalize(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed ^= mixed >> 33
        mixed = mixed &* 0xff51_afd7_ed55_8ccd
        mixed ^= mixed >> 33
        mixed = mixed &* 0xc4ce_b9fe_1a85_ec53
        mixed ^= mixed >> 33
        return mixed
    }
}
