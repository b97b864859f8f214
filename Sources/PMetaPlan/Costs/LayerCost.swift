/// The plan-independent costs of one layer for one sample: tensor sizes, parameters and MACs (Appendix A.1).
public struct LayerCost: Hashable, Sendable {
    /// The layer's position in the graph.
    public var index: Int
    /// m(x_{l-1}), the elements of the layer's input (all inputs together for add and concat).
    public var inputElements: Int
    /// C_{l-1}, the channels an update selects among: a convolution's first axis, a linear layer's last
    /// (features), a normalization's affine size; otherwise the first input's first axis (0 without inputs).
    public var inputChannels: Int
    /// m(x_l) = m(y_l), the elements of the output.
    public var outputElements: Int
    /// C_l, the channels (or features) of the output.
    public var outputChannels: Int
    /// m(w_l), the elements of the main trainable tensor: conv/linear weights, or a normalization's gamma.
    public var weightElements: Int
    /// The bias elements: conv/linear bias, or a normalization's beta.
    public var biasElements: Int
    /// Non-trainable state kept with the model (batch norm's running mean and variance).
    public var bufferElements: Int
    /// Forward MACs: H_l W_l m(w_l) for a convolution, rows x m(w_l) for a linear layer, batch N K M for a
    /// matmul, plus per-element terms.
    public var forwardMACs: Int
    /// MACs of g(x_{l-1}) when the input gradient is needed: H_{l-1} W_{l-1} m(w_l) in Eq. (18).
    public var inputGradientMACs: Int
    /// MACs of g(w_l) with every channel selected (mu_fw = mu_bw = 1): H_l W_l m(w_l) in Eq. (18).
    public var weightGradientMACs: Int
    /// How many times each weight is used per sample: H_l W_l for a convolution, the rows for a linear layer.
    public var weightPositions: Int
    /// Per-sample statistics a normalization keeps for its backward pass: 1/std per group (x̂ makes the mean unnecessary).
    public var statisticElements: Int
    /// Positions in a pooling window (the range a max-pool index must cover); 0 for other layers.
    public var poolWindowPositions: Int

    /// All trainable elements of the layer.
    public var parameterElements: Int { weightElements + biasElements }
}
