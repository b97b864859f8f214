extension JSONValue {
    /// What was found, as an error message shows it after "found": `-3`, `"abc"`, `true`, `null`,
    /// `an array`, `an object`.
    ///
    /// Scalars are shown as written, strings quoted and cut to 40 characters (`"abc..."`), so that the
    /// reader can find the spot in the file.
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return Self.truncated(text, quoted: false)
        case .string(let text): return Self.truncated(text, quoted: true)
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    private static let shownCharacters = 40

    /// `text` as an error message shows a name from the file between its own quotes: cut to 40 characters, with
    /// `"`, `\` and control characters escaped as in JSON (`conv2`, `a\nb`), so that the message stays on one line.
    static func excerpt(_ text: String) -> String {
        let quoted = truncated(text, quoted: true)
        return String(quoted.dropFirst().dropLast())
    }

    private static func truncated(_ text: String, quoted: Bool) -> String {
        let isCut = text.count > shownCharacters
        let shown = isCut ? String(text.prefix(shownCharacters)) : text
        guard quoted else { return isCut ? shown + "..." : shown }
        let written = JSONWriter.quoted(shown)
        return isCut ? String(written.dropLast()) + "...\"" : written
    }
}
