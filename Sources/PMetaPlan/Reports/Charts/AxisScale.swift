import Foundation

/// A value axis's domain and its "nice" ticks: multiples of 1, 2 or 5 x 10^n on a linear axis, powers of ten on a
/// logarithmic one.
///
/// ```swift
/// let scale = AxisScale(covering: 0...48.33)
/// scale.ticks        // [0, 10, 20, 30, 40, 50]
/// scale.fraction(of: 25)  // 0.5
/// ```
public struct AxisScale: Hashable, Sendable {
    /// How values map to positions.
    public enum Kind: Hashable, Sendable {
        /// Equal differences take equal space.
        case linear
        /// Equal ratios take equal space; for values spanning several orders of magnitude (0.001 MB to 25 MB).
        case logarithmic
    }

    /// How values map to positions.
    public let kind: Kind
    /// The smallest value on the axis, itself a tick.
    public let lowerBound: Double
    /// The largest value on the axis, itself a tick.
    public let upperBound: Double
    /// The tick values in increasing order, from `lowerBound` to `upperBound`.
    public let ticks: [Double]
    /// Digits after the decimal point that default tick labels print, enough to tell neighbouring ticks apart
    /// (one for a step of 0.5, none for a step of 10).
    public let fractionDigits: Int

    /// Creates the scale whose ticks cover `values`.
    ///
    /// A linear scale takes the smallest step of 1, 2 or 5 x 10^n that covers the range in at most
    /// `maximumIntervalCount` intervals; the bounds are the multiples of that step just outside the range.
    /// A logarithmic scale runs from the power of ten at or below the smallest value to the power of ten at or
    /// above the largest one, with ticks at each power (and at 2 and 5 times each power when the scale spans at most
    /// two decades).
    /// - Parameters:
    ///   - values: The range to cover; for a logarithmic scale its lower bound must be positive. An empty range
    ///     (`5...5`) is widened to start at zero (or at a tenth of the value on a logarithmic scale).
    ///   - kind: Linear or logarithmic.
    ///   - maximumIntervalCount: The most intervals a linear scale may have (at least 1).
    public init(covering values: ClosedRange<Double>, kind: Kind = .linear, maximumIntervalCount: Int = 6) {
        precondition(values.lowerBound.isFinite && values.upperBound.isFinite, "AxisScale needs a finite range")
        precondition(maximumIntervalCount >= 1, "AxisScale needs maximumIntervalCount >= 1")
        self.kind = kind
        switch kind {
        case .linear:
            var lower = values.lowerBound
            var upper = values.upperBound
            if lower == upper {
                if lower == 0 { upper = 1 } else if lower > 0 { lower = 0 } else { upper = 0 }
            }
            let step = AxisScale.niceStep(lower: lower, upper: upper, maximumIntervalCount: maximumIntervalCount)
            let lowIndex = Int((lower / step.value + 1e-9).rounded(.down))
            let highIndex = max(lowIndex + 1, Int((upper / step.value - 1e-9).rounded(.up)))
            ticks = (lowIndex...highIndex).map { step.multiple($0) }
            fractionDigits = max(0, -step.exponent)
        case .logarithmic:
            precondition(values.lowerBound > 0, "a logarithmic AxisScale needs positive values, got \(values)")
            var lowExponent = AxisScale.exponentAtOrBelow(values.lowerBound)
            var highExponent = AxisScale.exponentAtOrAbove(values.upperBound)
            if lowExponent == highExponent { lowExponent -= 1 }
            highExponent = max(highExponent, lowExponent + 1)
            var ticks: [Double] = []
            for exponent in lowExponent...highExponent {
                ticks.append(AxisScale.powerOfTen(exponent))
                if highExponent - lowExponent <= 2 && exponent < highExponent {
                    ticks.append(AxisScale.multiple(2, ofPowerOfTen: exponent))
                    ticks.append(AxisScale.multiple(5, ofPowerOfTen: exponent))
                }
            }
            self.ticks = ticks
            fractionDigits = max(0, -lowExponent)
        }
        lowerBound = ticks[0]
        upperBound = ticks[ticks.count - 1]
    }

    /// The scale with exactly the bounds of `range`, keeping the ticks that lie inside it.
    ///
    /// For axes whose ends mean something, such as an event axis that should end at the last event rather than at
    /// the next nice number.
    /// - Parameter range: The new bounds; on a logarithmic scale the lower bound must be positive.
    /// - Returns: The clamped scale.
    public func clamped(to range: ClosedRange<Double>) -> AxisScale {
        precondition(range.lowerBound < range.upperBound, "AxisScale.clamped(to:) needs a non-empty range")
        precondition(kind == .linear || range.lowerBound > 0, "a logarithmic AxisScale needs positive bounds")
        return AxisScale(
            kind: kind, lowerBound: range.lowerBound, upperBound: range.upperBound,
            ticks: ticks.filter { range.contains($0) }, fractionDigits: fractionDigits)
    }

    private init(kind: Kind, lowerBound: Double, upperBound: Double, ticks: [Double], fractionDigits: Int) {
        self.kind = kind
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.ticks = ticks
        self.fractionDigits = fractionDigits
    }

    /// The position of `value` along the axis: 0 at `lowerBound`, 1 at `upperBound`, beyond for values outside.
    ///
    /// On a logarithmic scale, values at or below zero map to 0.
    /// - Parameter value: A value in the axis's unit.
    /// - Returns: The fraction of the axis length.
    public func fraction(of value: Double) -> Double {
        switch kind {
        case .linear:
            return (value - lowerBound) / (upperBound - lowerBound)
        case .logarithmic:
            guard value > 0 else { return 0 }
            return (log10(value) - log10(lowerBound)) / (log10(upperBound) - log10(lowerBound))
        }
    }

    /// The default tick label: `fractionDigits` decimals with thousands grouped on a linear scale (`12.5`,
    /// `1,000`), the shortest exact text on a logarithmic one (`0.001`, `20`).
    /// - Parameter value: A tick value.
    /// - Returns: The label text.
    public func defaultLabel(for value: Double) -> String {
        switch kind {
        case .linear: return ChartNumberFormat.fixed(value, decimals: fractionDigits, isGrouped: true)
        case .logarithmic: return ChartNumberFormat.significant(value, digits: 1)
        }
    }

    // MARK: - Steps

    /// A tick step `mantissa` x 10^`exponent` with the mantissa 1, 2 or 5.
    private struct Step {
        var mantissa: Int
        var exponent: Int
        var value: Double { AxisScale.multiple(mantissa, ofPowerOfTen: exponent) }
        /// `index` steps, computed from integers so that 3 x 0.1 prints as 0.3.
        func multiple(_ index: Int) -> Double { AxisScale.multiple(index * mantissa, ofPowerOfTen: exponent) }
    }

    /// The smallest 1-2-5 step that covers `lower...upper` in at most `maximumIntervalCount` intervals.
    private static func niceStep(lower: Double, upper: Double, maximumIntervalCount: Int) -> Step {
        for exponent in -15...22 {
            for mantissa in [1, 2, 5] {
                let step = Step(mantissa: mantissa, exponent: exponent)
                let lowIndex = (lower / step.value + 1e-9).rounded(.down)
                let highIndex = (upper / step.value - 1e-9).rounded(.up)
                if highIndex - lowIndex <= Double(maximumIntervalCount) { return step }
            }
        }
        preconditionFailure("AxisScale: the range \(lower)...\(upper) is too wide for a nice step")
    }

    /// `factor` x 10^`exponent`, correctly rounded: a product by an exact power for non-negative exponents, a
    /// quotient by one for negative exponents (0.1 is closer to 1/10 than to 1 x 0.1000000000000000055).
    static func multiple(_ factor: Int, ofPowerOfTen exponent: Int) -> Double {
        exponent >= 0
            ? Double(factor) * ChartNumberFormat.powerOfTen(exponent)
            : Double(factor) / ChartNumberFormat.powerOfTen(-exponent)
    }

    /// 10^`exponent` for -22...22.
    static func powerOfTen(_ exponent: Int) -> Double { multiple(1, ofPowerOfTen: exponent) }

    /// The largest n with 10^n <= value.
    private static func exponentAtOrBelow(_ value: Double) -> Int {
        var exponent = 0
        while exponent > -22 && powerOfTen(exponent) > value { exponent -= 1 }
        while exponent < 22 && powerOfTen(exponent + 1) <= value { exponent += 1 }
        return exponent
    }

    /// The smallest n with 10^n >= value.
    private static func exponentAtOrAbove(_ value: Double) -> Int {
        var exponent = 0
        while exponent < 22 && powerOfTen(exponent) < value { exponent += 1 }
        while exponent > -22 && powerOfTen(exponent - 1) >= value { exponent -= 1 }
        return exponent
    }
}
