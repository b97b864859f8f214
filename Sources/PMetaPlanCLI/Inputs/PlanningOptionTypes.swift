import PMetaPlan

/// A size as the user wrote it (`--budget 0.3MiB`) and the whole bytes it stands for.
struct SizeArgument: Sendable {
    /// The text as given, for output that quotes the budget.
    var text: String
    /// The whole bytes, rounded down.
    var bytes: ByteCount
    /// The note to print when the size was not a whole number of bytes.
    var roundingNote: String?
}

extension Option where Value == SizeArgument {
    /// A size such as `256KB`, `1.5MB` or `0.3MiB` (a fraction of a byte rounds down and the note says so).
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - shortName: A letter written `-s`, or nil.
    ///   - help: One sentence for the help text.
    static func size(_ longName: String, shortName: Character? = nil, help: String) -> Option {
        Option(spec: OptionSpec(longName, shortName: shortName, valueName: "size", help: help, valueExample: "256KB"),
               parse: { text throws(OptionValueError) in
                   do {
                       let (bytes, exact) = try ByteCount.parsingRoundingDown(text)
                       return SizeArgument(text: text, bytes: bytes, roundingNote: exact.map {
                           "Note: --\(longName) \(text.escapingControlCharacters) is \($0) B; a budget holds whole bytes, so it is \(DecimalFormatting.grouped(bytes.bytes)) B.\n"
                       })
                   } catch {
                       throw OptionValueError(message: "--\(longName): \(error)")
                   }
               }, describe: \.text)
    }
}

extension Option where Value == [ChannelRatio] {
    /// A list of input-channel ratios such as `1/4,1/2,1`; a 0 in it (tiny-training's set `0,1/8,1/4,1/2,1`) is the
    /// frozen-weights option every search has, so it adds nothing.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - help: One sentence for the help text.
    static func channelRatios(_ longName: String, help: String) -> Option {
        Option(spec: OptionSpec(longName, valueName: "list", help: help),
               parse: { text throws(OptionValueError) in
                   var ratios: [ChannelRatio] = []
                   for part in text.split(separator: ",") {
                       guard let ratio = ChannelRatio(parsing: String(part)) else {
                           throw OptionValueError(message: "--\(longName): '\(part)' is not a fraction in [0, 1] such as 1/4 or 0.5")
                       }
                       if ratio > .none && !ratios.contains(ratio) { ratios.append(ratio) }
                   }
                   guard !ratios.isEmpty else { throw OptionValueError(message: "--\(longName) needs at least one fraction above 0, e.g. 1/2,1") }
                   return ratios
               }, describe: { $0.map(\.description).joined(separator: ",") })
    }
}

extension Option where Value == ChannelRatio {
    /// A clip ratio of meta attention, in [0, 1), as a fraction or a decimal.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - help: One sentence for the help text.
    static func clipRatio(_ longName: String, help: String) -> Option {
        Option(spec: OptionSpec(longName, valueName: "rho", help: help),
               parse: { text throws(OptionValueError) in
                   guard let ratio = ChannelRatio(parsing: text), ratio < .all else {
                       throw OptionValueError(message: "--\(longName): '\(text)' is not a clip ratio in [0, 1) such as 0.3 or 3/10")
                   }
                   return ratio
               }, describe: \.description)
    }
}
