import PMetaPlan
/// What a command line said, looked up by the names its `CommandSpec` declares.
///
/// Looking up a name the spec does not declare is a mistake in the tool and stops it, so a typo in a
/// command's code cannot pass silently as "option absent".
public struct ParsedArguments: Sendable {
    /// The command that was selected, after following subcommands.
    public var command: CommandSpec
    /// The command names from the root to `command`: `["pmeta-plan", "analyze"]`.
    public var commandPath: [String]
    /// Whether `--help` or `-h` was given; the caller prints `helpText(for:commandPath:)` and exits with 0,
    /// and nothing else here is filled in.
    public var isHelpRequested: Bool
    /// The positional values in the order given.
    public var positionals: [String]
    /// The options the selected command and its parents declare.
    var knownOptions: [OptionSpec]
    /// The values given, by long name, in order.
    var givenValues: [String: [String]]
    /// The long names of the flags given.
    var givenFlags: Set<String>
    /// The positional values given, by argument name.
    var positionalValuesByName: [String: [String]]

    /// The value of an option: the last one given, else its default, else nil.
    /// - Parameter name: The long name without dashes, as declared.
    public func value(_ name: String) -> String? {
        let option = declaredOption(name)
        return givenValues[name]?.last ?? option.defaultValue
    }

    /// Every value given for a repeatable option in order, else its default alone, else none.
    /// - Parameter name: The long name without dashes, as declared.
    public func values(_ name: String) -> [String] {
        let option = declaredOption(name)
        return givenValues[name] ?? option.defaultValue.map { [$0] } ?? []
    }

    /// Whether a flag was given.
    /// - Parameter name: The long name without dashes, as declared.
    public func flag(_ name: String) -> Bool {
        let option = declaredOption(name)
        precondition(option.isFlag, "'--\(name)' of command '\(command.name)' takes a value, not a flag")
        return givenFlags.contains(name)
    }

    /// The value given for a positional argument, nil when an optional one was left out.
    /// - Parameter name: The argument's name as declared, without brackets.
    public func positional(_ name: String) -> String? {
        positionalValues(name).first
    }

    /// Every value a repeating positional argument took, in order.
    /// - Parameter name: The argument's name as declared, without brackets.
    public func positionalValues(_ name: String) -> [String] {
        precondition(command.arguments.contains { $0.name == name },
                     "command '\(command.name)' declares no argument <\(name)>")
        return positionalValuesByName[name] ?? []
    }

    private func declaredOption(_ name: String) -> OptionSpec {
        guard let option = knownOptions.first(where: { $0.longName == name }) else {
            preconditionFailure("command '\(command.name)' declares no option '--\(name)'")
        }
        return option
    }
}
