/// A percentage that could not be read, with what was wrong and how to write one.
public struct PercentageSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The percentage as the user wrote it.
    public var text: String
    /// What was wrong: `a percentage cannot be negative`.
    public var problem: String

    /// Creates an error for `text`.
    public init(text: String, problem: String) {
        self.text = text
        self.problem = problem
    }

    /// The forms `Percentage(parsing:)` accepts, as every error message ends.
    public static let acceptedForms = "Write a non-negative number with an optional '%', as in 5%, 2.5% or 5."

    /// `invalid percentage '-5%': a percentage cannot be negative. Write a non-negative number ...`
    /// Control characters in the text are escaped (`\n`, `\u0000`) so that the message stays on one line.
    public var description: String {
        "invalid percentage '\(text.escapingControlCharacters)': \(problem.escapingControlCharacters). \(Self.acceptedForms)"
    }
}
