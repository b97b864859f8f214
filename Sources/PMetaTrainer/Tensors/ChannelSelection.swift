/// Which channels (or features) along dimension 1 take part: all of them, or a sorted subset.
///
/// p-Meta's meta attention picks, per layer and step, the input channels of x_{l-1} whose weight
/// gradients are computed (γ^fw, a fraction μ^fw of them) and the output channels of g(y_l) that
/// feed them (γ^bw, a fraction μ^bw); Appendix A.1 counts μ^fw·μ^bw·m(w) + μ^fw·m(x) words for that.
public enum ChannelSelection: Sendable, Hashable {
    /// Every channel.
    case all

    /// Only these channel indices: strictly increasing, each within the channel count.
    case only([Int])

    /// No channel at all (nothing saved, no gradient computed).
    public static let none = ChannelSelection.only([])

    /// The selected indices, checked against a channel count.
    /// - Parameter channelCount: The extent of the channel dimension.
    /// - Returns: `0..<channelCount` for ``all``, otherwise the listed indices.
    /// - Complexity: O(number of selected channels).
    public func indices(channelCount: Int) -> [Int] {
        switch self {
        case .all:
            return Array(0..<channelCount)
        case .only(let indices):
            for (position, index) in indices.enumerated() {
                precondition(
                    index >= 0 && index < channelCount,
                    "ChannelSelection: index \(index) is outside 0..<\(channelCount)")
                precondition(
                    position == 0 || indices[position - 1] < index,
                    "ChannelSelection: indices must be strictly increasing, got \(indices)")
            }
            return indices
        }
    }
}
