import PMetaPlan
/// A command line that does not match the command's spec; the tool prints it with the usage line.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong, naming the argument: `unknown option '--bugdet'; did you mean '--budget'?`.
    public var message: String
    /// The command being parsed when it went wrong, from the root: `["pmeta-plan", "analyze"]`.
    public var commandPath: [String]

    /// Creates a usage error for the command at `commandPath`.
    public init(message: String, commandPath: [String]) {
        self.message = message
        self.commandPath = commandPath
    }

    /// The message alone.
    public var description: String { message }
}
