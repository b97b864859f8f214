extension JSONScanner {
    /// Reads a string whose opening quote is at the read position, and moves past its closing quote.
    ///
    /// Runs without escapes are copied as one slice; only a string with escapes builds its bytes one by one.
    mutating func readString() throws -> String {
        let openingOffset = index
        index += 1
        let start = index
        var decoded: [UInt8] = []
        var hasEscapes = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let text = hasEscapes ? String(decoding: decoded, as: UTF8.self)
                    : String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                if !hasEscapes {
                    decoded = Array(bytes[start..<index])
                    hasEscapes = true
                }
                try readEscape(into: &decoded)
            case 0x00..<0x20:
                throw controlCharacterInString(byte)
            case 0x20..<0x80:
                if hasEscapes { decoded.append(byte) }
                index += 1
            default:
                guard let length = utf8SequenceLength(at: index) else { throw invalidUTF8(at: index) }
                if hasEscapes { decoded.append(contentsOf: bytes[index..<index + length]) }
                index += length
            }
        }
        let opening = location(of: openingOffset)
        throw expected("the closing '\"' of the string that starts at line \(opening.line), column \(opening.column)",
                       at: index)
    }

    /// Decodes the escape sequence at the read position (a backslash) and appends its UTF-8 bytes.
    private mutating func readEscape(into decoded: inout [UInt8]) throws {
        let backslashOffset = index
        index += 1
        guard let letter = peek() else {
            throw expected("an escape character after '\\'", at: index)
        }
        let simple: UInt8?
        switch letter {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default:
            let shown = letter >= 0x20 && letter < 0x7F ? "'\\\(Character(Unicode.Scalar(letter)))'"
                : "'\\' followed by \(describeCharacter(at: index))"
            throw failure("invalid escape \(shown) in a string; the escapes are"
                + " \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", at: backslashOffset)
        }
        if let simple {
            decoded.append(simple)
            index += 1
            return
        }
        index += 1
        let unit = try readHexQuad(escapeOffset: backslashOffset)
        var scalar = UInt32(unit)
        switch unit {
        case 0xD800...0xDBFF:
            let lowOffset = index
            let isFollowedByEscape = index + 1 < bytes.count
                && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u")
            guard isFollowedByEscape else {
                throw loneSurrogate(unit, at: backslashOffset, needs: "a low surrogate \\uDC00-\\uDFFF after it")
            }
            index += 2
            let low = try readHexQuad(escapeOffset: lowOffset)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw loneSurrogate(unit, at: backslashOffset, needs: "a low surrogate \\uDC00-\\uDFFF after it")
            }
            scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        case 0xDC00...0xDFFF:
            throw loneSurrogate(unit, at: backslashOffset, needs: "a high surrogate \\uD800-\\uDBFF before it")
        default:
            break
        }
        appendUTF8(scalar, to: &decoded)
    }

    /// Reads the four hex digits of a `\u` escape.
    private mutating func readHexQuad(escapeOffset: Int) throws -> UInt16 {
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek() else {
                throw expected("4 hex digits after '\\u'", at: index)
            }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw failure("invalid escape: '\\u' must be followed by 4 hex digits,"
                    + " found \(describeCharacter(at: index))", at: escapeOffset)
            }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }

    private func loneSurrogate(_ unit: UInt16, at offset: Int, needs partner: String) -> JSONSyntaxError {
        failure("lone surrogate \\u\(hex(UInt32(unit), digits: 4)) in a string: it needs \(partner)", at: offset)
    }

    /// The error for a raw control character inside a string, with the escape to write instead.
    private func controlCharacterInString(_ byte: UInt8) -> JSONSyntaxError {
        if byte == 0x0A || byte == 0x0D {
            return failure("line break inside a string; is a closing '\"' missing? (write \\n for a line break)",
                           at: index)
        }
        return failure("control character U+\(hex(UInt32(byte), digits: 4)) must be escaped in a string"
            + " (write \(JSONWriter.escape(byte)))", at: index)
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value (never a surrogate).
    private func appendUTF8(_ scalar: UInt32, to decoded: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            decoded.append(UInt8(scalar))
        case 0x80..<0x800:
            decoded.append(UInt8(0xC0 | scalar >> 6))
            decoded.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            decoded.append(UInt8(0xE0 | scalar >> 12))
            decoded.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            decoded.append(UInt8(0x80 | scalar & 0x3F))
        default:
            decoded.append(UInt8(0xF0 | scalar >> 18))
            decoded.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            decoded.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            decoded.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
