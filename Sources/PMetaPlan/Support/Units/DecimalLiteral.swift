/// A non-negative decimal number as written (`1.5`, `0.0005`, `256`), kept digit by digit so that
/// scaling it by a unit is exact: no `Double`, no rounding, no overflow short of the final result.
struct DecimalLiteral: Equatable {
    /// Every digit (0 to 9), integer part then fraction, most significant first.
    var digits: [UInt8]
    /// How many of `digits` come after the decimal point.
    var fractionDigitCount: Int

    /// What reading a literal at the start of some text found.
    enum Reading: Equatable {
        /// A literal, then the text after it.
        case literal(DecimalLiteral, rest: Substring)
        /// The text does not start with a digit.
        case noDigits
        /// A decimal point with no digit after it (`1.MB`).
        case missingFractionDigits
    }

    /// Reads `[0-9]+ ('.' [0-9]+)?` at the start of `text`.
    /// - Complexity: O(length of the literal).
    static func read(from text: Substring) -> Reading {
        var digits: [UInt8] = []
        var rest = text[...]
        func takeDigits() {
            while let character = rest.first, let value = character.asciiDigitValue {
                digits.append(value)
                rest = rest.dropFirst()
            }
        }
        takeDigits()
        guard !digits.isEmpty else { return .noDigits }
        let integerDigitCount = digits.count
        if rest.first == "." {
            rest = rest.dropFirst()
            takeDigits()
            guard digits.count > integerDigitCount else { return .missingFractionDigits }
        }
        return .literal(DecimalLiteral(digits: digits, fractionDigitCount: digits.count - integerDigitCount), rest: rest)
    }

    /// The literal times an integer, when that is a whole number.
    enum Product: Equatable {
        /// The exact whole result.
        case whole(Int)
        /// The result has a fraction; `exactText` spells it out (`1000.5`).
        case fractional(exactText: String)
        /// The result is whole but larger than `Int.max`.
        case tooLarge
    }

    /// The exact product of the literal and `multiplier`.
    /// - Parameter multiplier: A positive factor no larger than `Int.max / 10`, such as 10^6 or 2^30.
    /// - Complexity: O(number of digits).
    func multiplied(by multiplier: Int) -> Product {
        precondition(multiplier > 0 && multiplier <= Int.max / 10, "DecimalLiteral.multiplied needs 0 < multiplier <= Int.max / 10")
        // Schoolbook multiplication into base-10 digits, least significant first.
        var product: [UInt8] = []
        product.reserveCapacity(digits.count + 20)
        var carry = 0
        for digit in digits.reversed() {
            let partial = Int(digit) * multiplier + carry
            product.append(UInt8(partial % 10))
            carry = partial / 10
        }
        while carry > 0 {
            product.append(UInt8(carry % 10))
            carry /= 10
        }
        let fraction = product[..<fractionDigitCount]
        let integer = product[fractionDigitCount...].reversed().drop { $0 == 0 }
        let integerText = integer.isEmpty ? "0" : String(integer.map { Character(String($0)) })
        if fraction.contains(where: { $0 != 0 }) {
            let fractionText = fraction.drop { $0 == 0 }.reversed().map { Character(String($0)) }
            return .fractional(exactText: integerText + "." + String(fractionText))
        }
        var value = 0
        for digit in integer {
            let (shifted, overflowByShift) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowByDigit) = shifted.addingReportingOverflow(Int(digit))
            if overflowByShift || overflowByDigit { return .tooLarge }
            value = next
        }
        return .whole(value)
    }
}

private extension Character {
    /// The value of an ASCII digit, nil for anything else (including other scripts' digits).
    var asciiDigitValue: UInt8? {
        guard let ascii = asciiValue, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(ascii) else { return nil }
        return ascii - UInt8(ascii: "0")
    }
}
