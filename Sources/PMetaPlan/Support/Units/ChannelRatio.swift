import Foundation

/// An exact fraction between 0 and 1 of a layer's channels, such as mu_fw = 1/4.
///
/// A layer keeps whole channels, so `selectedCount(of:)` rounds up: 1/8 of 3 input channels keeps 1.
public struct ChannelRatio: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The numerator, 0 ... denominator.
    public let numerator: Int
    /// The denominator, positive.
    public let denominator: Int

    /// Creates `numerator / denominator` in lowest terms.
    public init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator > 0 && numerator >= 0 && numerator <= denominator,
                     "ChannelRatio needs 0 <= numerator <= denominator and denominator > 0")
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let divisor = max(gcd(numerator, denominator), 1)
        self.numerator = numerator / divisor
        self.denominator = denominator / divisor
    }

    /// Every channel.
    public static let all = ChannelRatio(1, 1)
    /// No channel.
    public static let none = ChannelRatio(0, 1)

    /// The number of channels kept out of `channels`: ceil(channels * ratio), exactly.
    /// - Parameter channels: A non-negative channel count.
    public func selectedCount(of channels: Int) -> Int {
        precondition(channels >= 0, "selectedCount(of:) needs a non-negative channel count")
        if numerator == denominator { return channels }
        // channels * numerator in 128 bits: the quotient is at most `channels`, so it always fits.
        let (quotient, remainder) = denominator.dividingFullWidth(channels.multipliedFullWidth(by: numerator))
        return remainder == 0 ? quotient : quotient + 1
    }

    /// The ratio as a floating-point number, for display and scores.
    public var value: Double { Double(numerator) / Double(denominator) }

    public static func < (lhs: ChannelRatio, rhs: ChannelRatio) -> Bool {
        // Cross-multiplied in 128 bits: a ratio read from `1/9223372036854775807` must compare, not trap.
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return (left.high, left.low) < (right.high, right.low)
    }

    /// `1`, `0`, `1/4`.
    public var description: String {
        if numerator == denominator { return "1" }
        if numerator == 0 { return "0" }
        return "\(numerator)/\(denominator)"
    }
}

extension ChannelRatio {
    /// Parses `1`, `0`, `0.25`, `.5` or `1/4`; returns nil for anything else or a value outside 0...1.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let slash = trimmed.firstIndex(of: "/") {
            guard let numerator = Int(trimmed[..<slash]), let denominator = Int(trimmed[trimmed.index(after: slash)...]),
                  denominator > 0, numerator >= 0, numerator <= denominator else { return nil }
            self.init(numerator, denominator)
            return
        }
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !trimmed.isEmpty else { return nil }
        let whole = parts[0].isEmpty ? "0" : String(parts[0])
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber), fraction.allSatisfy(\.isASCII),
              fraction.allSatisfy(\.isNumber), fraction.count <= 9, let wholeValue = Int(whole), wholeValue <= 1 else { return nil }
        var denominator = 1
        for _ in 0..<fraction.count { denominator *= 10 }
        let numerator = wholeValue * denominator + (Int(fraction.isEmpty ? "0" : fraction) ?? 0)
        guard numerator <= denominator else { return nil }
        self.init(numerator, denominator)
    }
}
