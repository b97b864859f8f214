/// A small, fast, seedable random number generator (SplitMix64), for reproducible initializations.
///
/// Each output is a 64-bit finalizer applied to a Weyl sequence stepping by the golden-ratio constant;
/// the same seed always yields the same stream on every platform. Not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The position in the Weyl sequence; advancing it is the whole state change.
    public private(set) var state: UInt64

    /// Creates a generator whose stream is fixed by `seed`.
    /// - Parameter seed: Any 64-bit value, such as the CLI's `--seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
