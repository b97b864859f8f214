extension String {
    /// The text as an error message quotes it: control characters escaped, and a name longer than `maximumLength`
    /// characters cut to its start with the full length: `aaaa... (100,000 characters)`, so one bad name cannot
    /// make a message of megabytes.
    /// - Parameter maximumLength: The longest text quoted whole.
    /// - Complexity: O(n).
    public func quotedForMessage(maximumLength: Int = 80) -> String {
        guard count > maximumLength else { return escapingControlCharacters }
        return String(prefix(maximumLength)).escapingControlCharacters + "... (\(DecimalFormatting.grouped(count)) characters)"
    }
}
