extension JSONScanner {
    /// The length of the well-formed UTF-8 sequence starting at `offset`, or nil when it is ill-formed.
    ///
    /// Follows Table 3-7 of the Unicode Standard: no overlong forms, no encoded surrogates, nothing
    /// above U+10FFFF, and no sequence cut short by the end of the input.
    func utf8SequenceLength(at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return nil
        }
        guard offset + length <= bytes.count, secondRange.contains(bytes[offset + 1]) else { return nil }
        for position in offset + 2 ..< offset + length where bytes[position] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }

    /// The error for the ill-formed UTF-8 sequence at `offset`.
    func invalidUTF8(at offset: Int) -> JSONSyntaxError {
        failure("invalid UTF-8 byte 0x\(hex(UInt32(bytes[offset]), digits: 2)); the file must be UTF-8", at: offset)
    }
}
