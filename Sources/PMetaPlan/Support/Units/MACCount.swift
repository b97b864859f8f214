/// An exact number of multiply-accumulate operations.
public struct MACCount: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The exact number of MACs.
    public var macs: Int

    /// Creates a MAC count.
    public init(_ macs: Int) { self.macs = macs }

    /// No MACs.
    public static let zero = MACCount(0)

    public static func < (lhs: MACCount, rhs: MACCount) -> Bool { lhs.macs < rhs.macs }

    /// The count in GMAC (10^9), for charts and ratios only.
    public var gigaMACs: Double { Double(macs) / 1_000_000_000 }

    /// The human unit with two decimals, then the exact count: `1.96 GMAC (1,960,109,600 MAC)`.
    public var description: String {
        "\(humanReadable) (\(DecimalFormatting.grouped(macs)) MAC)"
    }

    /// The count in the largest decimal unit that keeps it at 1 or more: `1.96 GMAC`.
    public var humanReadable: String {
        let units: [(String, Int)] = [("GMAC", 1_000_000_000), ("MMAC", 1_000_000), ("kMAC", 1_000)]
        for (name, scale) in units where macs.magnitude >= UInt(scale) {
            return "\(DecimalFormatting.scaled(macs, by: scale, decimals: 2)) \(name)"
        }
        return "\(macs) MAC"
    }

    /// The count in GMAC with `decimals` digits, as the paper's tables print it: `185.42`.
    public func gigaMACs(decimals: Int) -> String {
        DecimalFormatting.scaled(macs, by: 1_000_000_000, decimals: decimals)
    }
}
