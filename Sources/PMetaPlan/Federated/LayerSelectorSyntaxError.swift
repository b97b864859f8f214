/// A `--local` list that could not be read.
public struct LayerSelectorSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The list as the user wrote it.
    public var text: String
    /// What was wrong.
    public var problem: String

    /// `invalid layer list 'a,,b': an empty entry; ...`.
    public var description: String { "invalid layer list '\(text)': \(problem)" }
}
