/// MeDyate's importance-weighted channel sampling: c of C channels without replacement, channel i with an
/// inclusion probability proportional to its weight.
///
/// The probabilities are pi_i = min(1, c w_i / sum w), capped: a channel whose share would exceed 1 is always
/// drawn and the rest share the remaining draws in proportion to their weights (repeated until no share
/// exceeds 1). When fewer than c channels have a positive weight, the zero-weight ones share what is left
/// equally. The draw is randomized systematic sampling (Hartley and Rao): shuffle the channels, lay the
/// pi_i end to end on [0, c), pick one uniform u in [0, 1) and take the channels under u, u + 1, ...,
/// u + c - 1. Each channel is then drawn with probability exactly pi_i, the draw always has exactly c distinct
/// channels, and the shuffle lets every pair of channels occur together. The pi_i are held in fixed point
/// (units of 2^-32) summing exactly to c, so the draw is exact integer arithmetic.
public enum ChannelSampling {
    /// The fixed-point unit: pi_i is held as an integer number of 2^-32.
    static let scale: UInt64 = 1 << 32

    /// pi_i for drawing `count` of `weights.count` channels.
    /// - Parameters:
    ///   - weights: One finite, non-negative weight per channel.
    ///   - count: c, 0...weights.count.
    /// - Returns: Probabilities in [0, 1] summing to c.
    /// - Complexity: O(C^2) in the worst case of repeated capping, O(C) typically.
    public static func inclusionProbabilities(weights: [Double], selecting count: Int) -> [Double] {
        fixedPointProbabilities(weights: weights, selecting: count).map { Double($0) / Double(scale) }
    }

    /// Draws `count` channels.
    /// - Parameters:
    ///   - weights: One finite, non-negative weight per channel.
    ///   - count: c, 0...weights.count.
    ///   - generator: The source of randomness, seeded by the caller.
    /// - Returns: c distinct channel indices, sorted ascending.
    /// - Complexity: O(C) after the probabilities.
    public static func draw(weights: [Double], selecting count: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
        draw(fixedPointProbabilities: fixedPointProbabilities(weights: weights, selecting: count), count: count, using: &generator)
    }

    /// The draw for probabilities already in fixed point (`fixedPointProbabilities`).
    static func draw(fixedPointProbabilities probabilities: [UInt64], count: Int,
                     using generator: inout some RandomNumberGenerator) -> [Int] {
        guard count > 0 else { return [] }
        var order = Array(probabilities.indices)
        // Fisher-Yates with a bounded draw of our own, so a seed gives the same channels on every platform.
        for position in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(position, Int(uniform(below: UInt64(position + 1), using: &generator)))
        }
        var point = uniform(below: scale, using: &generator)
        var cumulative: UInt64 = 0
        var drawn: [Int] = []
        drawn.reserveCapacity(count)
        for channel in order {
            cumulative += probabilities[channel]
            // Intervals are at most one unit long and the points one unit apart: at most one point each.
            if point < cumulative {
                drawn.append(channel)
                point += scale
            }
        }
        precondition(drawn.count == count, "systematic sampling drew \(drawn.count) channels instead of \(count)")
        return drawn.sorted()
    }

    /// A uniform integer in 0..<bound by rejection, independent of the standard library's algorithm.
    static func uniform(below bound: UInt64, using generator: inout some RandomNumberGenerator) -> UInt64 {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        let threshold = (0 &- bound) % bound  // 2^64 mod bound: values below it would bias the remainder
        while true {
            let value = generator.next()
            if value >= threshold { return value % bound }
        }
    }

    /// pi_i in units of 2^-32, summing exactly to count x 2^32, each at most 2^32.
    static func fixedPointProbabilities(weights: [Double], selecting count: Int) -> [UInt64] {
        precondition(weights.allSatisfy { $0.isFinite && $0 >= 0 }, "channel weights must be finite and non-negative")
        precondition((0...weights.count).contains(count), "cannot draw \(count) of \(weights.count) channels")
        precondition(weights.count <= 1 << 24, "at most 2^24 channels per layer")
        var probabilities = [Double](repeating: 0, count: weights.count)
        var remaining = Double(count)
        var open = weights.indices.filter { weights[$0] > 0 }
        while remaining > 0 && !open.isEmpty {
            if Double(open.count) <= remaining {
                for channel in open { probabilities[channel] = 1 }
                remaining -= Double(open.count)
                open = []
                break
            }
            let total = open.reduce(0.0) { $0 + weights[$1] }
            let capped = open.filter { remaining * weights[$0] >= total }
            if capped.isEmpty {
                for channel in open { probabilities[channel] = remaining * weights[channel] / total }
                remaining = 0
                break
            }
            for channel in capped { probabilities[channel] = 1 }
            remaining -= Double(capped.count)
            let cappedSet = Set(capped)
            open.removeAll { cappedSet.contains($0) }
        }
        if remaining > 0 {
            let zeros = weights.indices.filter { probabilities[$0] == 0 }
            for channel in zeros { probabilities[channel] = remaining / Double(zeros.count) }
        }
        // Fixed point: floor, then hand the missing units to the largest remainders (ties to the lower index).
        let scale = Double(Self.scale)
        var units = probabilities.map { UInt64(min(scale, ($0 * scale).rounded(.down))) }
        let target = UInt64(count) * Self.scale
        var sum = units.reduce(0, +)
        let byRemainder = probabilities.indices.sorted { first, second in
            let a = probabilities[first] * scale - Double(units[first])
            let b = probabilities[second] * scale - Double(units[second])
            return a != b ? a > b : first < second
        }
        while sum < target {
            for channel in byRemainder where sum < target && units[channel] < Self.scale && probabilities[channel] > 0 {
                units[channel] += 1
                sum += 1
            }
            if !byRemainder.contains(where: { units[$0] < Self.scale && probabilities[$0] > 0 }) { break }
        }
        while sum > target {
            for channel in byRemainder.reversed() where sum > target && units[channel] > 0 {
                units[channel] -= 1
                sum -= 1
            }
        }
        precondition(sum == target, "inclusion probabilities must sum to the channel count")
        return units
    }
}
