/// The result of running a command: what goes to stdout, what goes to stderr, and the exit code.
public struct CommandResult: Sendable {
    /// Standard output.
    public var output: String
    /// Standard error.
    public var errorOutput: String
    /// The exit code.
    public var exitCode: ExitCode

    /// Creates a result.
    public init(output: String = "", errorOutput: String = "", exitCode: ExitCode = .success) {
        self.output = output
        self.errorOutput = errorOutput
        self.exitCode = exitCode
    }
}

/// The documented exit codes (sysexits.h for the error cases).
public enum ExitCode: Int32, Sendable {
    /// Success, or the plan fits the budget.
    case success = 0
    /// The plan does not fit the budget (or grew beyond the allowed increase).
    case overBudget = 1
    /// The command line is wrong.
    case usage = 64
    /// An input file's data is wrong.
    case badData = 65
    /// An input file cannot be read.
    case unreadableInput = 66
}

/// The `pmeta-plan` tool: parses arguments, runs a command, formats the result.
public enum PMetaPlanCommand {
    /// Runs the tool with `arguments` (without the program name).
    public static func run(arguments: [String], environment: [String: String] = [:]) -> CommandResult {
        CommandResult(output: "pmeta-plan\n")
    }
}
