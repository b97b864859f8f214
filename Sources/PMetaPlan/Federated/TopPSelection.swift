/// TinyMetaFed's Top-P% selective communication: after its local update a client sends only the P% of the
/// global weights that changed most, with their indices.
///
/// "Changed" is |w_after - w_received|: the weight after the client's update minus the weight the server
/// sent at the start of the round. The client sends k = ceil(P n / 100) values, always k, even when fewer
/// than k weights changed at all, so the message size is known before the round.
public enum TopPSelection {
    /// k = ceil(P n / 100), the number of values sent of `positions` global weights.
    /// - Parameters:
    ///   - positions: n, the number of global weights.
    ///   - percentage: P, in (0, 100].
    /// - Throws: `ArithmeticOverflow` when P n does not fit in 64 bits at P's decimal precision.
    public static func count(of positions: Int, percentage: Percentage) throws -> Int {
        precondition(positions >= 0, "a count of weights is non-negative")
        precondition(isValid(percentage), "Top-P needs 0% < P <= 100%, got \(percentage)")
        var denominator = 100
        for _ in 0..<percentage.decimalPlaces {
            denominator = try Checked.product(denominator, 10, context: "Top-P percentage \(percentage)")
        }
        let numerator = try Checked.product(positions, percentage.significand, context: "Top-P of \(positions) weights")
        return min(positions, Checked.divideRoundingUp(numerator, by: denominator))
    }

    /// Whether `percentage` is a usable P: above 0% and at most 100%.
    public static func isValid(_ percentage: Percentage) -> Bool {
        guard percentage.significand > 0 else { return false }
        var hundred = 100
        for _ in 0..<percentage.decimalPlaces {
            let (next, overflow) = hundred.multipliedReportingOverflow(by: 10)
            if overflow { return true }  // 100 at this precision does not fit, so P (which did) is below it
            hundred = next
        }
        return percentage.significand <= hundred
    }

    /// The indices of the `count` largest |changes|, sorted ascending; ties go to the lower index.
    /// - Parameters:
    ///   - changes: w_after - w_received for every global weight, in the partition's global order.
    ///   - count: k, 0...changes.count.
    /// - Complexity: O(n log n).
    public static func indices<Value: BinaryFloatingPoint>(ofLargestChanges changes: [Value], count: Int) -> [Int] {
        precondition((0...changes.count).contains(count), "cannot pick \(count) of \(changes.count) weights")
        precondition(changes.allSatisfy(\.isFinite), "weight changes must be finite")
        let order = changes.indices.sorted { first, second in
            let (a, b) = (changes[first].magnitude, changes[second].magnitude)
            return a != b ? a > b : first < second
        }
        return order.prefix(count).sorted()
    }
}
