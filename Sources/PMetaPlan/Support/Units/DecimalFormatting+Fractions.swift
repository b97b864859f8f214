extension DecimalFormatting {
    /// `value` with exactly `decimals` digits after the point (0 to 6), rounded half away from zero, for
    /// real quantities such as energies and percentages (sizes stay integers and use `scaled`).
    /// - Parameters:
    ///   - value: A finite number.
    ///   - decimals: Digits after the decimal point.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        precondition(value.isFinite && (0...6).contains(decimals), "fixed(_:decimals:) needs a finite value and 0...6 decimals")
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let rounded = (value * factor).rounded(.toNearestOrAwayFromZero)
        guard rounded.magnitude < 9e15 else { return String(value) }
        return scaled(Int(rounded), by: Int(factor), decimals: decimals)
    }

    /// `value` as `fixed(_:decimals:)` writes it, with a comma every three digits of the whole part: `2,890.0`.
    public static func groupedFixed(_ value: Double, decimals: Int) -> String {
        let text = fixed(value, decimals: decimals)
        let negative = text.hasPrefix("-")
        let digits = negative ? text.dropFirst() : Substring(text)
        let point = digits.firstIndex(of: ".") ?? digits.endIndex
        guard let whole = Int(digits[..<point]) else { return text }
        return (negative ? "-" : "") + grouped(whole) + digits[point...]
    }
}
