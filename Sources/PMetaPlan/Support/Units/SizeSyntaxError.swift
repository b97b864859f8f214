/// A size such as a memory budget that could not be read, with what was wrong and how to write one.
public struct SizeSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The size as the user wrote it.
    public var text: String
    /// What was wrong: `a size needs a unit (did you mean 256KB or 256B?)`.
    public var problem: String

    /// Creates an error for `text`.
    public init(text: String, problem: String) {
        self.text = text
        self.problem = problem
    }

    /// The forms `ByteCount(parsing:)` accepts, as every error message ends.
    public static let acceptedForms = "Write a number and a unit, as in 256KB, 1.5 MB or 512KiB"
        + " (B, kB, MB, GB, TB step by 1000; KiB, MiB, GiB, TiB step by 1024)."

    /// `invalid size '256': a size needs a unit (did you mean 256KB or 256B?). Write a number and a unit, ...`
    /// Control characters in the text are escaped (`\n`, `\u0000`) so that the message stays on one line.
    public var description: String {
        "invalid size '\(text.escapingControlCharacters)': \(problem.escapingControlCharacters). \(Self.acceptedForms)"
    }
}
