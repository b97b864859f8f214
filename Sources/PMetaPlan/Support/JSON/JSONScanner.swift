/// The state of one JSON read: the bytes, the read position and the limits.
///
/// Containers are read with an explicit stack of open frames rather than recursion, so the depth limit
/// is the only bound on nesting and the call stack stays flat whatever the input.
struct JSONScanner {
    /// The whole document as UTF-8.
    let bytes: [UInt8]
    /// The offset of the next byte to read.
    var index: Int
    /// The offset of the first byte after a byte order mark, 0 when there is none.
    let contentStart: Int
    /// How many arrays and objects may be open at once.
    let maximumDepth: Int
    /// How many values the document may hold in all.
    let maximumValues: Int

    init(bytes: [UInt8], maximumDepth: Int, maximumValues: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        self.maximumValues = maximumValues
        let hasByteOrderMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        self.contentStart = hasByteOrderMark ? 3 : 0
        self.index = contentStart
    }

    /// An array or object that has been opened and not yet closed.
    struct Frame {
        var isObject: Bool
        var elements: [JSONValue] = []
        var members: [(key: String, value: JSONValue)] = []
        /// Where each key of this object was first written, to report duplicates.
        var keyOffsets: [String: Int] = [:]
        /// The key whose value is being read.
        var pendingKey = ""
    }

    /// Reads the single value that must make up the whole document.
    mutating func readDocument() throws -> JSONValue {
        skipWhitespace()
        if index == bytes.count {
            throw failure("the file is empty", at: index)
        }
        var stack: [Frame] = []
        var expectation = "a value"
        var valueCount = 0
        while true {
            valueCount += 1
            if valueCount > maximumValues {
                throw failure("the document holds more than \(DecimalFormatting.grouped(maximumValues)) values", at: index)
            }
            var value: JSONValue
            switch bytes[index] {
            case UInt8(ascii: "["):
                try checkDepth(stack.count)
                index += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    value = .array([])
                } else {
                    stack.append(Frame(isObject: false))
                    expectation = "a value or ']'"
                    try expectValueStart(expectation)
                    continue
                }
            case UInt8(ascii: "{"):
                try checkDepth(stack.count)
                index += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    index += 1
                    value = .object([])
                } else {
                    var frame = Frame(isObject: true)
                    try readKey(into: &frame, expectation: "a string key or '}'")
                    stack.append(frame)
                    expectation = "a value after ':'"
                    try expectValueStart(expectation)
                    continue
                }
            default:
                value = try readScalar(expectation)
            }
            // Close every container that this value completes, then find where the next value starts.
            while true {
                guard let top = stack.indices.last else {
                    skipWhitespace()
                    if index < bytes.count {
                        throw failure("unexpected \(describeCharacter(at: index)) after the top-level value;"
                            + " a JSON file holds exactly one value", at: index)
                    }
                    return value
                }
                skipWhitespace()
                if stack[top].isObject {
                    stack[top].members.append((key: stack[top].pendingKey, value: value))
                    let separator = peek()
                    if separator == UInt8(ascii: "}") {
                        index += 1
                        value = .object(stack.removeLast().members)
                        continue
                    }
                    guard separator == UInt8(ascii: ",") else {
                        throw expected("',' or '}' after an object member", at: index)
                    }
                    let commaOffset = index
                    index += 1
                    skipWhitespace()
                    if peek() == UInt8(ascii: "}") {
                        throw failure("trailing comma: remove the ',' before '}'", at: commaOffset)
                    }
                    try readKey(into: &stack[top], expectation: "a string key after ','")
                    expectation = "a value after ':'"
                } else {
                    stack[top].elements.append(value)
                    let separator = peek()
                    if separator == UInt8(ascii: "]") {
                        index += 1
                        value = .array(stack.removeLast().elements)
                        continue
                    }
                    guard separator == UInt8(ascii: ",") else {
                        throw expected("',' or ']' after an array element", at: index)
                    }
                    let commaOffset = index
                    index += 1
                    skipWhitespace()
                    if peek() == UInt8(ascii: "]") {
                        throw failure("trailing comma: remove the ',' before ']'", at: commaOffset)
                    }
                    expectation = "a value after ','"
                }
                try expectValueStart(expectation)
                break
            }
        }
    }

    /// Reads `"key"` and the `:` after it, then skips to the member's value.
    private mutating func readKey(into frame: inout Frame, expectation: String) throws {
        guard peek() == UInt8(ascii: "\"") else {
            let byte = peek()
            let isBareWord = byte.map { isLetter($0) || $0 == UInt8(ascii: "'") } ?? false
            if isBareWord {
                throw failure("expected \(expectation), found \(describeCharacter(at: index))"
                    + " (object keys are written in double quotes)", at: index)
            }
            throw expected(expectation, at: index)
        }
        let keyOffset = index
        let key = try readString()
        if let firstOffset = frame.keyOffsets[key] {
            let first = location(of: firstOffset)
            throw failure("duplicate key \(JSONWriter.quoted(key)) (first written at line \(first.line),"
                + " column \(first.column))", at: keyOffset)
        }
        frame.keyOffsets[key] = keyOffset
        frame.pendingKey = key
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else {
            throw expected("':' after the key \(JSONWriter.quoted(key))", at: index)
        }
        index += 1
        skipWhitespace()
    }

    /// Throws when opening one more container would exceed the depth limit.
    private func checkDepth(_ openContainers: Int) throws {
        if openContainers >= maximumDepth {
            throw failure("arrays and objects nest deeper than the limit of \(maximumDepth)", at: index)
        }
    }

    /// Throws "unexpected end of file" when the input ends where a value must start.
    private func expectValueStart(_ expectation: String) throws {
        if index == bytes.count { throw expected(expectation, at: index) }
    }

    /// The byte at the read position, or nil at the end.
    func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    /// Moves past spaces, tabs, line feeds and carriage returns, the only whitespace RFC 8259 allows.
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }
}
