/// p-Meta's meta attention on one update (Sec. 3.3): Alg. 1's clip ratios rho_fw and rho_bw.
///
/// An attended conv/linear update scores its input channels from x_{l-1} (gamma^fw) and its output channels from
/// g(y_l) (gamma^bw) per pass, keeps only the input channels with gamma^fw > 0 and computes g(w_l) only for the
/// kept inputs and outputs, weighted by gamma^fw_a gamma^bw_b (Eq. (13)). Which channels are kept depends on the
/// data; how many is bounded: Alg. 1 zeroes the smallest probabilities until their sum reaches rho, and the k
/// smallest of C probabilities sum to at most k / C, so at least ceil(rho C) channels are zeroed (the largest
/// always stays). A plan's memory is counted for that worst case, `mostKeptChannels(of:clipRatio:)`.
public struct MetaAttentionRatios: Hashable, Sendable, CustomStringConvertible {
    /// rho^fw of Alg. 1, the probability mass the forward clip removes from the input channels (the paper: 0.3).
    public var forward: ChannelRatio
    /// rho^bw of Alg. 1, for the output channels (the paper: 0).
    public var backward: ChannelRatio

    /// Creates clip ratios; each must be below 1 (a clip of all the mass would keep only the largest channel).
    public init(forward: ChannelRatio, backward: ChannelRatio = .none) {
        precondition(forward < .all && backward < .all, "MetaAttentionRatios: rho must be below 1")
        self.forward = forward
        self.backward = backward
    }

    /// The most channels Alg. 1 keeps of `channels` with clip ratio `clipRatio`: C - ceil(rho C), and at least one
    /// (the largest probability always stays).
    /// - Parameters:
    ///   - channels: C, a positive channel count.
    ///   - clipRatio: rho, below 1.
    public static func mostKeptChannels(of channels: Int, clipRatio: ChannelRatio) -> Int {
        precondition(channels >= 0, "mostKeptChannels(of:) needs a non-negative channel count")
        guard channels > 0 else { return 0 }
        return max(1, channels - clipRatio.selectedCount(of: channels))
    }

    /// The most input channels an attended layer with `channels` inputs keeps (gamma^fw > 0).
    public func mostKeptInputChannels(of channels: Int) -> Int { Self.mostKeptChannels(of: channels, clipRatio: forward) }

    /// The most output channels whose weight gradients an attended layer with `channels` outputs computes (gamma^bw > 0).
    public func mostKeptOutputChannels(of channels: Int) -> Int { Self.mostKeptChannels(of: channels, clipRatio: backward) }

    /// `rho_fw 3/10, rho_bw 0`.
    public var description: String { "rho_fw \(forward), rho_bw \(backward)" }
}
