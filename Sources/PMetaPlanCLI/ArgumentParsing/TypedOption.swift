import PMetaPlan

/// An option declared once with the type its value parses into, in swift-argument-parser's habit: the command's
/// spec lists `option.spec`, and its code reads `try parsed.value(Self.option)` as that type. A misspelled option is
/// a compile error (it is a static member, not a string), and the default is stated once, as a typed value whose
/// text the help shows.
protocol DeclaredOption: Sendable {
    /// What the parser and the help read.
    var spec: OptionSpec { get }
}

/// Why an option's text is not a value of its type: the whole one-line message, naming the option.
struct OptionValueError: Error, Sendable {
    /// `--samples expects a whole number from 1 to 1,000,000,000, found 'x'`.
    var message: String
}

/// An option that takes a value of type `Value`; absent, it reads as nil.
struct Option<Value: Sendable>: DeclaredOption {
    /// What the parser and the help read.
    var spec: OptionSpec
    /// The value the text stands for, or the error naming the option.
    var parse: @Sendable (String) throws(OptionValueError) -> Value
    /// How a value is written on the command line, for the help's `(default: ...)`.
    var describe: @Sendable (Value) -> String

    /// Declares an option: the parser checks every text given with `parse` (so a bad value is refused even where the
    /// command does not read it), and the command reads the value with `parsed.value(option)`.
    /// - Parameters:
    ///   - spec: What the parser and the help read.
    ///   - parse: The value the text stands for, or the error naming the option.
    ///   - describe: How a value is written on the command line.
    init(spec: OptionSpec, parse: @escaping @Sendable (String) throws(OptionValueError) -> Value,
         describe: @escaping @Sendable (Value) -> String) {
        var spec = spec
        spec.valueCheck = ValueCheck { text in
            do throws(OptionValueError) {
                _ = try parse(text)
                return nil
            } catch {
                return error.message
            }
        }
        self.spec = spec
        self.parse = parse
        self.describe = describe
    }

    /// The same option with a default: absent, it reads as `value`, and the help shows `(default: ...)`.
    func defaulting(to value: Value) -> DefaultedOption<Value> {
        var option = self
        option.spec.defaultValue = describe(value)
        return DefaultedOption(option: option, defaultValue: value)
    }

    /// The same option with another help sentence, for a command that uses it in its own way; it is still the
    /// same declaration, parsed the same way.
    func helped(_ help: String) -> Option {
        var option = self
        option.spec.help = help
        return option
    }

    /// The same option allowed more than once, read as every value in order.
    func repeatable() -> RepeatableOption<Value> {
        var option = self
        option.spec.isRepeatable = true
        return RepeatableOption(option: option)
    }

    /// The same option marked as required in usage and help; the command says what is missing.
    /// - Parameter unless: The options that make it unnecessary, shown as `(required unless ...)`.
    func required(unless: String? = nil) -> Option {
        var option = self
        option.spec = spec.required(unless: unless)
        return option
    }
}

/// An option with a default value, so it always reads as a `Value`.
struct DefaultedOption<Value: Sendable>: DeclaredOption {
    /// The option without its default.
    var option: Option<Value>
    /// The value when the option is absent.
    var defaultValue: Value
    /// What the parser and the help read, with `(default: ...)`.
    var spec: OptionSpec { option.spec }
}

/// An option that may be given more than once, read as every value in order.
struct RepeatableOption<Value: Sendable>: DeclaredOption {
    /// The option given once.
    var option: Option<Value>
    /// What the parser and the help read.
    var spec: OptionSpec { option.spec }
}

/// A flag: present or absent, without a value.
struct Flag: DeclaredOption {
    /// What the parser and the help read.
    var spec: OptionSpec

    /// Creates a flag.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - shortName: A letter written `-s`, or nil.
    ///   - help: One sentence for the help text.
    init(_ longName: String, shortName: Character? = nil, help: String) {
        spec = .flag(longName, shortName: shortName, help: help)
    }
}

extension ParsedArguments {
    /// The value given for `option`, parsed, or nil when it is absent.
    /// - Throws: `CommandFailure.usage` when the text is not a value of the option's type.
    func value<Value>(_ option: Option<Value>) throws(CommandFailure) -> Value? {
        guard let text = givenText(option.spec) else { return nil }
        return try parsed(text, by: option)
    }

    /// The value given for `option`, parsed, or its default.
    /// - Throws: `CommandFailure.usage` when the text is not a value of the option's type.
    func value<Value>(_ option: DefaultedOption<Value>) throws(CommandFailure) -> Value {
        guard let text = givenText(option.spec) else { return option.defaultValue }
        return try parsed(text, by: option.option)
    }

    /// Every value given for `option`, parsed, in order.
    /// - Throws: `CommandFailure.usage` for the first text that is not a value of the option's type.
    func values<Value>(_ option: RepeatableOption<Value>) throws(CommandFailure) -> [Value] {
        var values: [Value] = []
        for text in givenTexts(option.spec) { values.append(try parsed(text, by: option.option)) }
        return values
    }

    /// Whether `flag` was given.
    func isSet(_ flag: Flag) -> Bool {
        isGiven(flag)
    }

    /// Whether the command line names `option` (a default does not count).
    func isGiven(_ option: some DeclaredOption) -> Bool {
        !givenTexts(option.spec).isEmpty
    }

    /// The text the command line gave for `option`, as written (the last one), or nil.
    func text(_ option: some DeclaredOption) -> String? {
        givenText(option.spec)
    }

    private func parsed<Value>(_ text: String, by option: Option<Value>) throws(CommandFailure) -> Value {
        do {
            return try option.parse(text)
        } catch {
            throw .usage(error.message, commandPath: commandPath)
        }
    }
}
