import PMetaPlan

// The value types every command shares: text, whole numbers, numbers, seeds and named choices. Each builder
// states what the value must be once, and the error names the option and quotes what was given.

extension Option where Value == String {
    /// An option whose value is taken as written: a path, a name.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - shortName: A letter written `-s`, or nil.
    ///   - valueName: The placeholder shown as `<valueName>`.
    ///   - help: One sentence for the help text.
    ///   - valueExample: A sample value for the error when the value is missing.
    static func text(_ longName: String, shortName: Character? = nil, valueName: String, help: String,
                     valueExample: String? = nil) -> Option {
        Option(spec: OptionSpec(longName, shortName: shortName, valueName: valueName, help: help, valueExample: valueExample),
               parse: { text throws(OptionValueError) in text }, describe: { $0 })
    }
}

extension Option where Value == Int {
    /// A whole number in `range`.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - shortName: A letter written `-s`, or nil.
    ///   - valueName: The placeholder shown as `<valueName>`.
    ///   - help: One sentence for the help text.
    ///   - range: The values accepted.
    static func integer(_ longName: String, shortName: Character? = nil, valueName: String = "n", help: String,
                        in range: ClosedRange<Int>) -> Option {
        Option(spec: OptionSpec(longName, shortName: shortName, valueName: valueName, help: help),
               parse: { text throws(OptionValueError) in
                   guard let value = Int(text), range.contains(value) else {
                       throw OptionValueError(message: "--\(longName) expects a whole number from \(DecimalFormatting.grouped(range.lowerBound)) to "
                           + "\(DecimalFormatting.grouped(range.upperBound)), found '\(text)'")
                   }
                   return value
               }, describe: { String($0) })
    }
}

extension Option where Value == UInt64 {
    /// A random seed, a whole number from 0 to 2^64 - 1.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - help: One sentence for the help text.
    static func seed(_ longName: String = "seed", help: String) -> Option {
        Option(spec: OptionSpec(longName, valueName: "n", help: help),
               parse: { text throws(OptionValueError) in
                   guard let value = UInt64(text) else {
                       throw OptionValueError(message: "--\(longName) expects a whole number from 0 to 2^64 - 1, found '\(text)'")
                   }
                   return value
               }, describe: { String($0) })
    }
}

extension Option where Value == Double {
    /// A finite number in `range`.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - valueName: The placeholder shown as `<valueName>`.
    ///   - help: One sentence for the help text.
    ///   - range: The values accepted.
    static func number(_ longName: String, valueName: String = "x", help: String, in range: ClosedRange<Double>) -> Option {
        Option(spec: OptionSpec(longName, valueName: valueName, help: help),
               parse: { text throws(OptionValueError) in
                   guard let value = Double(text), value.isFinite, range.contains(value) else {
                       throw OptionValueError(message: "--\(longName) expects a number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
                   }
                   return value
               }, describe: { String($0) })
    }
}

extension Option {
    /// One of a fixed set of named values; the parser refuses any other name, with a "did you mean".
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - shortName: A letter written `-s`, or nil.
    ///   - valueName: The placeholder shown as `<valueName>`.
    ///   - help: One sentence for the help text.
    ///   - choices: Each accepted name with its value, in the order help lists them.
    static func choice(_ longName: String, shortName: Character? = nil, valueName: String = "name", help: String,
                       choices: [(name: String, value: Value)]) -> Option where Value: Equatable {
        let names = choices.map(\.name)
        return Option(spec: OptionSpec(longName, shortName: shortName, valueName: valueName, help: help, allowedValues: names),
                      parse: { text throws(OptionValueError) in
                          guard let value = choices.first(where: { $0.name == text })?.value else {
                              throw OptionValueError(message: "--\(longName) expects one of \(names.joined(separator: ", ")), found '\(text)'")
                          }
                          return value
                      },
                      describe: { value in choices.first { $0.value == value }?.name ?? "" })
    }

    /// One of an enumeration's cases, by raw value.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - shortName: A letter written `-s`, or nil.
    ///   - valueName: The placeholder shown as `<valueName>`.
    ///   - help: One sentence for the help text.
    static func choice(_ longName: String, shortName: Character? = nil, valueName: String = "name",
                       help: String) -> Option where Value: RawRepresentable & CaseIterable & Equatable, Value.RawValue == String {
        choice(longName, shortName: shortName, valueName: valueName, help: help, choices: Value.allCases.map { ($0.rawValue, $0) })
    }
}
