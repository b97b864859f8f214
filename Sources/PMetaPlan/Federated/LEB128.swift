/// Unsigned LEB128, the varint of DWARF, WebAssembly and protocol buffers: 7 bits per byte, the lowest
/// group first, the high bit set on every byte but the last.
public enum LEB128 {
    /// The bytes `value` takes: 1 below 2^7, 2 below 2^14, b below 2^(7b).
    /// - Parameter value: A non-negative integer.
    public static func byteCount(of value: Int) -> Int {
        precondition(value >= 0, "LEB128 encodes non-negative integers, got \(value)")
        var count = 1
        var rest = value >> 7
        while rest > 0 {
            count += 1
            rest >>= 7
        }
        return count
    }

    /// The smallest value that takes `byteCount` bytes: 0 for one byte, else 2^(7 (byteCount - 1)).
    /// - Parameter byteCount: 1 to 9.
    public static func smallestValue(takingBytes byteCount: Int) -> Int {
        precondition((1...9).contains(byteCount), "a varint of an Int takes 1 to 9 bytes, asked for \(byteCount)")
        return byteCount == 1 ? 0 : 1 << (7 * (byteCount - 1))
    }

    /// Appends the encoding of `value` to `bytes`.
    /// - Parameters:
    ///   - value: A non-negative integer.
    ///   - bytes: The buffer to append to.
    public static func append(_ value: Int, to bytes: inout [UInt8]) {
        precondition(value >= 0, "LEB128 encodes non-negative integers, got \(value)")
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Reads one value starting at `offset` and moves `offset` past it.
    /// - Returns: The value, or nil when the bytes end inside a varint or the value does not fit in an `Int`.
    public static func read(from bytes: [UInt8], at offset: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            let payload = Int(byte & 0x7F)
            guard shift <= 56 else { return nil }  // a ninth group would not fit in 63 bits
            value |= payload << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
