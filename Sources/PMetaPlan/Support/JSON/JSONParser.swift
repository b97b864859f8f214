/// A strict RFC 8259 JSON reader for hand-written architecture and plan files.
///
/// Reading is iterative (an explicit stack, never recursion), linear in the input and bounded in depth,
/// so a hostile file can make it throw but never crash. Numbers keep their text as written, object keys
/// keep their file order, and duplicate keys are an error rather than a silent overwrite.
public enum JSONParser {
    /// Reads one JSON value from `text`.
    ///
    /// - Parameters:
    ///   - text: The whole JSON document.
    ///   - maximumDepth: How many arrays and objects may nest; `[[1]]` has depth 2.
    /// - Returns: The value, with numbers as written and object members in file order.
    /// - Throws: `JSONSyntaxError` naming the line, the column and what was expected.
    /// - Complexity: O(n) in the length of `text`.
    public static func parse(_ text: String, maximumDepth: Int = 256) throws -> JSONValue {
        try parse(bytes: Array(text.utf8), maximumDepth: maximumDepth)
    }

    /// Reads one JSON value from UTF-8 bytes, such as the contents of a file.
    ///
    /// A leading UTF-8 byte order mark is skipped, as RFC 8259 section 8.1 allows.
    /// - Parameters:
    ///   - bytes: The whole JSON document, encoded as UTF-8.
    ///   - maximumDepth: How many arrays and objects may nest; `[[1]]` has depth 2.
    /// - Returns: The value, with numbers as written and object members in file order.
    /// - Throws: `JSONSyntaxError` naming the line, the column and what was expected; invalid UTF-8 is
    ///   one such error.
    /// - Complexity: O(n) in the number of bytes.
    public static func parse(bytes: [UInt8], maximumDepth: Int = 256) throws -> JSONValue {
        precondition(maximumDepth >= 0, "JSONParser.parse needs a non-negative maximumDepth")
        var scanner = JSONScanner(bytes: bytes, maximumDepth: maximumDepth)
        return try scanner.readDocument()
    }
}
