import Foundation
import PMetaPlan

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
    /// An input file cannot be read (or an output cannot be written).
    case unreadableInput = 66
    /// Writing standard output, standard error or `$GITHUB_STEP_SUMMARY` failed (a full disk, a closed file).
    case ioError = 74
}

/// What a running command may use besides its arguments: the environment and a live progress channel.
public struct CommandContext: Sendable {
    /// The process environment.
    public var environment: [String: String]
    /// Writes a progress message at once (not at the end, as `CommandResult.output` is): a whole line, or on a
    /// terminal a line that starts with a carriage return to overwrite the previous one.
    public var progress: @Sendable (String) -> Void
    /// Whether standard output is a terminal (`isatty(1)`), so progress may redraw one line with an ETA.
    public var isTerminal: Bool

    /// Creates a context; by default progress goes nowhere.
    public init(environment: [String: String] = [:], progress: @escaping @Sendable (String) -> Void = { _ in }, isTerminal: Bool = false) {
        self.environment = environment
        self.progress = progress
        self.isTerminal = isTerminal
    }
}

/// The `pmeta-plan` tool: parses arguments, runs a command, formats errors.
public enum PMetaPlanCommand {
    /// A subcommand: its spec and what runs it.
    struct Subcommand: Sendable {
        var spec: CommandSpec
        var run: @Sendable (ParsedArguments, CommandContext) throws(CommandFailure) -> CommandResult
    }

    static let subcommands: [Subcommand] = [
        Subcommand(spec: PlanCommand.spec) { parsed, _ throws(CommandFailure) in try PlanCommand.run(parsed) },
        Subcommand(spec: AnalyzeCommand.spec) { parsed, _ throws(CommandFailure) in try AnalyzeCommand.run(parsed) },
        Subcommand(spec: CompareCommand.spec) { parsed, _ throws(CommandFailure) in try CompareCommand.run(parsed) },
        Subcommand(spec: ReproduceCommand.spec) { parsed, _ throws(CommandFailure) in try ReproduceCommand.run(parsed) },
        Subcommand(spec: ReportCommand.spec) { parsed, _ throws(CommandFailure) in try ReportCommand.run(parsed) },
        Subcommand(spec: BenchCommand.spec) { parsed, _ throws(CommandFailure) in try BenchCommand.run(parsed) },
        Subcommand(spec: FederatedCommand.spec) { parsed, _ throws(CommandFailure) in try FederatedCommand.run(parsed) },
        Subcommand(spec: CheckCommand.spec) { parsed, context throws(CommandFailure) in try CheckCommand.run(parsed, environment: context.environment) },
        Subcommand(spec: MetaTrainCommand.spec) { parsed, context throws(CommandFailure) in try MetaTrainCommand.run(parsed, context: context) },
        Subcommand(spec: ValidateCommand.spec) { parsed, _ throws(CommandFailure) in try ValidateCommand.run(parsed) },
        Subcommand(spec: BenchTrainerCommand.spec) { parsed, context throws(CommandFailure) in try BenchTrainerCommand.run(parsed, context: context) },
        Subcommand(spec: SimulateDynamicCommand.spec) { parsed, _ throws(CommandFailure) in try SimulateDynamicCommand.run(parsed) },
        Subcommand(spec: SimulateFederatedCommand.spec) { parsed, _ throws(CommandFailure) in try SimulateFederatedCommand.run(parsed) },
        Subcommand(spec: ConvertCommand.spec) { parsed, _ throws(CommandFailure) in try ConvertCommand.run(parsed) },
        Subcommand(spec: ExportCommand.spec) { parsed, _ throws(CommandFailure) in try ExportCommand.run(parsed) },
        Subcommand(spec: BenchImportCommand.spec) { parsed, _ throws(CommandFailure) in try BenchImportCommand.run(parsed) },
    ]

    /// The tool's version, printed by `--version` and `pmeta-plan version`.
    public static let version = "0.15.0"

    /// The default subcommand, run when the first argument names no subcommand.
    static let defaultSubcommand = "plan"

    static let rootSpec = CommandSpec(
        name: "pmeta-plan",
        abstract: "Plan memory-efficient on-device adaptation (p-Meta, KDD 2022): which layers and channels to update so one step fits a budget.",
        discussion: "Without a subcommand, pmeta-plan plans: 'pmeta-plan --budget 1.2MB architectures/4conv.json' is "
            + "'pmeta-plan plan --budget 1.2MB architectures/4conv.json'.\n"
            + "Exit codes: 0 success (or fits), 1 over budget, 64 usage error, 65 bad input data, 66 input cannot be read "
            + "(or output cannot be written), 74 writing standard output, standard error or $GITHUB_STEP_SUMMARY failed.\n"
            + "'pmeta-plan --version' (or 'pmeta-plan version') prints the version.",
        subcommands: subcommands.map(\.spec))

    /// Runs the tool with `arguments` (without the program name).
    /// - Parameters:
    ///   - arguments: The command line after the program name.
    ///   - environment: The process environment (read for `GITHUB_STEP_SUMMARY`).
    ///   - progress: Where long commands (meta-train, bench-trainer) report progress as they go.
    ///   - isTerminal: Whether standard output is a terminal.
    /// - Returns: stdout, stderr and the exit code; never traps on bad input.
    public static func run(arguments: [String], environment: [String: String] = [:],
                           progress: @escaping @Sendable (String) -> Void = { _ in }, isTerminal: Bool = false) -> CommandResult {
        var arguments = arguments
        let names = Set(subcommands.map(\.spec.name))
        if arguments == ["--version"] || arguments == ["version"] {
            return CommandResult(output: "pmeta-plan \(version)\n")
        }
        if let first = arguments.first, !names.contains(first), !["--help", "-h", "help"].contains(first) {
            // A word that is no file and nearly a subcommand's name is a misspelled subcommand, not a file name.
            if !first.hasPrefix("-"), !first.contains("/"), !first.contains("."), !FileManager.default.fileExists(atPath: first),
               let match = closestMatch(to: first, among: names.sorted() + ["version", "help"]) {
                return failure(.usage("unknown subcommand '\(first)'; did you mean '\(match)'?", commandPath: ["pmeta-plan"]))
            }
            arguments.insert(defaultSubcommand, at: 0)
        }
        if arguments.first == "help" { arguments = Array(arguments.dropFirst()) + ["--help"] }
        if arguments.isEmpty {
            return CommandResult(output: helpText(for: rootSpec, commandPath: ["pmeta-plan"]))
        }
        let parsed: ParsedArguments
        do {
            parsed = try parse(arguments, as: rootSpec)
        } catch let error as UsageError {
            return failure(.usage(error.message, commandPath: error.commandPath))
        } catch {
            return failure(.usage("\(error)", commandPath: ["pmeta-plan"]))
        }
        if parsed.isHelpRequested {
            return CommandResult(output: helpText(for: parsed.command, commandPath: parsed.commandPath))
        }
        guard let subcommand = subcommands.first(where: { $0.spec.name == parsed.command.name }) else {
            return CommandResult(output: helpText(for: rootSpec, commandPath: ["pmeta-plan"]))
        }
        do {
            var result = try subcommand.run(parsed, CommandContext(environment: environment, progress: progress, isTerminal: isTerminal))
            // A network or layer name from a file may hold control characters (an escape sequence that recolours
            // or clears the terminal); the tool's own output uses only line feeds and tabs.
            result.output = result.output.escapingControlCharacters(except: ["\n", "\t"])
            return result
        } catch {
            var result = failure(error)
            // In a GitHub Actions job, bad input also becomes an annotation on the file (and its line, when known).
            if case .badData(let message) = error, environment["GITHUB_ACTIONS"] == "true" {
                result.errorOutput += GitHubAnnotation.badInput(message.escapingControlCharacters)
            }
            return result
        }
    }

    /// The error block on stderr: `Error: ...` on one line (control characters escaped, whether they came from
    /// a file name, an argument or a file), then the usage line for usage errors.
    static func failure(_ failure: CommandFailure) -> CommandResult {
        var text = "Error: \(failure.message.escapingControlCharacters)\n"
        if case .usage(_, let commandPath) = failure {
            let spec = commandPath.dropFirst().reduce(rootSpec) { spec, name in
                spec.subcommands.first { $0.name == name } ?? spec
            }
            let usage = usageLine(for: spec, commandPath: commandPath)
            text += "Usage: \(usage.hasPrefix("USAGE: ") ? usage.dropFirst("USAGE: ".count) : usage[...])\n"
            text += "See 'pmeta-plan \(commandPath.dropFirst().joined(separator: " ")) --help'.\n".replacingOccurrences(of: "  ", with: " ")
        }
        return CommandResult(errorOutput: text, exitCode: failure.exitCode)
    }
}
