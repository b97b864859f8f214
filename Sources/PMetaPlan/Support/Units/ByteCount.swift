/// An exact number of bytes.
///
/// Sizes are decimal by default (kB = 10^3 B, MB = 10^6 B, as the p-Meta paper prints them); binary units
/// (KiB = 2^10 B, MiB = 2^20 B) are accepted when parsing and available when formatting.
public struct ByteCount: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The exact number of bytes.
    public var bytes: Int

    /// Creates a byte count.
    public init(_ bytes: Int) { self.bytes = bytes }

    /// No bytes.
    public static let zero = ByteCount(0)

    public static func < (lhs: ByteCount, rhs: ByteCount) -> Bool { lhs.bytes < rhs.bytes }

    /// The size in decimal megabytes (10^6 B), for charts and ratios only.
    public var megabytes: Double { Double(bytes) / 1_000_000 }

    /// The human unit with two decimals, then the exact bytes: `2.06 MB (2,064,416 B)`.
    public var description: String {
        "\(humanReadable) (\(DecimalFormatting.grouped(bytes)) B)"
    }

    /// The size in the largest decimal unit that keeps it at 1 or more, with two decimals: `2.06 MB`.
    public var humanReadable: String {
        let units: [(String, Int)] = [("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1_000)]
        for (name, scale) in units where bytes.magnitude >= UInt(scale) {
            return "\(DecimalFormatting.scaled(bytes, by: scale, decimals: 2)) \(name)"
        }
        return "\(bytes) B"
    }

    /// The size in megabytes with `decimals` digits, as the paper's tables print it: `54.69`.
    public func megabytes(decimals: Int) -> String {
        DecimalFormatting.scaled(bytes, by: 1_000_000, decimals: decimals)
    }

    /// The size in binary mebibytes (2^20 B) with two decimals: `3.45 MiB`.
    public var mebibytesDescription: String {
        "\(DecimalFormatting.scaled(bytes, by: 1 << 20, decimals: 2)) MiB"
    }
}
