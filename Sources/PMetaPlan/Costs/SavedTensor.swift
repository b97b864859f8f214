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
    }

    /// What the tensor is.
    public var kind: Kind
    /// Its elements per sample.
    public var elements: Int
    /// Bits per element.
    public var bitsPerElement: Int

    /// Bytes for `samples` samples stored as one tensor, rounded up to whole bytes.
    /// - Throws: `ArithmeticOverflow` for absurd sizes.
    public func bytes(samples: Int) throws -> Int {
        let bits = try Checked.product(elements, bitsPerElement, samples, context: "saved \(kind.rawValue)")
        return Checked.divideRoundingUp(bits, by: 8)
    }
}
