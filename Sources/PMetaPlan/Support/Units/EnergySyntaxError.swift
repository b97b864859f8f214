/// An energy such as `--energy-per-byte` that could not be read.
public struct EnergySyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The energy as the user wrote it.
    public var text: String
    /// What was wrong.
    public var problem: String

    /// `invalid energy '5 kWh': expected a number of joules, ...`.
    public var description: String { "invalid energy '\(text)': \(problem) (e.g. 5e-7, 0.5uJ or 120nJ)" }
}
