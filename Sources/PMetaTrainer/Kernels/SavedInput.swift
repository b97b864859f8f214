/// The part of a layer's input x_{l-1} kept from the forward pass for the weight gradient.
///
/// p-Meta's memory saving (Eq. 16-17 of Appendix A) comes from saving only the input channels whose
/// weight gradients will be computed: μ^fw·m(x_{l-1}) words instead of m(x_{l-1}). This type holds
/// exactly those channels, so a caller that keeps it really holds that much less.
public struct SavedInput: Sendable, Hashable {
    /// The shape of the whole input x_{l-1}, which g(x_{l-1}) takes.
    public let inputShape: [Int]

    /// The input channels (or features) kept, strictly increasing.
    public let channels: [Int]

    /// x_{l-1} restricted to ``channels``: `[N, channels.count, ...]`.
    public let tensor: Tensor

    /// Keeps the selected channels of an input.
    /// - Parameters:
    ///   - selection: The channels to keep; ``ChannelSelection/none`` keeps only the shape.
    ///   - input: The full input x_{l-1}, `[N, C, H, W]` or `[N, F]`.
    /// - Complexity: O(N · kept channels · H · W); keeping every channel shares storage and copies nothing.
    public init(keeping selection: ChannelSelection, of input: Tensor) {
        inputShape = input.shape
        channels = selection.indices(channelCount: input.channelCount)
        tensor = input.selectingChannels(channels)
    }

    /// m(x_{l-1})·μ^fw, the words this saved input occupies.
    public var wordCount: Int { tensor.count }
}
