import PMetaPlan
/// What a command line said, looked up by the declarations its `CommandSpec` lists.
///
/// Options are read through their typed declarations (TypedOption.swift); reading one the command does not
/// declare is a mistake in the tool and stops it, so it cannot pass silently as "option absent".
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

    /// The texts given for a declared option, in order; `[""]` for a flag that was given.
    ///
    /// The typed look-ups (`value(_:)`, `values(_:)`, `isSet(_:)` in TypedOption.swift) read through this, so an
    /// option is named by its declaration, never by a string.
    func givenTexts(_ option: OptionSpec) -> [String] {
        let declared = declaredOption(option.longName)
        if declared.isFlag { return givenFlags.contains(option.longName) ? [""] : [] }
        return givenValues[option.longName] ?? []
    }

    /// The last text given for a declared option, or nil.
    func givenText(_ option: OptionSpec) -> String? {
        givenTexts(option).last
    }

    /// The value given for a positional argument, nil when an optional one was left out.
    /// - Parameter argument: The argument as the command declares it.
    public func positional(_ argument: ArgumentSpec) -> String? {
        positionalValues(argument).first
    }

    /// Every value a repeating positional argument took, in order.
    /// - Parameter argument: The argument as the command declares it.
    public func positionalValues(_ argument: ArgumentSpec) -> [String] {
        precondition(command.arguments.contains { $0.name == argument.name },
                     "command '\(command.name)' declares no argument <\(argument.name)>")
        return positionalValuesByName[argument.name] ?? []
    }

    private func declaredOption(_ name: String) -> OptionSpec {
        guard let option = knownOptions.first(where: { $0.longName == name }) else {
            preconditionFailure("command '\(command.name)' declares no option '--\(name)'")
        }
        return option
    }
}
