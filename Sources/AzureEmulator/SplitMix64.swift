/// A tiny deterministic random number generator (SplitMix64).
///
/// The emulator draws every generated value from this instead of the standard library's
/// `random(in:using:)`, whose algorithm may change between toolchains: fleets must be
/// reproducible from a seed forever.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `0..<1`.
    mutating func unit() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `range` (the modulo bias is negligible for the small ranges used here).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(self.next() % span)
    }

    /// `true` with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        self.unit() < probability
    }

    /// One element of a non-empty array of constants.
    mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[self.int(in: 0...(elements.count - 1))]
    }

    /// A random lower-case GUID-looking string (version 4 layout).
    mutating func guid() -> String {
        let high = (self.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (self.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = Self.hex16(high) + Self.hex16(low)
        var result = ""
        for (offset, character) in hex.enumerated() {
            if offset == 8 || offset == 12 || offset == 16 || offset == 20 {
                result.append("-")
            }
            result.append(character)
        }
        return result
    }

    /// A seed derived from `seed` and `salt`, so independent streams do not overlap.
    static func derive(_ seed: UInt64, salt: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (salt &* 0xD1B5_4A32_D192_ED03))
        return generator.next()
    }

    /// A stable 64-bit hash of a string (FNV-1a), for seeds derived from names.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
