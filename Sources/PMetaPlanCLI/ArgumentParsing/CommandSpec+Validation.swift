import PMetaPlan
extension CommandSpec {
    /// Stops on a spec that cannot be parsed unambiguously; these are mistakes in the tool, not the input.
    func checkIsWellFormed() {
        var longNames: Set<String> = ["help"]
        var shortNames: Set<Character> = ["h"]
        for option in options {
            precondition(longNames.insert(option.longName).inserted,
                         "command '\(name)' declares '--\(option.longName)' twice (or as --help)")
            if let short = option.shortName {
                precondition(shortNames.insert(short).inserted, "command '\(name)' declares '-\(short)' twice (or as -h)")
            }
            precondition(!option.isFlag || (option.allowedValues.isEmpty && option.defaultValue == nil),
                         "flag '--\(option.longName)' of command '\(name)' cannot have values or a default")
        }
        for (position, argument) in arguments.enumerated() {
            precondition(!argument.isRepeating || position == arguments.count - 1,
                         "only the last argument of command '\(name)' may repeat")
            precondition(argument.isOptional || arguments[..<position].allSatisfy { !$0.isOptional },
                         "required argument <\(argument.name)> of command '\(name)' follows an optional one")
        }
        precondition(subcommands.isEmpty || arguments.isEmpty,
                     "command '\(name)' has both subcommands and positional arguments")
    }
}
