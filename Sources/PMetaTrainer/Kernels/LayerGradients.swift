/// The gradients one backward pass of conv2d or linear produced; `nil` where the request skipped one.
public struct LayerGradients: Sendable, Hashable {
    /// g(x_{l-1}), shaped like the layer's input.
    public var input: Tensor?

    /// g(w_l) for the selected output channels and saved input channels.
    public var weight: WeightGradient?

    /// The bias gradient, `[C_out]`.
    public var bias: Tensor?

    /// Creates a set of gradients.
    /// - Parameters:
    ///   - input: g(x_{l-1}), or `nil` when not computed.
    ///   - weight: g(w_l), or `nil` when not computed.
    ///   - bias: The bias gradient, or `nil` when not computed.
    public init(input: Tensor?, weight: WeightGradient?, bias: Tensor?) {
        self.input = input
        self.weight = weight
        self.bias = bias
    }
}
