/// A tensor a layer keeps from the forward pass for the backward pass, for one sample.
public struct SavedTensor: Hashable, Sendable {
    /// What the tensor is.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// x_{l-1} (its selected channels), needed for the weight gradient g(w_l).
        case input
        /// A normalization's normalized input, needed for gamma's and the input's gradients.
        case normalizedInput = "normalized input"
        /// A normalization's per-group mean and 1/std.
        case normalizationStatistics = "statistics"
        /// sigma'(y_l) of a ReLU-family activation, 1 bit per element (T = 32).
        case activationMask = "mask"
        /// The arg-max of each max-pool window (T = 16 for 2x2 windows).
        case poolIndices = "pool indices"
        /// x_L, the network output, needed by the loss gradient.
        case networkOutput = "output"
        /// The input of an activation whose derivative needs it (hard-swish, SiLU, GELU).
        case activationInput = "activation input"
        /// The output of an activation whose derivative is written in it (sigmoid, tanh, softmax).
        case activationOutput = "activation output"
        /// Which elements dropout kept, 1 bit per element.
        case dropoutMask = "dropout mask"
        /// An operand of a product (mul, matmul), needed for the other operand's gradient.
        case operand
        /// A contiguous copy of a matrix product's strided operand, kept instead of it (`pytorch`).
        case operandCopy = "operand copy"
        /// A normalization's or a pool's input itself, kept by autograd (`pytorch`).
        case layerInput = "layer input"
        /// The copy of the network output the loss keeps (cross-entropy's log_softmax, `pytorch`).
        case lossInput = "loss input"
        /// Meta attention's input-channel scores gamma^fw of an attended conv/linear layer (Sec. 3.3), one per input
        /// channel and pass, kept for the weighting of g(w_l).
        case attentionScores = "attention scores"
    }

    /// Which tensor of the forward pass a saved tensor is, when it is one whole (the same buffer, not a copy).
    public enum Alias: Hashable, Sendable {
        /// The layer's input at this position.
        case input(Int)
        /// The layer's output.
        case output
    }

    /// What the tensor is.
    public var kind: Kind
    /// Its elements per sample.
    public var elements: Int
    /// Bits per element.
    public var bitsPerElement: Int
    /// The forward tensor it is, when it is kept whole: a working set that holds that tensor holds it once.
    public var alias: Alias?
    /// The layer of the step that keeps the same forward buffer whole and counts its bytes, when that is another
    /// layer (or an earlier entry of the same layer): this entry then takes no bytes of its own (store once).
    public var heldBy: Int?
    /// Whether one tensor serves the whole micro-batch (batch norm's per-channel 1/std over the batch), so its size
    /// does not grow with the samples.
    public var isPerMicroBatch: Bool

    /// Creates a saved tensor.
    public init(kind: Kind, elements: Int, bitsPerElement: Int, alias: Alias? = nil, heldBy: Int? = nil, isPerMicroBatch: Bool = false) {
        self.kind = kind
        self.elements = elements
        self.bitsPerElement = bitsPerElement
        self.alias = alias
        self.heldBy = heldBy
        self.isPerMicroBatch = isPerMicroBatch
    }

    /// Bytes for `samples` samples stored as one tensor, rounded up to whole bytes (a per-micro-batch tensor once);
    /// 0 when another entry holds it.
    /// - Throws: `ArithmeticOverflow` for absurd sizes.
    public func bytes(samples: Int) throws -> Int {
        guard heldBy == nil else { return 0 }
        let bits = try Checked.product(elements, bitsPerElement, isPerMicroBatch ? 1 : samples, context: "saved \(kind.rawValue)")
        return Checked.divideRoundingUp(bits, by: 8)
    }
}
