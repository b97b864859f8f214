/// A 64-bit FNV-1a hash, the same on every machine and run (unlike `Hasher`), for recording what a result is of.
public enum StableHash {
    /// The FNV-1a 64-bit hash of `text`'s UTF-8 bytes as `fnv1a64:` and 16 lower-case hex digits.
    /// - Complexity: O(n) in the length of `text`.
    public static func fnv1a64(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
