extension JSONValue {
    /// A number holding the exact decimal text of `value`: `.integer(-3)` is `.number("-3")`.
    public static func integer(_ value: Int) -> JSONValue {
        .number(String(value))
    }

    /// A number holding the shortest text that reads back as exactly `value`.
    ///
    /// Magnitudes from 1e-4 up to 2^53 are written without an exponent (`0.25`, `2.0`, `1000000.0`),
    /// others with a plain one (`1e-5`, `1e16`, `5e-324`); an integral value keeps its `.0`, so
    /// `integerValue` of the result is nil.
    /// NaN and infinities have no JSON form; they are written as `null` (as JavaScript's `JSON.stringify`
    /// does), so a non-finite figure reaching a JSON report can never stop the tool. Readers refuse `null`
    /// where they expect a number.
    /// - Parameter value: The number.
    public static func double(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        // Swift's description is already the shortest round-tripping form; only its exponent
        // spelling (`1e-05`, `1e+16`) is tidied.
        let text = value.description
        guard let exponentStart = text.firstIndex(of: "e") else { return .number(text) }
        let significand = text[..<exponentStart]
        var exponent = text[text.index(after: exponentStart)...]
        var sign = ""
        if exponent.first == "-" { sign = "-" }
        if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
        let digits = exponent.drop { $0 == "0" }
        return .number("\(significand)e\(sign)\(digits.isEmpty ? "0" : digits)")
    }
}
