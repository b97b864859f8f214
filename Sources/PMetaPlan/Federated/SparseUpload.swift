/// The size of one client's Top-P% upload: k values and their indices.
public struct SparseUpload: Hashable, Sendable {
    /// n, the global weights the indices address.
    public var positions: Int
    /// k, the values sent.
    public var count: Int
    /// The bytes of the k values at the weight precision.
    public var valueBytes: ByteCount
    /// Each encoding's largest index size over every choice of k indices.
    public var worstCaseIndexBytes: [IndexEncoding: ByteCount]
    /// Each encoding's mean index size when the k indices are a uniformly random subset.
    public var expectedIndexBytes: [IndexEncoding: Double]
    /// The encoding used: the smallest worst case (see `IndexEncoding.cheapest(selecting:of:)`).
    public var encoding: IndexEncoding

    /// The planned upload of `count` of `positions` weights, before the indices are known.
    /// - Parameters:
    ///   - count: k.
    ///   - positions: n, at most `IndexEncoding.maximumPositions`.
    ///   - weightBytes: Bytes per value sent (4 for float32).
    /// - Throws: `ArithmeticOverflow` for absurd sizes.
    public init(sending count: Int, of positions: Int, weightBytes: Int) throws {
        self.positions = positions
        self.count = count
        self.valueBytes = ByteCount(try Checked.product(count, weightBytes, context: "Top-P values"))
        var worst: [IndexEncoding: ByteCount] = [:]
        var expected: [IndexEncoding: Double] = [:]
        for encoding in IndexEncoding.allCases where encoding.canAddress(positions: positions) {
            worst[encoding] = ByteCount(encoding.worstCaseByteCount(selecting: count, of: positions))
            expected[encoding] = encoding.expectedByteCount(selecting: count, of: positions)
        }
        self.worstCaseIndexBytes = worst
        self.expectedIndexBytes = expected
        self.encoding = IndexEncoding.cheapest(selecting: count, of: positions)
    }

    /// The index bytes of the chosen encoding (its worst case: what the plan budgets).
    public var indexBytes: ByteCount { worstCaseIndexBytes[encoding] ?? .zero }

    /// Values and indices.
    public var totalBytes: ByteCount { ByteCount(valueBytes.bytes + indexBytes.bytes) }
}
