/// Small unsigned integers of one bit width packed end to end into bytes: the 1-bit masks of ReLU-style
/// activations and the ⌈log₂(S²)⌉-bit window positions of max pooling.
///
/// Appendix A counts σ'(y) at one bit per element and max-pool indices at a few bits (T = 16 words for a
/// 2 x 2 window). Packing into bytes, rather than 64-bit words or one byte per index, makes the held
/// size exactly ⌈count · bitWidth / 8⌉ bytes, the figure the cost model rounds to.
public struct PackedIntegers: Sendable, Hashable {
    /// The number of integers.
    public let count: Int

    /// Bits per integer, 0 to 8; 0 stores nothing (a 1 x 1 pooling window has one position).
    public let bitWidth: Int

    /// The packed bits, least significant first: integer i occupies bits `i·bitWidth ..< (i+1)·bitWidth`.
    public private(set) var bytes: [UInt8]

    /// Creates `count` zeros of `bitWidth` bits.
    /// - Parameters:
    ///   - count: The number of integers.
    ///   - bitWidth: Bits per integer, 0 to 8.
    public init(count: Int, bitWidth: Int) {
        precondition(count >= 0, "PackedIntegers: negative count \(count)")
        precondition(bitWidth >= 0 && bitWidth <= 8, "PackedIntegers: bit width \(bitWidth) is outside 0...8")
        self.count = count
        self.bitWidth = bitWidth
        bytes = [UInt8](repeating: 0, count: Self.byteCount(count: count, bitWidth: bitWidth))
    }

    /// Wraps bytes already packed; `bytes` must hold exactly ⌈count · bitWidth / 8⌉ bytes.
    init(count: Int, bitWidth: Int, bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount(count: count, bitWidth: bitWidth), "PackedIntegers: wrong byte count")
        self.count = count
        self.bitWidth = bitWidth
        self.bytes = bytes
    }

    /// ⌈count · bitWidth / 8⌉, the bytes `count` integers of `bitWidth` bits take.
    public static func byteCount(count: Int, bitWidth: Int) -> Int { (count * bitWidth + 7) / 8 }

    /// The bytes held.
    public var byteCount: Int { bytes.count }

    /// The smallest width that holds every value below `limit`: ⌈log₂(limit)⌉ (0 for a limit of 1).
    public static func bitWidth(toHold limit: Int) -> Int {
        precondition(limit >= 1, "PackedIntegers: a limit must be at least 1")
        return limit <= 1 ? 0 : Int.bitWidth - (limit - 1).leadingZeroBitCount
    }

    /// The integer at `index`.
    public subscript(index: Int) -> Int {
        get {
            precondition(index >= 0 && index < count, "PackedIntegers: index \(index) is outside 0..<\(count)")
            if bitWidth == 0 { return 0 }
            let bit = index * bitWidth
            let byte = bit >> 3
            var window = Int(bytes[byte])
            if byte + 1 < bytes.count { window |= Int(bytes[byte + 1]) << 8 }
            return (window >> (bit & 7)) & ((1 << bitWidth) - 1)
        }
        set {
            precondition(index >= 0 && index < count, "PackedIntegers: index \(index) is outside 0..<\(count)")
            precondition(newValue >= 0 && newValue < 1 << bitWidth, "PackedIntegers: \(newValue) does not fit \(bitWidth) bits")
            if bitWidth == 0 { return }
            let bit = index * bitWidth
            let byte = bit >> 3
            let shift = bit & 7
            let mask = ((1 << bitWidth) - 1) << shift
            let value = newValue << shift
            bytes[byte] = UInt8((Int(bytes[byte]) & ~mask | value) & 0xFF)
            if shift + bitWidth > 8 {
                bytes[byte + 1] = UInt8((Int(bytes[byte + 1]) & ~(mask >> 8) | value >> 8) & 0xFF)
            }
        }
    }

    /// Appends integers in order into the packed bytes; `withSequentialWriter` hands one out.
    struct SequentialWriter {
        let target: UnsafeMutableBufferPointer<UInt8>
        let width: Int
        var accumulator = 0
        var filled = 0
        var byte = 0

        /// Appends the next integer, which must fit the width.
        @inline(__always)
        mutating func append(_ value: Int) {
            guard width > 0 else { return }
            appendBits(value, bitCount: width)
        }

        /// Appends `bitCount` (at most 56) bits at once: several integers already packed, the first in the lowest bits.
        @inline(__always)
        mutating func appendBits(_ value: Int, bitCount: Int) {
            accumulator |= value << filled
            filled += bitCount
            while filled >= 8 {
                target[byte] = UInt8(truncatingIfNeeded: accumulator)
                byte += 1
                accumulator >>= 8
                filled -= 8
            }
        }

        /// Writes the last partial byte.
        mutating func flush() {
            if filled > 0 && byte < target.count { target[byte] = UInt8(truncatingIfNeeded: accumulator) }
        }
    }

    /// Lets `body` append every integer in order, then flushes.
    mutating func withSequentialWriter(_ body: (inout SequentialWriter) -> Void) {
        let width = bitWidth
        bytes.withUnsafeMutableBufferPointer { target in
            var writer = SequentialWriter(target: target, width: width)
            body(&writer)
            writer.flush()
        }
    }

    /// Reads the integers in order.
    struct SequentialReader {
        let bytes: [UInt8]
        let width: Int
        let mask: Int
        var accumulator = 0
        var available = 0
        var byte = 0

        init(_ packed: PackedIntegers) {
            bytes = packed.bytes
            width = packed.bitWidth
            mask = (1 << packed.bitWidth) - 1
        }

        /// The next integer.
        @inline(__always)
        mutating func next() -> Int {
            while available < width {
                accumulator |= Int(bytes[byte]) << available
                byte += 1
                available += 8
            }
            let value = accumulator & mask
            accumulator >>= width
            available -= width
            return value
        }
    }
}
