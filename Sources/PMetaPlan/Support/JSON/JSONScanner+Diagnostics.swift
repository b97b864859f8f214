extension JSONScanner {
    /// A syntax error at a byte offset, located as a 1-based line and column.
    func failure(_ message: String, at offset: Int) -> JSONSyntaxError {
        let place = location(of: offset)
        return JSONSyntaxError(line: place.line, column: place.column, message: message)
    }

    /// "expected X", or "unexpected end of file, expected X" when the input ends at `offset`.
    func expected(_ expectation: String, at offset: Int) -> JSONSyntaxError {
        if offset >= bytes.count {
            return failure("unexpected end of file, expected \(expectation)", at: offset)
        }
        return failure("expected \(expectation)", at: offset)
    }

    /// The 1-based line and column of a byte offset; columns count Unicode scalars, not bytes.
    ///
    /// Computed only when an error is reported, so reading a valid file pays nothing for it.
    /// - Complexity: O(offset).
    func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var position = contentStart
        let end = min(offset, bytes.count)
        while position < end {
            let byte = bytes[position]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            position += 1
        }
        return (line, column)
    }

    /// The character at `offset` as an error message shows it: `'x'`, `'é'`, `U+0007`, or `the end of the file`.
    func describeCharacter(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the file" }
        let byte = bytes[offset]
        if byte < 0x80 {
            if byte < 0x20 || byte == 0x7F { return "U+" + hex(UInt32(byte), digits: 4) }
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        guard let length = utf8SequenceLength(at: offset) else {
            return "invalid UTF-8 byte 0x" + hex(UInt32(byte), digits: 2)
        }
        let text = String(decoding: bytes[offset..<offset + length], as: UTF8.self)
        let scalar = text.unicodeScalars.first?.value ?? 0
        return "'\(text)' (U+\(hex(scalar, digits: 4)))"
    }

    /// Whether `byte` is an ASCII letter.
    func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// `value` in uppercase hexadecimal, zero-padded to at least `digits` digits.
    func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
