/// Exact decimal formatting of integers, shared by the unit types.
///
/// Floating point would print `0.1 + 0.2`-style surprises in a table that claims exact bytes; these work on
/// integers only and round half away from zero.
public enum DecimalFormatting {
    /// `value` with a comma every three digits: `2064416` -> `2,064,416`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// `value / scale` with exactly `decimals` digits after the point, rounded half away from zero.
    /// - Parameters:
    ///   - value: The integer to scale.
    ///   - scale: A positive divisor such as 1,000,000.
    ///   - decimals: Digits after the decimal point (0 to 6).
    public static func scaled(_ value: Int, by scale: Int, decimals: Int) -> String {
        precondition(scale > 0 && (0...6).contains(decimals), "scaled(_:by:decimals:) needs scale > 0 and 0...6 decimals")
        var factor = 1
        for _ in 0..<decimals { factor *= 10 }
        let magnitude = value.magnitude
        // Work in UInt64 halves to keep value * factor from overflowing for huge values.
        let whole = magnitude / UInt(scale)
        let remainder = magnitude % UInt(scale)
        let (scaledRemainder, overflow) = remainder.multipliedReportingOverflow(by: UInt(factor))
        var fraction: UInt
        var carry: UInt = 0
        if overflow {
            fraction = UInt((Double(remainder) / Double(scale) * Double(factor)).rounded())
        } else {
            fraction = scaledRemainder / UInt(scale)
            let rest = scaledRemainder % UInt(scale)
            if rest * 2 >= UInt(scale) { fraction += 1 }
        }
        if fraction >= UInt(factor) { fraction -= UInt(factor); carry = 1 }
        var text = String(whole + carry)
        if decimals > 0 {
            var fractionText = String(fraction)
            while fractionText.count < decimals { fractionText = "0" + fractionText }
            text += "." + fractionText
        }
        return value < 0 ? "-" + text : text
    }
}
