import PMetaPlan
/// A named option (`--budget 256KB`) or flag (`--verbose`) of a command.
public struct OptionSpec: Hashable, Sendable {
    /// The long name without dashes: `budget` is written `--budget`.
    public var longName: String
    /// The single-letter name without its dash, if any: `b` is written `-b`.
    public var shortName: Character?
    /// The placeholder for the value in help and usage: `size` is shown as `<size>`.
    public var valueName: String
    /// One sentence for the help text.
    public var help: String
    /// The value used when the option is absent, shown as `(default: 256KB)`; nil for none.
    public var defaultValue: String?
    /// A value shown when the option is given without one: `option '--budget' needs a value, e.g. 256KB`.
    public var valueExample: String?
    /// The only values accepted, shown as `(values: text, json)`; empty accepts any value.
    public var allowedValues: [String]
    /// Whether this is a flag, which takes no value and is either present or absent.
    public var isFlag: Bool
    /// Whether it may be given more than once, each value kept in order.
    public var isRepeatable: Bool
    /// Whether the command needs it (shown without brackets in usage and help); the command itself says what is
    /// missing, since some are required only without another option (`--budget` unless `--sweep`).
    public var isRequired: Bool = false
    /// The option that makes a required option unnecessary, shown as `(required unless --sweep)`.
    public var unlessOption: String?
    /// What a typed option's value must be, checked when the command line is parsed, so that a bad value is refused
    /// even where the command would not read it (`--noise nan` for a task without noise); nil accepts any text.
    public var valueCheck: ValueCheck?

    /// Creates an option that takes a value.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - shortName: A letter written `-s`, or nil.
    ///   - valueName: The placeholder for the value, shown as `<valueName>`.
    ///   - help: One sentence for the help text.
    ///   - defaultValue: The value when absent, shown in help.
    ///   - valueExample: A sample value for the error when the value is missing.
    ///   - allowedValues: The only values accepted; empty accepts any.
    ///   - isRepeatable: Whether it may be given more than once.
    public init(_ longName: String, shortName: Character? = nil, valueName: String, help: String,
                defaultValue: String? = nil, valueExample: String? = nil, allowedValues: [String] = [],
                isRepeatable: Bool = false) {
        self.longName = longName
        self.shortName = shortName
        self.valueName = valueName
        self.help = help
        self.defaultValue = defaultValue
        self.valueExample = valueExample
        self.allowedValues = allowedValues
        self.isFlag = false
        self.isRepeatable = isRepeatable
    }

    /// Creates a flag, an option without a value.
    /// - Parameters:
    ///   - longName: The name without dashes, written `--longName`.
    ///   - shortName: A letter written `-s`, or nil.
    ///   - help: One sentence for the help text.
    public static func flag(_ longName: String, shortName: Character? = nil, help: String) -> OptionSpec {
        var option = OptionSpec(longName, shortName: shortName, valueName: "", help: help)
        option.isFlag = true
        return option
    }

    /// The option marked as required in usage and help.
    /// - Parameter unless: The option (`--sweep`) that makes it unnecessary, if any.
    public func required(unless: String? = nil) -> OptionSpec {
        var option = self
        option.isRequired = true
        option.unlessOption = unless
        return option
    }

    /// How the option is written in full: `--budget`.
    public var longSpelling: String { "--" + longName }
}

/// A check of an option's text: the one-line error naming the option, or nil when the text is a value of its type.
///
/// Every check compares equal, so an option's identity (and `Hashable`) stays its names and help.
public struct ValueCheck: Hashable, Sendable {
    /// The error for a text that is not a value, else nil.
    public var error: @Sendable (String) -> String?

    /// Creates a check.
    public init(_ error: @escaping @Sendable (String) -> String?) {
        self.error = error
    }

    public static func == (lhs: ValueCheck, rhs: ValueCheck) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
