import Testing
@testable import PMetaPlan

/// The three index encodings: exact sizes by hand, round trips, and the varint's worst case and mean
/// against brute force over every k-subset.
@Suite struct IndexEncodingTests {
    @Test(arguments: [(0, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), ((1 << 21) - 1, 3), (1 << 21, 4), (1 << 28, 5)])
    func leb128SizesStepEverySevenBits(value: Int, bytes: Int) {
        #expect(LEB128.byteCount(of: value) == bytes)
        var encoded: [UInt8] = []
        LEB128.append(value, to: &encoded)
        #expect(encoded.count == bytes)
        var offset = 0
        #expect(LEB128.read(from: encoded, at: &offset) == value)
        #expect(offset == bytes)
    }

    @Test func leb128RejectsTruncatedAndOverlongInput() {
        var offset = 0
        #expect(LEB128.read(from: [0x80], at: &offset) == nil)
        offset = 0
        #expect(LEB128.read(from: [UInt8](repeating: 0xFF, count: 9) + [0x01], at: &offset) == nil)
    }

    @Test func smallCaseSizesByHand() {
        // Indices 0, 3, 130 of 200. 32-bit: 3 x 4 = 12 B. Gaps minus one: 0, 2, 126, one byte each = 3 B.
        // Bitmap: ceil(200 / 8) = 25 B.
        let indices = [0, 3, 130]
        #expect(IndexEncoding.absolute32.encode(indices, positions: 200).count == 12)
        #expect(IndexEncoding.deltaVarint.encode(indices, positions: 200) == [0, 2, 126])
        #expect(IndexEncoding.bitmap.encode(indices, positions: 200).count == 25)
        // 0, 3, 132: the last gap minus one is 128, two bytes (0x80 0x01): 4 B.
        #expect(IndexEncoding.deltaVarint.encode([0, 3, 132], positions: 200) == [0, 2, 0x80, 0x01])
        // Bitmap bits are least significant first: index 3 sets bit 3 of byte 0, 9 sets bit 1 of byte 1.
        #expect(IndexEncoding.bitmap.encode([3, 9], positions: 10) == [0b0000_1000, 0b0000_0010])
        #expect(IndexEncoding.absolute32.encode([258], positions: 300) == [2, 1, 0, 0])
    }

    @Test(arguments: IndexEncoding.allCases)
    func everyEncodingRoundTrips(encoding: IndexEncoding) {
        for indices in [[], [0], [5], [0, 1, 2], [7, 200, 16_500, 70_000], Array(stride(from: 3, to: 70_001, by: 997))] {
            let bytes = encoding.encode(indices, positions: 70_001)
            #expect(bytes.count == encoding.encodedByteCount(of: indices, positions: 70_001))
            #expect(encoding.decode(bytes, count: indices.count, positions: 70_001) == indices)
        }
        #expect(encoding.decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF], count: 1, positions: 10) == nil)
    }

    /// Every k-subset of 0..<n, by brute force: the largest and the mean encoded size.
    static func bruteForce(_ encoding: IndexEncoding, selecting k: Int, of n: Int) -> (largest: Int, mean: Double) {
        var largest = 0
        var total = 0
        var subsets = 0
        var indices: [Int] = []
        func visit(from start: Int) {
            if indices.count == k {
                let size = encoding.encode(indices, positions: n).count
                largest = max(largest, size)
                total += size
                subsets += 1
                return
            }
            for index in start..<n where n - index >= k - indices.count {
                indices.append(index)
                visit(from: index + 1)
                indices.removeLast()
            }
        }
        visit(from: 0)
        return (largest, Double(total) / Double(subsets))
    }

    /// The same for the varint, with the size of a gap written out independently of `LEB128`: one byte per
    /// started group of 7 bits, and the subset's size summed gap by gap as the recursion goes.
    static func bruteForceVarint(selecting k: Int, of n: Int) -> (largest: Int, mean: Double) {
        func bytes(_ gap: Int) -> Int { gap < 128 ? 1 : gap < 16_384 ? 2 : gap < 2_097_152 ? 3 : 4 }
        var largest = 0
        var total = 0
        var subsets = 0
        func visit(after previous: Int, chosen: Int, size: Int) {
            if chosen == k {
                largest = max(largest, size)
                total += size
                subsets += 1
                return
            }
            for index in (previous + 1)..<n where n - index >= k - chosen {
                visit(after: index, chosen: chosen + 1, size: size + bytes(index - previous - 1))
            }
        }
        visit(after: -1, chosen: 0, size: 0)
        return (largest, Double(total) / Double(subsets))
    }

    @Test(arguments: [(0, 5), (3, 5), (5, 5), (1, 129), (1, 300), (2, 200), (2, 300), (3, 140), (1, 16_500), (40, 41)])
    func varintWorstCaseAndMeanMatchBruteForce(k: Int, n: Int) {
        let brute = Self.bruteForceVarint(selecting: k, of: n)
        #expect(IndexEncoding.deltaVarint.worstCaseByteCount(selecting: k, of: n) == brute.largest)
        let mean = IndexEncoding.deltaVarint.expectedByteCount(selecting: k, of: n)
        #expect(abs(mean - brute.mean) <= 1e-9 * max(1, brute.mean), "mean \(mean) vs brute force \(brute.mean)")
    }

    @Test func varintFiguresByHand() {
        // One index of 129: only index 128 needs a 2-byte gap, so the mean is (128 x 1 + 2) / 129.
        #expect(IndexEncoding.deltaVarint.worstCaseByteCount(selecting: 1, of: 129) == 2)
        #expect(abs(IndexEncoding.deltaVarint.expectedByteCount(selecting: 1, of: 129) - 130.0 / 129.0) < 1e-12)
        // Two of 200: the gaps minus one sum to at most 198, enough for one 2-byte gap (128): 3 B.
        #expect(IndexEncoding.deltaVarint.worstCaseByteCount(selecting: 2, of: 200) == 3)
        // One of 16,500: index 16,384 and up takes 3 bytes.
        #expect(IndexEncoding.deltaVarint.worstCaseByteCount(selecting: 1, of: 16_500) == 3)
    }

    @Test(arguments: [IndexEncoding.absolute32, .bitmap])
    func fixedSizeEncodingsMatchBruteForce(encoding: IndexEncoding) {
        let brute = Self.bruteForce(encoding, selecting: 3, of: 20)
        #expect(encoding.worstCaseByteCount(selecting: 3, of: 20) == brute.largest)
        #expect(encoding.expectedByteCount(selecting: 3, of: 20) == brute.mean)
    }

    /// The cheapest encoding for 4Conv's 28,896 global weights (every layer but the 4,005-parameter head).
    struct CheapestCase: Sendable, CustomStringConvertible {
        var percent: Int
        var k: Int
        var absolute32: Int
        var varint: Int
        var bitmap: Int
        var chosen: IndexEncoding
        var description: String { "P = \(percent)%" }
    }

    // k = ceil(P x 28,896 / 100); 32-bit: 4k; varint worst: k + floor((28,896 - k) / 128) (no gap reaches
    // 3 bytes); bitmap: 28,896 / 8 = 3,612.
    static let cheapestCases = [
        CheapestCase(percent: 1, k: 289, absolute32: 1_156, varint: 289 + 223, bitmap: 3_612, chosen: .deltaVarint),     // 28,607 / 128 = 223.5
        CheapestCase(percent: 10, k: 2_890, absolute32: 11_560, varint: 2_890 + 203, bitmap: 3_612, chosen: .deltaVarint), // 26,006 / 128 = 203.2
        CheapestCase(percent: 50, k: 14_448, absolute32: 57_792, varint: 14_448 + 112, bitmap: 3_612, chosen: .bitmap),   // 14,448 / 128 = 112.9
    ]

    @Test(arguments: cheapestCases)
    func cheapestEncodingFollowsTheFractionSent(testCase: CheapestCase) throws {
        let n = 28_896
        let k = try TopPSelection.count(of: n, percentage: Percentage(percent: testCase.percent))
        #expect(k == testCase.k)
        #expect(IndexEncoding.absolute32.worstCaseByteCount(selecting: k, of: n) == testCase.absolute32)
        #expect(IndexEncoding.deltaVarint.worstCaseByteCount(selecting: k, of: n) == testCase.varint)
        #expect(IndexEncoding.bitmap.worstCaseByteCount(selecting: k, of: n) == testCase.bitmap)
        #expect(IndexEncoding.cheapest(selecting: k, of: n) == testCase.chosen)
        let upload = try SparseUpload(sending: k, of: n, weightBytes: 4)
        #expect(upload.encoding == testCase.chosen)
        #expect(upload.totalBytes.bytes == 4 * k + min(testCase.varint, testCase.bitmap))
    }

    @Test func thirtyTwoBitIndicesWinOnlyTiesAndCannotAddressBeyondTwoToThe32() {
        #expect(IndexEncoding.cheapest(selecting: 0, of: 1_000) == .absolute32)  // 0 B each for 32-bit and varint
        #expect(!IndexEncoding.absolute32.canAddress(positions: (1 << 32) + 1))
        #expect(IndexEncoding.cheapest(selecting: 1, of: (1 << 32) + 1) == .deltaVarint)
    }

    @Test func theCheapestForGivenIndicesLooksAtThoseIndices() {
        // Clustered: 100 consecutive indices of 100,000 take 100 varint bytes; spread every 1,000 they take 200.
        let clustered = Array(500..<600)
        let spread = Array(stride(from: 999, to: 100_000, by: 1_000))
        #expect(IndexEncoding.deltaVarint.encodedByteCount(of: clustered, positions: 100_000) == 101)  // the first gap, 500, takes 2
        #expect(IndexEncoding.deltaVarint.encodedByteCount(of: spread, positions: 100_000) == 200)
        #expect(IndexEncoding.cheapest(for: clustered, positions: 100_000) == .deltaVarint)
        #expect(IndexEncoding.cheapest(for: Array(0..<50_000), positions: 100_000) == .bitmap)
    }
}
