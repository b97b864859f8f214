/// Which gradients a backward pass of conv2d or linear computes.
///
/// Sparse adaptation skips most of them: a frozen layer (α_l = 0) needs only g(x_{l-1}) to pass the
/// gradient on, the first updated layer needs no g(x_{l-1}) at all, and a partially updated layer
/// computes g(w_l) only for the output channels γ^bw selects (and the input channels it saved).
public struct GradientRequest: Sendable, Hashable {
    /// Whether to compute g(x_{l-1}), the gradient passed on to the previous layer.
    public var computesInputGradient: Bool

    /// Whether to compute g(w_l) for the selected output channels and the saved input channels.
    public var computesWeightGradient: Bool

    /// Whether to compute the bias gradient (for every output channel; it needs no saved input).
    public var computesBiasGradient: Bool

    /// The output channels (rows of the weight) whose weight gradients are computed, γ^bw.
    public var weightGradientOutputChannels: ChannelSelection

    /// Creates a request; by default every gradient, for every channel.
    /// - Parameters:
    ///   - computesInputGradient: Whether to compute g(x_{l-1}).
    ///   - computesWeightGradient: Whether to compute g(w_l).
    ///   - computesBiasGradient: Whether to compute the bias gradient.
    ///   - weightGradientOutputChannels: The output channels whose weight gradients are computed.
    public init(
        computesInputGradient: Bool = true,
        computesWeightGradient: Bool = true,
        computesBiasGradient: Bool = true,
        weightGradientOutputChannels: ChannelSelection = .all
    ) {
        self.computesInputGradient = computesInputGradient
        self.computesWeightGradient = computesWeightGradient
        self.computesBiasGradient = computesBiasGradient
        self.weightGradientOutputChannels = weightGradientOutputChannels
    }

    /// Every gradient, for every channel: plain backpropagation.
    public static let all = GradientRequest()

    /// Only g(x_{l-1}): the backward pass through a frozen layer.
    public static let inputOnly = GradientRequest(computesWeightGradient: false, computesBiasGradient: false)
}
