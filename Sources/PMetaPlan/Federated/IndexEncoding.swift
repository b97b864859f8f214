import Foundation

/// How a Top-P% upload says which of the n global weights its k values belong to.
///
/// The three encodings trade differently against the fraction k / n sent:
/// - `absolute32`: each index as a 32-bit integer, 4k bytes whatever the indices;
/// - `deltaVarint`: the sorted indices as gaps, each gap minus one as an unsigned LEB128 varint, between
///   k and about k log_128(n / k) bytes, depending on how the indices spread;
/// - `bitmap`: one bit per global weight, ceil(n / 8) bytes whatever k is.
///
/// Indices are sorted and distinct, in 0..<n. The sender and the receiver both know n and k (k follows from
/// P), so no encoding carries a header.
public enum IndexEncoding: String, CaseIterable, Hashable, Sendable {
    /// Each index as a little-endian 32-bit unsigned integer: 4k bytes. Needs n <= 2^32.
    case absolute32 = "index32"
    /// Gaps d_1 = i_1, d_j = i_j - i_{j-1} - 1, each as an unsigned LEB128 varint.
    case deltaVarint = "delta-varint"
    /// Bit p of byte p / 8 (least significant first) set when index p is sent: ceil(n / 8) bytes.
    case bitmap

    /// The largest n an encoding's size functions accept: 2^48 global weights.
    public static let maximumPositions = 1 << 48

    /// The name as printed in tables.
    public var displayName: String {
        switch self {
        case .absolute32: "32-bit indices"
        case .deltaVarint: "delta varint (LEB128 gaps)"
        case .bitmap: "bitmap"
        }
    }

    /// Whether the encoding can address `positions` weights (32-bit indices reach 2^32).
    public func canAddress(positions: Int) -> Bool {
        self != .absolute32 || positions <= 1 << 32
    }

    /// The encoding of `indices`.
    /// - Parameters:
    ///   - indices: Sorted, distinct indices in 0..<positions.
    ///   - positions: n, the number of global weights.
    /// - Returns: The bytes; their count is `encodedByteCount(of:positions:)`.
    /// - Complexity: O(k) for indices and varints, O(n / 8) for the bitmap.
    public func encode(_ indices: [Int], positions: Int) -> [UInt8] {
        Self.checkIndices(indices, positions: positions)
        precondition(canAddress(positions: positions), "32-bit indices cannot address \(positions) positions")
        var bytes: [UInt8] = []
        switch self {
        case .absolute32:
            bytes.reserveCapacity(4 * indices.count)
            for index in indices {
                for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: index >> shift)) }
            }
        case .deltaVarint:
            var previous = -1
            for index in indices {
                LEB128.append(index - previous - 1, to: &bytes)
                previous = index
            }
        case .bitmap:
            bytes = [UInt8](repeating: 0, count: Checked.divideRoundingUp(positions, by: 8))
            for index in indices { bytes[index / 8] |= 1 << UInt8(index % 8) }
        }
        return bytes
    }

    /// The indices `bytes` encode, or nil when the bytes are malformed (truncated, too long, out of range).
    /// - Parameters:
    ///   - bytes: An encoding of `count` indices.
    ///   - count: k, the number of indices.
    ///   - positions: n, the number of global weights.
    public func decode(_ bytes: [UInt8], count: Int, positions: Int) -> [Int]? {
        var indices: [Int] = []
        switch self {
        case .absolute32:
            guard bytes.count % 4 == 0, bytes.count / 4 == count else { return nil }
            for start in stride(from: 0, to: bytes.count, by: 4) {
                var index = 0
                for offset in 0..<4 { index |= Int(bytes[start + offset]) << (8 * offset) }
                guard (indices.last ?? -1) < index && index < positions else { return nil }
                indices.append(index)
            }
        case .deltaVarint:
            var offset = 0
            var previous = -1
            while offset < bytes.count {
                guard let gap = LEB128.read(from: bytes, at: &offset) else { return nil }
                let (next, overflow) = previous.addingReportingOverflow(gap + 1)
                guard !overflow, next < positions else { return nil }
                indices.append(next)
                previous = next
            }
            guard indices.count == count else { return nil }
        case .bitmap:
            guard bytes.count == Checked.divideRoundingUp(positions, by: 8) else { return nil }
            for position in 0..<positions where bytes[position / 8] & (1 << UInt8(position % 8)) != 0 {
                indices.append(position)
            }
            guard indices.count == count else { return nil }
        }
        return indices
    }

    /// The exact size of `encode(indices, positions:)` without building it.
    /// - Complexity: O(k).
    public func encodedByteCount(of indices: [Int], positions: Int) -> Int {
        Self.checkIndices(indices, positions: positions)
        switch self {
        case .absolute32:
            return 4 * indices.count
        case .deltaVarint:
            var previous = -1
            var total = 0
            for index in indices {
                total += LEB128.byteCount(of: index - previous - 1)
                previous = index
            }
            return total
        case .bitmap:
            return Checked.divideRoundingUp(positions, by: 8)
        }
    }

    /// The largest size over every choice of `count` indices among `positions`.
    ///
    /// For the varint: the k gaps d_j >= 0 sum to i_k - (k - 1) <= n - k. A gap takes b bytes from
    /// T_b = 2^(7(b-1)) on (T_1 = 0), and the extra cost of each further byte, T_{b+1} - T_b = 128, 16,256,
    /// 2,080,768, ..., grows with b, so spending the n - k on the cheapest extra bytes first is optimal:
    /// raise as many gaps as the remainder pays for to 2 bytes (128 each), then, if all k are, to 3
    /// bytes (16,256 more each), and so on.
    /// - Parameters:
    ///   - count: k, 0...positions.
    ///   - positions: n, 0...`maximumPositions`.
    /// - Complexity: O(1): at most 7 levels.
    public func worstCaseByteCount(selecting count: Int, of positions: Int) -> Int {
        Self.checkSizes(count, positions)
        switch self {
        case .absolute32:
            return 4 * count
        case .bitmap:
            return Checked.divideRoundingUp(positions, by: 8)
        case .deltaVarint:
            guard count > 0 else { return 0 }
            var remainder = positions - count
            var total = count
            var bytes = 1
            while true {
                let step = LEB128.smallestValue(takingBytes: bytes + 1) - LEB128.smallestValue(takingBytes: bytes)
                guard step <= remainder else { break }
                let raised = min(count, remainder / step)
                total += raised
                remainder -= raised * step
                guard raised == count else { break }
                bytes += 1
            }
            return total
        }
    }

    /// The mean size over every choice of `count` indices among `positions`, all C(n, k) equally likely.
    ///
    /// Assumption: Top-P's indices are spread uniformly, as a uniformly random k-subset. Then the k + 1 gaps
    /// (with the trailing one, n - 1 - i_k) are exchangeable, and each is at least m with probability
    /// P(no index among the first m) = C(n - m, k) / C(n, k). A gap of value d takes
    /// 1 + sum_{t >= 1} [d >= 2^(7t)] bytes, so the expected size is exactly
    /// k (1 + sum_{t >= 1} C(n - 2^(7t), k) / C(n, k)),
    /// evaluated in floating point as a product of min(k, m) factors (C(n - m, k) / C(n, k) =
    /// C(n - k, m) / C(n, m)). The other encodings do not depend on the indices.
    /// - Complexity: O(min(k, 2^(7t))) per threshold 2^(7t) <= n - k.
    public func expectedByteCount(selecting count: Int, of positions: Int) -> Double {
        Self.checkSizes(count, positions)
        guard self == .deltaVarint else { return Double(worstCaseByteCount(selecting: count, of: positions)) }
        guard count > 0 else { return 0 }
        var perGap = 1.0
        var bytes = 2
        while bytes <= 9 {
            let threshold = LEB128.smallestValue(takingBytes: bytes)
            guard threshold <= positions - count else { break }
            perGap += Self.probabilityGapIsAtLeast(threshold, selecting: count, of: positions)
            bytes += 1
        }
        return Double(count) * perGap
    }

    /// C(n - m, k) / C(n, k): the probability that a uniformly random k-subset of 0..<n misses 0..<m.
    static func probabilityGapIsAtLeast(_ m: Int, selecting k: Int, of n: Int) -> Double {
        guard m <= n - k else { return 0 }
        // prod_{i<k} (1 - m / (n - i)) = prod_{i<m} (1 - k / (n - i)); take the shorter product.
        let factors = min(k, m)
        let removed = Double(factors == k ? m : k)
        var logProbability = 0.0
        for i in 0..<factors {
            logProbability += Foundation.log1p(-removed / Double(n - i))
            if logProbability < -800 { return 0 }
        }
        return Foundation.exp(logProbability)
    }

    /// The encoding with the smallest worst case for `count` of `positions`; ties go to the earlier case
    /// (32-bit indices, then varint, then bitmap: the simpler decoder).
    ///
    /// The worst case, not the mean, decides: the plan must hold whichever indices Top-P picks (changes
    /// cluster in a layer more often than they spread), and both ends can then agree on the encoding from n
    /// and k alone.
    public static func cheapest(selecting count: Int, of positions: Int) -> IndexEncoding {
        allCases.filter { $0.canAddress(positions: positions) }
            .min { $0.worstCaseByteCount(selecting: count, of: positions) < $1.worstCaseByteCount(selecting: count, of: positions) }!
    }

    /// The encoding with the smallest size for these very indices (ties as in `cheapest(selecting:of:)`),
    /// for a simulation that knows its round's indices.
    public static func cheapest(for indices: [Int], positions: Int) -> IndexEncoding {
        allCases.filter { $0.canAddress(positions: positions) }
            .min { $0.encodedByteCount(of: indices, positions: positions) < $1.encodedByteCount(of: indices, positions: positions) }!
    }

    private static func checkSizes(_ count: Int, _ positions: Int) {
        precondition((0...maximumPositions).contains(positions) && (0...positions).contains(count),
                     "index encodings need 0 <= k <= n <= 2^48, got k = \(count), n = \(positions)")
    }

    private static func checkIndices(_ indices: [Int], positions: Int) {
        checkSizes(indices.count, positions)
        var previous = -1
        for index in indices {
            precondition(index > previous && index < positions, "indices must be sorted, distinct and below \(positions)")
            previous = index
        }
    }
}
