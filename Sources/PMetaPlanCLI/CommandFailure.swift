import PMetaPlan

/// A failure that ends a command, with the exit code it maps to.
enum CommandFailure: Error {
    /// The command line is wrong (exit 64); printed with the command's usage line.
    case usage(String, commandPath: [String])
    /// An input file's data is wrong (exit 65).
    case badData(String)
    /// An input file cannot be read, or an output file cannot be written (exit 66).
    case unreadable(String)
    /// Writing a stream the tool does not choose (standard output or error, `$GITHUB_STEP_SUMMARY`) failed (exit 74).
    case inputOutput(String)

    /// The exit code.
    var exitCode: ExitCode {
        switch self {
        case .usage: .usage
        case .badData: .badData
        case .unreadable: .unreadableInput
        case .inputOutput: .ioError
        }
    }

    /// The one-line message.
    var message: String {
        switch self {
        case .usage(let message, _), .badData(let message), .unreadable(let message), .inputOutput(let message): message
        }
    }
}
