/// Deterministic decimal formatting of `Double` values for charts.
///
/// `Double.description` switches to exponents (`1e-05`) and prints `-0.0`; both would make an SVG differ between
/// values that look the same and surprise a reader. These functions round through integers instead, so the same
/// value prints the same text on every platform, never with an exponent and never as `-0`.
public enum ChartNumberFormat {
    /// The largest magnitude, after scaling, that the integer rounding handles exactly.
    private static let largestExactInteger = 9_000_000_000_000_000.0

    /// A coordinate for SVG markup: at most two decimals, trailing zeros dropped: `12.5`, `-3`, `0.07`.
    /// - Parameter value: A finite number whose magnitude is below 10^13.
    /// - Returns: The shortest text with at most two decimals that rounds `value` half away from zero.
    public static func svg(_ value: Double) -> String {
        trimmed(fixed(value, decimals: 2))
    }

    /// `value` with exactly `decimals` digits after the point, rounded half away from zero: `fixed(2.5, decimals: 2)`
    /// is `2.50`.
    /// - Parameters:
    ///   - value: A finite number.
    ///   - decimals: Digits after the point, 0 to 9.
    ///   - isGrouped: Whether to put a comma every three digits of the integer part (`12,500.0`).
    /// - Returns: The text; a value that rounds to zero prints without a minus sign.
    public static func fixed(_ value: Double, decimals: Int, isGrouped: Bool = false) -> String {
        precondition(value.isFinite, "ChartNumberFormat.fixed needs a finite value, got \(value)")
        precondition((0...9).contains(decimals), "ChartNumberFormat.fixed needs 0...9 decimals, got \(decimals)")
        let factor = powerOfTen(decimals)
        let scaled = (value * factor).rounded(.toNearestOrAwayFromZero)
        precondition(
            scaled.magnitude < largestExactInteger,
            "ChartNumberFormat.fixed: \(value) with \(decimals) decimals is too large to format exactly")
        let units = Int(scaled)
        let divisor = Int(factor)
        var whole = String(units.magnitude / UInt(divisor))
        if isGrouped { whole = grouped(whole) }
        var text = whole
        if decimals > 0 {
            var fraction = String(units.magnitude % UInt(divisor))
            while fraction.count < decimals { fraction = "0" + fraction }
            text += "." + fraction
        }
        return units < 0 ? "-" + text : text
    }

    /// `value` rounded to `digits` significant digits, trailing zeros dropped: `0.0012345` -> `0.00123`,
    /// `12.5` -> `12.5`, `123456` -> `123,000` (grouped).
    /// - Parameters:
    ///   - value: A finite number.
    ///   - digits: Significant digits, 1 to 9.
    ///   - isGrouped: Whether to put a comma every three digits of the integer part.
    /// - Returns: The text; values below 10^-9 in magnitude print as `0`.
    public static func significant(_ value: Double, digits: Int = 3, isGrouped: Bool = true) -> String {
        precondition(value.isFinite, "ChartNumberFormat.significant needs a finite value, got \(value)")
        precondition((1...9).contains(digits), "ChartNumberFormat.significant needs 1...9 digits, got \(digits)")
        let magnitude = value.magnitude
        let lowest = powerOfTen(digits - 1)
        // Decimals needed so that `digits` digits show; found by exact multiplications, not by log10, whose last
        // bit differs between C libraries.
        var decimals = 0
        while decimals < 9 && magnitude * powerOfTen(decimals) < lowest { decimals += 1 }
        if decimals > 0 || magnitude < powerOfTen(digits) {
            return trimmed(fixed(value, decimals: decimals, isGrouped: isGrouped))
        }
        // Large values: round away the digits beyond the significant ones.
        var dropped = 0
        while dropped < 15 && magnitude / powerOfTen(dropped) >= powerOfTen(digits) { dropped += 1 }
        let scale = powerOfTen(dropped)
        let rounded = (value / scale).rounded(.toNearestOrAwayFromZero) * scale
        return fixed(rounded, decimals: 0, isGrouped: isGrouped)
    }

    /// 10^exponent, exact for 0...22.
    static func powerOfTen(_ exponent: Int) -> Double {
        precondition((0...22).contains(exponent), "powerOfTen is exact only for exponents 0...22, got \(exponent)")
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// Drops trailing zeros after a decimal point, and the point itself when nothing follows it.
    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.last == "0" { result = result.dropLast() }
        if result.last == "." { result = result.dropLast() }
        return result == "-0" ? "0" : String(result)
    }

    /// Inserts a comma every three digits from the right.
    private static func grouped(_ digits: String) -> String {
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}
