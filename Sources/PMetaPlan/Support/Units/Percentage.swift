/// An exact, non-negative percentage such as a safety margin: `5%`, `2.5%`, `0.125%`.
///
/// Stored as a decimal, `significand` x 10^-`decimalPlaces` percent, with no trailing zeros in the
/// fraction, so `2.50%` and `2.5%` are equal and print alike.
public struct Percentage: Hashable, Sendable, CustomStringConvertible {
    /// The digits of the percentage without the point: 25 for `2.5%`.
    public let significand: Int
    /// How many of the significand's digits come after the point: 1 for `2.5%`.
    public let decimalPlaces: Int

    /// A whole percentage: `Percentage(percent: 5)` is `5%`.
    /// - Parameter percent: A non-negative number of percent.
    public init(percent: Int) {
        precondition(percent >= 0, "Percentage(percent:) needs a non-negative value, got \(percent)")
        self.significand = percent
        self.decimalPlaces = 0
    }

    /// Reads `5%`, `2.5%`, `5` or `5 %`; a percentage above 100 is allowed.
    ///
    /// - Parameter text: The percentage; spaces around it are ignored.
    /// - Throws: `PercentageSyntaxError` when `text` is not a non-negative decimal number with an
    ///   optional `%`, or has more significant digits than an `Int` holds.
    /// - Complexity: O(n) in the length of `text`.
    public init(parsing text: String) throws {
        func failure(_ problem: String) -> PercentageSyntaxError { PercentageSyntaxError(text: text, problem: problem) }

        var written = Substring(text).drop { $0 == " " }
        while written.last == " " { written = written.dropLast() }
        if written.isEmpty { throw failure("the percentage is empty") }
        if written.first == "-" { throw failure("a percentage cannot be negative") }
        let literal: DecimalLiteral
        let rest: Substring
        switch DecimalLiteral.read(from: written) {
        case .literal(let value, let after):
            literal = value
            rest = after
        case .noDigits:
            throw failure("a percentage starts with a number")
        case .missingFractionDigits:
            throw failure("expected a digit after the decimal point")
        }
        let suffix = rest.drop { $0 == " " }
        guard suffix.isEmpty || suffix == "%" else {
            throw failure("unexpected '\(suffix)' after the number")
        }
        var digits = literal.digits
        var decimalPlaces = literal.fractionDigitCount
        while decimalPlaces > 0, digits.last == 0 {
            digits.removeLast()
            decimalPlaces -= 1
        }
        var significand = 0
        for digit in digits {
            let (shifted, overflowByShift) = significand.multipliedReportingOverflow(by: 10)
            let (next, overflowByDigit) = shifted.addingReportingOverflow(Int(digit))
            if overflowByShift || overflowByDigit { throw failure("the percentage has too many digits") }
            significand = next
        }
        self.significand = significand
        self.decimalPlaces = significand == 0 ? 0 : decimalPlaces
    }

    /// The percentage as a fraction of one (`5%` is 0.05), for charts and ratios only.
    public var fractionOfOne: Double {
        var value = Double(significand) / 100
        for _ in 0..<decimalPlaces { value /= 10 }
        return value
    }

    /// The exact percentage with its sign: `5%`, `2.5%`, `0.125%`.
    public var description: String {
        var digits = String(significand)
        guard decimalPlaces > 0 else { return digits + "%" }
        if digits.count <= decimalPlaces {
            digits = String(repeating: "0", count: decimalPlaces - digits.count + 1) + digits
        }
        let point = digits.index(digits.endIndex, offsetBy: -decimalPlaces)
        return "\(digits[..<point]).\(digits[point...])%"
    }
}
