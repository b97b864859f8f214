/// A JSON text that does not follow RFC 8259, with the place where reading stopped.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line of the offending character (lines end at `\n`).
    public var line: Int
    /// The 1-based column of the offending character, counted in Unicode scalars (a tab counts as one).
    public var column: Int
    /// What was wrong, phrased for the person who wrote the file: `expected ',' or '}' after an object member`.
    public var message: String

    /// Creates a syntax error at a 1-based line and column.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// The place, then the message: `line 3, column 17: expected ',' or '}' after an object member`.
    public var description: String { "line \(line), column \(column): \(message)" }
}
