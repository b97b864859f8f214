import PMetaPlan

/// The gradient of one layer's trainable tensors in one inner step, only where the step computes it.
public enum LayerGradient: Sendable, Hashable {
    /// conv2d or linear: g(w_l) on the selected channels (`nil` for a bias-only update) and the bias
    /// gradient (`nil` for a layer without bias).
    case weights(WeightGradient?, bias: Tensor?)
    /// A normalization: g(γ) (`nil` for a bias-only update) and g(β).
    case normalization(scale: Tensor?, shift: Tensor?)
    /// A learned tensor: the gradient of every element.
    case tensor(Tensor)

    /// The zero accumulator an update of a layer needs.
    /// - Parameters:
    ///   - operation: The layer's kernel.
    ///   - update: Which parameters the step updates.
    ///   - inputChannels: The selected input channels (γ^fw) for a conv2d/linear weight update.
    ///   - outputChannels: The selected output channels (γ^bw) for a conv2d/linear weight update.
    static func zeros(for operation: NetworkOperation, update: LayerUpdate.Parameters, inputChannels: [Int], outputChannels: [Int]) -> LayerGradient {
        switch operation {
        case .conv2d(let conv, let hasBias):
            let weight = update == .all
                ? WeightGradient.zeros(weightShape: conv.weightShape, groupCount: conv.groupCount,
                                       outputChannels: outputChannels, inputChannels: inputChannels) : nil
            return .weights(weight, bias: hasBias ? Tensor(zeros: [conv.outputChannels]) : nil)
        case .linear(let linear, let hasBias):
            let weight = update == .all
                ? WeightGradient.zeros(weightShape: linear.weightShape, groupCount: 1,
                                       outputChannels: outputChannels, inputChannels: inputChannels) : nil
            return .weights(weight, bias: hasBias ? Tensor(zeros: [linear.outputFeatures]) : nil)
        case .convolution(let conv, let hasBias, _):
            let weight = update == .all
                ? WeightGradient.zeros(weightShape: conv.weightShape, groupCount: conv.groupCount,
                                       outputChannels: outputChannels, inputChannels: inputChannels) : nil
            return .weights(weight, bias: hasBias ? Tensor(zeros: [conv.outputChannels]) : nil)
        case .parameter(let shape):
            // A learned tensor has no bias: an update of anything less than its elements computes nothing.
            return .tensor(Tensor(zeros: update == .all ? shape : [0]))
        case .groupNorm(let norm), .tokenNorm(let norm):
            return .normalization(scale: update == .all ? Tensor(zeros: [norm.channelCount]) : nil,
                                  shift: Tensor(zeros: [norm.channelCount]))
        default:
            preconditionFailure("LayerGradient: \(operation) has no parameters")
        }
    }

    /// The bytes the gradient buffers hold (float32).
    public var byteCount: Int {
        switch self {
        case .weights(let weight, let bias): 4 * ((weight?.values.count ?? 0) + (bias?.count ?? 0))
        case .normalization(let scale, let shift): 4 * ((scale?.count ?? 0) + (shift?.count ?? 0))
        case .tensor(let gradient): 4 * gradient.count
        }
    }

    /// `tensors += scale * gradient` on the computed entries only: the SGD step w ← w − α·g with `scale = −α`.
    /// - Parameters:
    ///   - tensors: The layer's parameters, `[weight, bias]` or `[γ, β]`.
    ///   - scale: The factor.
    public func apply(to tensors: inout [Tensor], scaledBy scale: Float) {
        switch self {
        case .weights(let weight, let bias):
            weight?.apply(to: &tensors[0], scaledBy: scale)
            if let bias { tensors[1].add(bias, scaledBy: scale) }
        case .normalization(let gamma, let beta):
            if let gamma { tensors[0].add(gamma, scaledBy: scale) }
            if let beta { tensors[1].add(beta, scaledBy: scale) }
        case .tensor(let gradient):
            if gradient.count > 0 { tensors[0].add(gradient, scaledBy: scale) }
        }
    }

    /// The gradient with the parameters' shapes, zero where nothing was computed.
    /// - Parameter shapes: The layer's parameter shapes.
    public func dense(shapes: [[Int]]) -> [Tensor] {
        switch self {
        case .weights(let weight, let bias):
            [weight?.dense() ?? Tensor(zeros: shapes[0])] + (shapes.count > 1 ? [bias ?? Tensor(zeros: shapes[1])] : [])
        case .normalization(let gamma, let beta):
            [gamma ?? Tensor(zeros: shapes[0]), beta ?? Tensor(zeros: shapes[1])]
        case .tensor(let gradient):
            [gradient.count > 0 ? gradient : Tensor(zeros: shapes[0])]
        }
    }

    /// The gradient weighted by meta attention: entry (b, a) of g(w_l) times γ^fw_a γ^bw_b, the bias times γ^bw_b
    /// (Eq. (13)). Needs every channel selected (a dense conv2d/linear gradient).
    public func weighted(forward: [Float], backward: [Float]) -> LayerGradient {
        guard case .weights(let weight?, let bias) = self else { preconditionFailure("LayerGradient: attention weighs conv2d/linear gradients") }
        var scaled = weight
        let kernelElements = weight.kernelElementCount
        scaled.values.withUnsafeMutableBufferPointer { target in
            weight.forEachEntry { output, input, compactOffset, _ in
                let factor = forward[input] * backward[output]
                for element in 0..<kernelElements { target[compactOffset + element] *= factor }
            }
        }
        return .weights(scaled, bias: bias.map { Tensor(shape: $0.shape, values: zip($0.values, backward).map { $0 * $1 }) })
    }
}
