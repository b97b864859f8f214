import PMetaPlan
/// Matches a command line against a command's spec.
///
/// Accepts `--name value`, `--name=value`, `-n value`, flags, subcommand names, and `--` after which
/// every argument is positional. A value may start with `-` only when it is a number (`--offset -5`).
/// A command's options go between its name and its subcommand's name: `pmeta-plan --version`,
/// `pmeta-plan analyze --verbose`.
/// - Parameters:
///   - arguments: The command line without the program name.
///   - spec: The root command.
/// - Returns: The values by name, or a result with `isHelpRequested` set when `--help` or `-h` came
///   before any error.
/// - Throws: `UsageError` naming the offending argument, with a suggestion for a likely typo.
/// - Complexity: O(n) in the number of arguments, times the options of the command for a lookup.
public func parse(_ arguments: [String], as spec: CommandSpec) throws -> ParsedArguments {
    spec.checkIsWellFormed()
    var parsed = ParsedArguments(command: spec, commandPath: [spec.name], isHelpRequested: false, positionals: [],
                                 knownOptions: spec.options, givenValues: [:], givenFlags: [],
                                 positionalValuesByName: [:])
    func failure(_ message: String) -> UsageError { UsageError(message: message, commandPath: parsed.commandPath) }

    var index = 0
    var isAfterTerminator = false
    while index < arguments.count {
        let argument = arguments[index]
        index += 1
        if isAfterTerminator || !looksLikeOption(argument) {
            if !isAfterTerminator && !parsed.command.subcommands.isEmpty {
                let names = parsed.command.subcommands.map(\.name)
                guard let subcommand = parsed.command.subcommands.first(where: { $0.name == argument }) else {
                    let hint = closestMatch(to: argument, among: names).map { "did you mean '\($0)'?" }
                        ?? "the subcommands are \(names.joined(separator: ", "))"
                    throw failure("unknown subcommand '\(argument)'; \(hint)")
                }
                subcommand.checkIsWellFormed()
                parsed.command = subcommand
                parsed.commandPath.append(subcommand.name)
                parsed.knownOptions += subcommand.options
                continue
            }
            parsed.positionals.append(argument)
            continue
        }
        if argument == "--" {
            isAfterTerminator = true
            continue
        }
        if argument == "--help" || argument == "-h" {
            parsed.isHelpRequested = true
            return parsed
        }

        let spelling: String
        var inlineValue: String?
        if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
            spelling = String(argument[..<equals])
            inlineValue = String(argument[argument.index(after: equals)...])
        } else {
            spelling = argument
        }
        guard let option = parsed.command.options.first(where: { $0.matches(spelling) }) else {
            let candidates = parsed.command.options.map(\.longSpelling) + ["--help"]
            let hint = closestMatch(to: spelling, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
            throw failure("unknown option '\(spelling)'\(hint)")
        }

        if option.isFlag {
            if inlineValue != nil { throw failure("flag '\(spelling)' does not take a value") }
            if parsed.givenFlags.contains(option.longName) && !option.isRepeatable {
                throw failure("flag '\(spelling)' was given more than once")
            }
            parsed.givenFlags.insert(option.longName)
            continue
        }
        let value: String
        if let inlineValue {
            value = inlineValue
        } else if index < arguments.count && !looksLikeOption(arguments[index]) {
            value = arguments[index]
            index += 1
        } else {
            throw failure("option '\(spelling)' needs a value\(option.missingValueHint)")
        }
        if !option.allowedValues.isEmpty && !option.allowedValues.contains(value) {
            let hint = closestMatch(to: value, among: option.allowedValues).map { "; did you mean '\($0)'?" } ?? ""
            throw failure("invalid value '\(value)' for '\(spelling)'; expected one of"
                + " \(option.allowedValues.joined(separator: ", "))\(hint)")
        }
        if let message = option.valueCheck?.error(value) { throw failure(message) }
        if parsed.givenValues[option.longName] != nil && !option.isRepeatable {
            throw failure("option '\(spelling)' was given more than once")
        }
        parsed.givenValues[option.longName, default: []].append(value)
    }

    if !parsed.command.subcommands.isEmpty {
        throw failure("missing subcommand; the subcommands are"
            + " \(parsed.command.subcommands.map(\.name).joined(separator: ", "))")
    }
    parsed.positionalValuesByName = try assignPositionals(parsed.positionals, to: parsed.command.arguments,
                                                          failure: failure)
    return parsed
}

/// Shares out positional values among the declared arguments in order.
private func assignPositionals(_ values: [String], to arguments: [ArgumentSpec],
                               failure: (String) -> UsageError) throws -> [String: [String]] {
    var assigned: [String: [String]] = [:]
    var remaining = values[...]
    for argument in arguments {
        if argument.isRepeating {
            assigned[argument.name] = Array(remaining)
            remaining = []
        } else if let value = remaining.popFirst() {
            assigned[argument.name] = [value]
        }
        if assigned[argument.name, default: []].isEmpty && !argument.isOptional {
            throw failure("missing argument <\(argument.name)>")
        }
    }
    if let extra = remaining.first {
        throw failure("unexpected argument '\(extra)'")
    }
    return assigned
}

/// Whether an argument is an option name rather than a value: `-x`, `--name`, `--`, but not `-`, `-5` or `-.5`.
private func looksLikeOption(_ argument: String) -> Bool {
    guard argument.hasPrefix("-"), argument.count > 1 else { return false }
    let second = argument[argument.index(after: argument.startIndex)]
    return !(second.isASCII && (second.isNumber || second == "."))
}

private extension OptionSpec {
    /// Whether the user wrote this option: `--budget` or `-b`.
    func matches(_ spelling: String) -> Bool {
        spelling == longSpelling || shortName.map { spelling == "-\($0)" } == true
    }

    /// The end of the missing-value message: `, e.g. 256KB`, `, one of text, json`, or ` <path>`.
    var missingValueHint: String {
        if let valueExample { return ", e.g. \(valueExample)" }
        if !allowedValues.isEmpty { return ", one of \(allowedValues.joined(separator: ", "))" }
        return " <\(valueName)>"
    }
}
