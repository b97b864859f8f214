import PMetaPlan
/// A command of the tool, declared as data: what it takes and how its help reads.
public struct CommandSpec: Hashable, Sendable {
    /// The word that selects the command: `analyze`; the root command's is the tool's name.
    public var name: String
    /// One sentence for `OVERVIEW:` and the parent's `SUBCOMMANDS:` list.
    public var abstract: String
    /// Paragraphs printed after the overview; line breaks are kept and long lines wrapped.
    public var discussion: String
    /// The positional arguments in order: required ones, then optional ones, the last possibly repeating.
    public var arguments: [ArgumentSpec]
    /// The options and flags, in the order help lists them; `--help` and `-h` are added by the parser.
    public var options: [OptionSpec]
    /// The commands below this one; a command with subcommands takes no positional arguments.
    public var subcommands: [CommandSpec]

    /// Creates a command.
    /// - Parameters:
    ///   - name: The word that selects the command.
    ///   - abstract: One sentence for the overview.
    ///   - discussion: Paragraphs printed after the overview.
    ///   - arguments: The positional arguments in order.
    ///   - options: The options and flags.
    ///   - subcommands: The commands below this one.
    public init(name: String, abstract: String, discussion: String = "", arguments: [ArgumentSpec] = [],
                options: [OptionSpec] = [], subcommands: [CommandSpec] = []) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
        self.subcommands = subcommands
    }
}
