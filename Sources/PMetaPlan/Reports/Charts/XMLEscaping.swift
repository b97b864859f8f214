/// Escaping of text for XML character data and attribute values.
public enum XMLEscaping {
    /// `text` made safe inside an element or a double-quoted attribute: `&`, `<`, `>`, `"` and `'` become
    /// entities, and characters XML 1.0 forbids (control characters other than tab, newline and carriage return,
    /// U+FFFE, U+FFFF) are dropped.
    /// - Parameter text: Any string, such as a layer name from an architecture file.
    /// - Returns: The escaped text.
    /// - Complexity: O(n) in the length of `text`.
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default:
                if isAllowed(scalar) { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    /// Whether XML 1.0 allows `scalar` in a document (the `Char` production of the XML specification).
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
