import PMetaPlan

/// A failure that ends a command, with the exit code it maps to.
enum CommandFailure: Error {
    /// The command line is wrong (exit 64); printed with the command's usage line.
    case usage(String, commandPath: [String])
    /// An input file's data is wrong (exit 65).
    case badData(String)
    /// An input file cannot be read (exit 66).
    case unreadable(String)

    /// The exit code.
    var exitCode: ExitCode {
        switch self {
        case .usage: .usage
        case .badData: .badData
        case .unreadable: .unreadableInput
        }
    }

    /// The one-line message.
    var message: String {
        switch self {
        case .usage(let message, _), .badData(let message), .unreadable(let message): message
        }
    }
}
