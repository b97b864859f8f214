/// Deterministic JSON text for reports and fixtures, so that a diff shows only what changed.
///
/// Object members are written in their stored order, numbers exactly as their text holds them.
/// Pretty output indents by two spaces, keeps an array of scalars on one line (`[3, 84, 84]`),
/// writes empty containers as `[]` and `{}`, and ends with a line feed.
public enum JSONWriter {
    /// The JSON text of `value`.
    ///
    /// - Parameters:
    ///   - value: The value to write; every `.number` must hold valid JSON number text.
    ///   - pretty: Indented, one member per line, with a final line feed; otherwise compact on one line.
    /// - Returns: RFC 8259 text that `JSONParser.parse` reads back as `value`.
    /// - Complexity: O(n) in the size of the output.
    public static func write(_ value: JSONValue, pretty: Bool = true) -> String {
        var output = ""
        if pretty {
            writePretty(value, indentation: 0, into: &output)
            output.append("\n")
        } else {
            writeCompact(value, into: &output)
        }
        return output
    }

    /// Writes containers across lines; recursion is bounded by the value's depth, which the parser limits.
    private static func writePretty(_ value: JSONValue, indentation: Int, into output: inout String) {
        let inner = String(repeating: " ", count: indentation + 2)
        switch value {
        case .array(let elements) where !elements.isEmpty:
            if elements.allSatisfy(\.isScalar) {
                output.append("[")
                for (position, element) in elements.enumerated() {
                    if position > 0 { output.append(", ") }
                    writeScalar(element, into: &output)
                }
                output.append("]")
                return
            }
            output.append("[\n")
            for (position, element) in elements.enumerated() {
                output.append(inner)
                writePretty(element, indentation: indentation + 2, into: &output)
                output.append(position == elements.count - 1 ? "\n" : ",\n")
            }
            output.append(String(repeating: " ", count: indentation) + "]")
        case .object(let members) where !members.isEmpty:
            output.append("{\n")
            for (position, member) in members.enumerated() {
                output.append(inner)
                appendQuoted(member.key, to: &output)
                output.append(": ")
                writePretty(member.value, indentation: indentation + 2, into: &output)
                output.append(position == members.count - 1 ? "\n" : ",\n")
            }
            output.append(String(repeating: " ", count: indentation) + "}")
        default:
            writeScalar(value, into: &output)
        }
    }

    private static func writeCompact(_ value: JSONValue, into output: inout String) {
        switch value {
        case .array(let elements):
            output.append("[")
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(",") }
                writeCompact(element, into: &output)
            }
            output.append("]")
        case .object(let members):
            output.append("{")
            for (position, member) in members.enumerated() {
                if position > 0 { output.append(",") }
                appendQuoted(member.key, to: &output)
                output.append(":")
                writeCompact(member.value, into: &output)
            }
            output.append("}")
        default:
            writeScalar(value, into: &output)
        }
    }

    /// Writes a scalar, or an empty container as `[]` or `{}`.
    private static func writeScalar(_ value: JSONValue, into output: inout String) {
        switch value {
        case .null: output.append("null")
        case .bool(let flag): output.append(flag ? "true" : "false")
        case .number(let text):
            precondition(JSONNumberGrammar.isNumber(text), "JSONValue.number(\"\(text)\") is not a JSON number")
            output.append(text)
        case .string(let text): appendQuoted(text, to: &output)
        case .array: output.append("[]")
        case .object: output.append("{}")
        }
    }

    /// `text` in double quotes with `"`, `\` and control characters escaped: `"a\"b"`.
    static func quoted(_ text: String) -> String {
        var output = ""
        appendQuoted(text, to: &output)
        return output
    }

    private static func appendQuoted(_ text: String, to output: inout String) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: output.append("\\\"")
            case 0x5C: output.append("\\\\")
            case 0..<0x20: output.append(escape(UInt8(scalar.value)))
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }

    /// The escape RFC 8259 writes for a control character: `\n`, `\t`, or `\u001f`.
    static func escape(_ controlCharacter: UInt8) -> String {
        switch controlCharacter {
        case 0x08: return "\\b"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0C: return "\\f"
        case 0x0D: return "\\r"
        default:
            let digits = String(controlCharacter, radix: 16)
            return "\\u00" + (digits.count < 2 ? "0" + digits : digits)
        }
    }
}

private extension JSONValue {
    /// Whether the value is written on one line however it is printed: a scalar or an empty container.
    var isScalar: Bool {
        switch self {
        case .array(let elements): return elements.isEmpty
        case .object(let members): return members.isEmpty
        default: return true
        }
    }
}
