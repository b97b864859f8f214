import Foundation

extension Energy {
    /// Reads an energy as a user writes it on the command line: `5e-7`, `0.5uJ`, `120 nJ`, `2mJ`.
    ///
    /// A non-negative decimal or scientific number, optional spaces, then an optional unit: J, mJ, uJ (or
    /// µJ), nJ, pJ. A bare number is in joules.
    /// - Parameter text: The energy; spaces around it are ignored.
    /// - Throws: `EnergySyntaxError` saying what is wrong.
    public init(parsing text: String) throws(EnergySyntaxError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw EnergySyntaxError(text: text, problem: "the energy is empty") }
        let units: [(String, Double)] = [("pJ", 1e-12), ("nJ", 1e-9), ("uJ", 1e-6), ("µJ", 1e-6), ("mJ", 1e-3), ("J", 1)]
        var number = Substring(trimmed)
        var scale = 1.0
        if let (unit, unitScale) = units.first(where: { trimmed.hasSuffix($0.0) }) {
            number = number.dropLast(unit.count)
            scale = unitScale
        }
        while number.last == " " { number = number.dropLast() }
        guard number.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let value = Double(number) else {
            throw EnergySyntaxError(text: text, problem: "expected a number of joules, optionally with a unit J, mJ, uJ, nJ or pJ")
        }
        guard value.isFinite, value >= 0 else { throw EnergySyntaxError(text: text, problem: "an energy must be finite and not negative") }
        self.init(joules: value * scale)
    }
}
