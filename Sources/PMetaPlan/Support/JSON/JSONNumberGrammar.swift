/// The number grammar of RFC 8259 section 6: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
///
/// Shared by the parser, which reads numbers out of a document, and by the accessors and writer,
/// which check that a `JSONValue.number` built in code holds a valid number.
enum JSONNumberGrammar {
    /// Where a number stops, or why it is not one.
    enum Scan: Equatable {
        /// The number ends before `end`.
        case number(end: Int)
        /// Not a number: something else stands at `offset` where `expectation` (`a digit after '-'`) was needed.
        case expected(String, at: Int)
        /// Not a number: the digits `written` (`007`), starting at `offset`, begin with a superfluous zero.
        case leadingZero(written: String, at: Int)
    }

    /// Scans the longest number that starts at `start` in `bytes`.
    /// - Complexity: O(length of the number).
    static func scan(_ bytes: [UInt8], from start: Int) -> Scan {
        var index = start
        func digit(at position: Int) -> Bool {
            position < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
        }
        func skipDigits() { while digit(at: index) { index += 1 } }

        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digit(at: index) else {
            return .expected("a digit after '-'", at: index)
        }
        if bytes[index] == UInt8(ascii: "0") && digit(at: index + 1) {
            var end = index
            while digit(at: end) { end += 1 }
            let written = String(decoding: bytes[start..<end], as: UTF8.self)
            return .leadingZero(written: written, at: start)
        }
        skipDigits()
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digit(at: index) else {
                return .expected("a digit after the decimal point", at: index)
            }
            skipDigits()
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard digit(at: index) else {
                return .expected("a digit in the exponent", at: index)
            }
            skipDigits()
        }
        return .number(end: index)
    }

    /// Whether `text` is exactly one JSON number, nothing before or after.
    static func isNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return scan(bytes, from: 0) == .number(end: bytes.count)
    }
}
