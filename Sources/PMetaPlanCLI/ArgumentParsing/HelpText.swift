import PMetaPlan
/// The help a command prints for `--help`, laid out like the Swift Argument Parser's.
///
/// `OVERVIEW:`, the discussion, `USAGE:`, then `ARGUMENTS:`, `OPTIONS:` (ending with `-h, --help`) and
/// `SUBCOMMANDS:` as aligned two-column lists, everything wrapped at 80 columns.
/// - Parameters:
///   - spec: The command to describe.
///   - commandPath: The command names from the root to `spec` itself: `["pmeta-plan", "analyze"]`.
/// - Returns: The help text, ending with a line feed.
public func helpText(for spec: CommandSpec, commandPath: [String]) -> String {
    var sections: [[String]] = []
    if !spec.abstract.isEmpty {
        sections.append(TextWrapping.lines(TextWrapping.proseWords(spec.abstract), firstLinePrefix: "OVERVIEW:", continuationIndent: 10))
    }
    if !spec.discussion.isEmpty {
        sections.append(spec.discussion.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line in
            let indent = line.prefix { $0 == " " }
            return TextWrapping.lines(TextWrapping.proseWords(String(line)), firstLinePrefix: String(indent), continuationIndent: indent.count)
        })
    }
    sections.append([usageLine(for: spec, commandPath: commandPath)])

    let argumentRows = spec.arguments.map { (label: $0.usageLabel, help: TextWrapping.proseWords($0.help)) }
    let optionRows = spec.options.map { (label: $0.helpLabel, help: $0.helpTokens) }
        + [(label: "-h, --help", help: TextWrapping.proseWords("Show help information."))]
    let subcommandRows = spec.subcommands.map { (label: $0.name, help: TextWrapping.proseWords($0.abstract)) }
    let widestLabel = (argumentRows + optionRows + subcommandRows).map(\.label.count).max() ?? 0
    let helpColumn = 2 + min(widestLabel, 24) + 2
    if !argumentRows.isEmpty {
        sections.append(["ARGUMENTS:"] + argumentRows.flatMap { helpRow($0.label, $0.help, helpColumn: helpColumn) })
    }
    sections.append(["OPTIONS:"] + optionRows.flatMap { helpRow($0.label, $0.help, helpColumn: helpColumn) })
    if !subcommandRows.isEmpty {
        let path = commandPath.joined(separator: " ")
        sections.append(["SUBCOMMANDS:"] + subcommandRows.flatMap { helpRow($0.label, $0.help, helpColumn: helpColumn) }
            + ["", "  See '\(path) <subcommand> --help' for detailed help."])
    }
    return sections.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
}

/// The one-line synopsis: `USAGE: pmeta-plan analyze <arch.json> [--format <format>] [--verbose]`,
/// wrapped at 80 columns under the command name.
/// - Parameters:
///   - spec: The command to describe.
///   - commandPath: The command names from the root to `spec` itself.
public func usageLine(for spec: CommandSpec, commandPath: [String]) -> String {
    var tokens = spec.arguments.map { $0.isOptional ? "[\($0.usageLabel)]" : $0.usageLabel }
    tokens += spec.options.filter(\.isRequired).map(\.usageLabel) + spec.options.filter { !$0.isRequired }.map { "[\($0.usageLabel)]" }
    if !spec.subcommands.isEmpty { tokens.append("<subcommand>") }
    let prefix = "USAGE: " + commandPath.joined(separator: " ")
    return TextWrapping.lines(tokens, firstLinePrefix: prefix, continuationIndent: 7).joined(separator: "\n")
}

/// A label and its help, the help starting at `helpColumn` or, for a long label, on the next line.
private func helpRow(_ label: String, _ help: [String], helpColumn: Int) -> [String] {
    let indentedLabel = "  " + label
    if indentedLabel.count + 2 > helpColumn {
        let padding = String(repeating: " ", count: helpColumn)
        return [indentedLabel] + TextWrapping.lines(help, firstLinePrefix: padding, continuationIndent: helpColumn)
    }
    let padded = indentedLabel + String(repeating: " ", count: helpColumn - indentedLabel.count)
    return TextWrapping.lines(help, firstLinePrefix: padded, continuationIndent: helpColumn)
}

private extension ArgumentSpec {
    /// `<arch.json>`, or `<file> ...` for a repeating argument.
    var usageLabel: String { isRepeating ? "<\(name)> ..." : "<\(name)>" }
}

private extension OptionSpec {
    /// `--format <format>`, `--verbose`, or `--include <name> ...` for a repeatable option.
    var usageLabel: String {
        let value = isFlag ? "" : " <\(valueName)>"
        return longSpelling + value + (isRepeatable ? " ..." : "")
    }

    /// The usage label with the short name first: `-f, --format <format>`.
    var helpLabel: String { shortName.map { "-\($0), " + usageLabel } ?? usageLabel }

    /// The words of the help, then `(values: text, json)` and `(default: text)` when they apply,
    /// each note kept whole when lines wrap (a list of values longer than the help column breaks between values).
    var helpTokens: [String] {
        var tokens = TextWrapping.proseWords(help)
        if !allowedValues.isEmpty {
            let note = "(values: \(allowedValues.joined(separator: ", ")))"
            // 52 = the 80 columns less the widest help column, 2 + 24 + 2.
            tokens += note.count > 52 ? TextWrapping.proseWords(note) : [note]
        }
        if let defaultValue { tokens.append("(default: \(defaultValue))") }
        if isRequired { tokens.append(unlessOption.map { "(required unless \($0))" } ?? "(required)") }
        return tokens
    }
}
