/// A sequence of bits packed 64 to a word: the 1-bit-per-element masks that ReLU-style activations save.
///
/// Appendix A.1 of p-Meta counts m(y)/T words for σ'(y): one bit per element of a T-bit word. Storing the
/// mask as bits rather than `Bool`s (one byte each) or floats (four bytes) is what makes that count real.
public struct BitMask: Sendable, Hashable {
    /// The number of bits.
    public let count: Int

    /// The bits, 64 per word; bit `i` is bit `i % 64` of word `i / 64`; unused high bits are 0.
    public private(set) var words: [UInt64]

    /// Creates a mask of `count` zero bits.
    /// - Parameter count: The number of bits.
    public init(count: Int) {
        precondition(count >= 0, "BitMask: negative count \(count)")
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    /// Creates a mask from booleans.
    /// - Parameter bits: The bits in order.
    /// - Complexity: O(number of bits).
    public init(_ bits: some Collection<Bool>) {
        self.init(count: bits.count)
        for (index, bit) in bits.enumerated() where bit {
            words[index >> 6] |= 1 << UInt64(index & 63)
        }
    }

    /// Creates a mask with bit `i` set exactly when `predicate(values[i])` holds.
    /// - Parameters:
    ///   - values: The elements to test.
    ///   - predicate: The test, such as `{ $0 > 0 }` for ReLU.
    /// - Complexity: O(number of values).
    public init(_ values: [Float], where predicate: (Float) -> Bool) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { source in
            words.withUnsafeMutableBufferPointer { target in
                var index = 0
                for wordIndex in target.indices {
                    var word: UInt64 = 0
                    let end = min(index + 64, source.count)
                    var bit: UInt64 = 0
                    while index < end {
                        if predicate(source[index]) { word |= 1 << bit }
                        bit += 1
                        index += 1
                    }
                    target[wordIndex] = word
                }
            }
        }
    }

    /// The bit at `index`.
    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < count, "BitMask: index \(index) is outside 0..<\(count)")
            return words[index >> 6] & (1 << UInt64(index & 63)) != 0
        }
        set {
            precondition(index >= 0 && index < count, "BitMask: index \(index) is outside 0..<\(count)")
            if newValue {
                words[index >> 6] |= 1 << UInt64(index & 63)
            } else {
                words[index >> 6] &= ~(1 << UInt64(index & 63))
            }
        }
    }

    /// The number of set bits.
    /// - Complexity: O(count / 64).
    public var setBitCount: Int {
        words.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// The bytes the packed words occupy: `8 * ceil(count / 64)`.
    public var byteCount: Int { words.count * MemoryLayout<UInt64>.size }
}
