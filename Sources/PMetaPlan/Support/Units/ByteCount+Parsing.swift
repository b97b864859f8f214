extension ByteCount {
    /// Reads a size as a user writes it on the command line or in a file: `256KB`, `1.5 MB`, `512KiB`.
    ///
    /// A non-negative decimal number, optional spaces, then a unit. The letter before `B` may be in either
    /// case (`kB`, `KB`, `GB`, `gB`), except `m`, which is milli (`1.2mB` is refused with a hint for `1.2MB`); a
    /// lowercase `b` means bits and is refused. Decimal units step by 1000 (kB, MB, GB, TB), binary units by 1024
    /// (KiB, MiB, GiB, TiB). Fractions are computed exactly: `1.5MB` is 1,500,000 B, `0.5KiB` is 512 B, and
    /// `1.0005kB` (1000.5 B) rounds down to 1,000 B (`parsingRoundingDown(_:)` says when it did).
    /// - Parameter text: The size; spaces around it are ignored.
    /// - Throws: `SizeSyntaxError` saying what is wrong and showing the accepted forms.
    /// - Complexity: O(n) in the length of `text`.
    public init(parsing text: String) throws {
        self = try Self.parsingRoundingDown(text).bytes
    }

    /// Reads a size as `init(parsing:)` does and says when it rounded: `0.3MiB` is 314,572.8 B, so the result is
    /// 314,572 B with `exactBytes` "314572.8".
    /// - Parameter text: The size.
    /// - Returns: The whole bytes, rounded down, and the exact decimal when that was not whole (nil otherwise).
    /// - Throws: `SizeSyntaxError` saying what is wrong and showing the accepted forms.
    public static func parsingRoundingDown(_ text: String) throws -> (bytes: ByteCount, exactBytes: String?) {
        func failure(_ problem: String) -> SizeSyntaxError { SizeSyntaxError(text: text, problem: problem) }

        var written = Substring(text).drop { $0 == " " || $0 == "\t" }
        while written.last == " " || written.last == "\t" { written = written.dropLast() }
        if written.isEmpty { throw failure("the size is empty") }
        if written.first == "-" { throw failure("a size cannot be negative") }

        let literal: DecimalLiteral
        let rest: Substring
        switch DecimalLiteral.read(from: written) {
        case .literal(let value, let after):
            literal = value
            rest = after
        case .noDigits:
            if written.first == "." { throw failure("write a digit before the decimal point, as in 0\(written)") }
            throw failure("a size starts with a number")
        case .missingFractionDigits:
            throw failure("expected a digit after the decimal point")
        }
        let number = written[..<rest.startIndex]
        if let separator = rest.first, separator == "," || separator == "_" || separator == "'" {
            throw failure("digit separators such as '\(separator)' are not accepted; write the digits together")
        }
        let unit = rest.drop { $0 == " " }
        guard !unit.isEmpty else {
            let suggestions = literal.fractionDigitCount == 0 ? "\(number)KB or \(number)B" : "\(number)KB or \(number)MB"
            throw failure("a size needs a unit (did you mean \(suggestions)?)")
        }
        let multiplier = try Self.multiplier(of: String(unit), number: number, failure: failure)

        switch literal.multiplied(by: multiplier) {
        case .whole(let bytes):
            return (ByteCount(bytes), nil)
        case .fractional(let exactText):
            // A budget cannot hold part of a byte: the whole bytes below it are what it holds.
            guard let whole = Int(exactText.prefix { $0 != "." }) else { throw failure("the size is too large; the most is \(DecimalFormatting.grouped(Int.max)) B") }
            return (ByteCount(whole), exactText)
        case .tooLarge:
            throw failure("the size is too large; the most is \(DecimalFormatting.grouped(Int.max)) B")
        }
    }

    /// How many bytes one `unit` holds, or why `unit` is not a unit of bytes.
    private static func multiplier(of unit: String, number: Substring,
                                   failure: (String) -> SizeSyntaxError) throws -> Int {
        if unit.first == "m", let corrected = Optional("M" + unit.dropFirst()), knownUnitMultiplier(corrected) != nil {
            throw failure("'m' is milli (10^-3), not mega; did you mean \(number)\(corrected)?")
        }
        if let multiplier = knownUnitMultiplier(unit) { return multiplier }
        let letters = Array(unit)
        if letters.last == "b", knownUnitMultiplier(String(letters.dropLast()) + "B") != nil {
            let bytesUnit = unit == "b" ? "B" : String(letters.dropLast()) + "B"
            throw failure("'\(unit)' would mean bits; sizes are in bytes (did you mean \(number)\(bytesUnit)?)")
        }
        if let suggestion = suggestedUnit(for: unit) {
            throw failure("unknown unit '\(unit)' (did you mean \(number)\(suggestion)?)")
        }
        throw failure("unknown unit '\(unit)'")
    }

    /// The bytes in `B`, `kB`, `KB`, `MB`, `KiB`, `MiB` and so on; nil for anything else.
    private static func knownUnitMultiplier(_ unit: String) -> Int? {
        let letters = Array(unit)
        guard letters.last == "B" else { return nil }
        let decimal = ["k": 1_000, "m": 1_000_000, "g": 1_000_000_000, "t": 1_000_000_000_000]
        let binary = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40]
        switch letters.count {
        case 1:
            return 1
        case 2:
            return decimal[letters[0].lowercased()]
        case 3 where letters[1] == "i" || letters[1] == "I":
            return binary[letters[0].lowercased()]
        default:
            return nil
        }
    }

    /// The unit someone most likely meant by `KBs`, `kilobytes` or `256k`, when there is one.
    private static func suggestedUnit(for unit: String) -> String? {
        let lowercased = unit.lowercased()
        let words = ["byte": "B", "kilobyte": "kB", "megabyte": "MB", "gigabyte": "GB", "terabyte": "TB",
                     "kibibyte": "KiB", "mebibyte": "MiB", "gibibyte": "GiB", "tebibyte": "TiB"]
        let singular = lowercased.hasSuffix("s") ? String(lowercased.dropLast()) : lowercased
        if let unit = words[singular] { return unit }
        if unit.hasSuffix("s"), knownUnitMultiplier(String(unit.dropLast())) != nil { return String(unit.dropLast()) }
        let prefixes = ["k": "kB", "m": "MB", "g": "GB", "t": "TB", "ki": "KiB", "mi": "MiB", "gi": "GiB", "ti": "TiB"]
        return prefixes[lowercased]
    }
}
