/// A strict RFC 8259 JSON reader for hand-written architecture and plan files.
///
/// Reading is iterative (an explicit stack, never recursion), linear in the input and bounded in depth,
/// so a hostile file can make it throw but never crash. Numbers keep their text as written, object keys
/// keep their file order, and duplicate keys are an error rather than a silent overwrite.
public enum JSONParser {
    /// The most values (scalars, arrays and objects) a document may hold unless the caller says otherwise.
    ///
    /// A parsed value, with the path a decoder makes for it, takes up to about 130 bytes, 65 times the two bytes
    /// of `0,`: a 64 MiB file of zeros took 4.5 GB to read. Four million values keep a document to a few hundred
    /// megabytes and hold twice the 100,000-layer architecture in flat form (about 17 values a layer).
    public static let defaultMaximumValues = 4_000_000

    /// Reads one JSON value from `text`.
    ///
    /// - Parameters:
    ///   - text: The whole JSON document.
    ///   - maximumDepth: How many arrays and objects may nest; `[[1]]` has depth 2.
    ///   - maximumValues: How many values the document may hold in all; `[[1]]` holds 3.
    /// - Returns: The value, with numbers as written and object members in file order.
    /// - Throws: `JSONSyntaxError` naming the line, the column and what was expected.
    /// - Complexity: O(n) in the length of `text`.
    public static func parse(_ text: String, maximumDepth: Int = 256, maximumValues: Int = defaultMaximumValues) throws -> JSONValue {
        try parse(bytes: Array(text.utf8), maximumDepth: maximumDepth, maximumValues: maximumValues)
    }

    /// Reads one JSON value from UTF-8 bytes, such as the contents of a file.
    ///
    /// A leading UTF-8 byte order mark is skipped, as RFC 8259 section 8.1 allows.
    /// - Parameters:
    ///   - bytes: The whole JSON document, encoded as UTF-8.
    ///   - maximumDepth: How many arrays and objects may nest; `[[1]]` has depth 2.
    ///   - maximumValues: How many values the document may hold in all; `[[1]]` holds 3.
    /// - Returns: The value, with numbers as written and object members in file order.
    /// - Throws: `JSONSyntaxError` naming the line, the column and what was expected; invalid UTF-8 is
    ///   one such error.
    /// - Complexity: O(n) in the number of bytes.
    public static func parse(bytes: [UInt8], maximumDepth: Int = 256, maximumValues: Int = defaultMaximumValues) throws -> JSONValue {
        precondition(maximumDepth >= 0 && maximumValues >= 1, "JSONParser.parse needs maximumDepth >= 0 and maximumValues >= 1")
        var scanner = JSONScanner(bytes: bytes, maximumDepth: maximumDepth, maximumValues: maximumValues)
        return try scanner.readDocument()
    }
}
