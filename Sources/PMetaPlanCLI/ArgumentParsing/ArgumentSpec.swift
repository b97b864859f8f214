import PMetaPlan
/// A positional argument of a command, such as the architecture file of `analyze`.
public struct ArgumentSpec: Hashable, Sendable {
    /// The name shown in help and usage, without brackets: `arch.json` is shown as `<arch.json>`.
    public var name: String
    /// One sentence for the help text.
    public var help: String
    /// Whether the command runs without it; optional arguments follow the required ones.
    public var isOptional: Bool
    /// Whether it takes every remaining positional value; only the last argument may repeat.
    public var isRepeating: Bool

    /// Creates a positional argument.
    /// - Parameters:
    ///   - name: The name shown as `<name>`.
    ///   - help: One sentence for the help text.
    ///   - isOptional: Whether the command runs without it.
    ///   - isRepeating: Whether it takes every remaining positional value.
    public init(_ name: String, help: String, isOptional: Bool = false, isRepeating: Bool = false) {
        self.name = name
        self.help = help
        self.isOptional = isOptional
        self.isRepeating = isRepeating
    }
}
