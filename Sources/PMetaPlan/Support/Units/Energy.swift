/// An amount of energy in joules, for device energy per round.
///
/// Unlike sizes and MACs, energy is the product of a count and a measured device constant (joules per
/// byte, per MAC), so it is a real number, not an exact integer.
public struct Energy: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The energy in joules.
    public var joules: Double

    /// Creates an amount of energy.
    /// - Parameter joules: A finite, non-negative number of joules.
    public init(joules: Double) {
        precondition(joules.isFinite && joules >= 0, "Energy needs a finite, non-negative number of joules, got \(joules)")
        self.joules = joules
    }

    /// No energy.
    public static let zero = Energy(joules: 0)

    public static func < (lhs: Energy, rhs: Energy) -> Bool { lhs.joules < rhs.joules }

    /// The sum of two amounts.
    public static func + (lhs: Energy, rhs: Energy) -> Energy { Energy(joules: lhs.joules + rhs.joules) }

    /// The energy of `count` events at `self` each (bytes sent, MACs).
    public func times(_ count: Int) -> Energy { Energy(joules: joules * Double(count)) }

    /// The energy in the largest unit from MJ down to pJ that keeps it at 1 or more, with three significant
    /// digits: `1.23 mJ`, `456 uJ`, `2.68 kJ`, `0 J`.
    public var description: String {
        guard joules > 0 else { return "0 J" }
        let units: [(String, Double)] = [("MJ", 1e6), ("kJ", 1e3), ("J", 1), ("mJ", 1e-3), ("uJ", 1e-6), ("nJ", 1e-9), ("pJ", 1e-12)]
        let (name, scale) = units.first { joules >= $0.1 * 0.9995 } ?? units[units.count - 1]
        let value = joules / scale
        let decimals = value >= 99.95 ? 0 : value >= 9.995 ? 1 : 2
        return "\(DecimalFormatting.fixed(value, decimals: decimals)) \(name)"
    }
}
