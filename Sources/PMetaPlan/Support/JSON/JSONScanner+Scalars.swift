extension JSONScanner {
    /// Reads a string, number, `true`, `false` or `null` at the read position.
    /// - Parameter expectation: What the caller wanted here, for the error when nothing fits.
    mutating func readScalar(_ expectation: String) throws -> JSONValue {
        let start = index
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if byte == UInt8(ascii: "-"), start + 1 < bytes.count, isLetter(bytes[start + 1]) {
                throw unknownWord(at: start)
            }
            switch JSONNumberGrammar.scan(bytes, from: start) {
            case .number(let end):
                index = end
                return .number(String(decoding: bytes[start..<end], as: UTF8.self))
            case .expected(let expectation, let offset):
                throw expected(expectation, at: offset)
            case .leadingZero(let written, let offset):
                throw failure("numbers cannot start with a leading zero ('\(written)')", at: offset)
            }
        case UInt8(ascii: "t") where matches("true", at: start):
            index += 4
            return .bool(true)
        case UInt8(ascii: "f") where matches("false", at: start):
            index += 5
            return .bool(false)
        case UInt8(ascii: "n") where matches("null", at: start):
            index += 4
            return .null
        default:
            throw cannotStartValue(expectation)
        }
    }

    /// Whether `literal` is written at `offset` as a whole word (`nullx` is not `null`).
    private func matches(_ literal: String, at offset: Int) -> Bool {
        var position = offset
        for expected in literal.utf8 {
            guard position < bytes.count, bytes[position] == expected else { return false }
            position += 1
        }
        return position == bytes.count || !isLetter(bytes[position])
    }

    /// The error for a bare word such as `True`, `NaN` or `-Infinity`.
    private func unknownWord(at start: Int) -> JSONSyntaxError {
        var end = start
        if end < bytes.count && bytes[end] == UInt8(ascii: "-") { end += 1 }
        while end < bytes.count && (isLetter(bytes[end]) || bytes[end] == UInt8(ascii: "_")) && end - start < 40 {
            end += 1
        }
        let word = String(decoding: bytes[start..<end], as: UTF8.self)
        if ["nan", "-nan", "infinity", "-infinity", "inf", "-inf"].contains(word.lowercased()) {
            return failure("'\(word)' is not a JSON number: JSON numbers must be finite", at: start)
        }
        if end == bytes.count, let literal = ["true", "false", "null"].first(where: { $0.hasPrefix(word) }) {
            return expected("'\(literal)'", at: end)
        }
        return failure("unknown word '\(word)'; the only JSON words are true, false and null", at: start)
    }

    /// The error for a character that cannot begin a value, with a hint for the usual mistakes.
    private func cannotStartValue(_ expectation: String) -> JSONSyntaxError {
        let byte = bytes[index]
        if byte >= 0x80 && utf8SequenceLength(at: index) == nil { return invalidUTF8(at: index) }
        if isLetter(byte) { return unknownWord(at: index) }
        let hint: String
        switch byte {
        case UInt8(ascii: "'"): hint = " (JSON strings are written in double quotes)"
        case UInt8(ascii: "/"), UInt8(ascii: "#"): hint = " (JSON has no comments)"
        case UInt8(ascii: "+"): hint = " (JSON numbers have no '+' sign)"
        case UInt8(ascii: "."): hint = " (JSON numbers need a digit before the point, as in 0.5)"
        default: hint = ""
        }
        return failure("expected \(expectation), found \(describeCharacter(at: index))\(hint)", at: index)
    }
}
