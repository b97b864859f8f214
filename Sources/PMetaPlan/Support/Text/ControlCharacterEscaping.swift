extension String {
    /// The text with every control character written as JSON writes it (`\n`, `\t`, `\u0000`, and `\u007f` for
    /// delete), so that a message quoting what someone typed stays on one line and shows what was there.
    /// - Complexity: O(n).
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return self }
        var escaped = ""
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0..<0x20: escaped += JSONWriter.escape(UInt8(scalar.value))
            case 0x7F: escaped += "\\u007f"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// The text with every control character but those in `kept` escaped as `escapingControlCharacters` does:
    /// for whole outputs, whose line feeds are their own.
    /// - Parameter kept: The control characters left as they are (`["\n", "\t"]`).
    /// - Complexity: O(n).
    public func escapingControlCharacters(except kept: Set<Unicode.Scalar>) -> String {
        guard unicodeScalars.contains(where: { ($0.value < 0x20 || $0.value == 0x7F) && !kept.contains($0) }) else { return self }
        var escaped = ""
        for scalar in unicodeScalars {
            if kept.contains(scalar) {
                escaped.unicodeScalars.append(scalar)
            } else {
                escaped += String(scalar).escapingControlCharacters
            }
        }
        return escaped
    }
}
