import PMetaPlan

import Foundation

/// p-Meta's meta attention (Sec. 3.3): per conv/linear layer, channel scores that re-weight and sparsify the
/// weight gradient, computed from the layer's input x_{l-1} (forward) and its output gradient g(y_l) (backward).
///
/// A module maps the batch-averaged channel means of its tensor (global average pooling, then the batch mean,
/// Fig. 3) through a fully connected layer to logits z, and π = softmax(z). Alg. 1 clips π: the smallest
/// entries whose sum first reaches ρ become 0, the rest are renormalized and scaled by C, so
/// γ = C·π_clipped / Σ π_clipped and unclipped scores average 1. The layer's gradient is then
/// γ_{l,ba} ∇w_{l,ba} with γ_{l,ba} = γ^fw_a · γ^bw_b (Eqs. (10)-(13)); on the device only the input channels
/// with γ^fw_a > 0 are stored (Sec. 3.3.2). The paper leaves the output layer without attention, and so does
/// this type; grouped convolutions are left out too.
public struct MetaAttention: Sendable, Hashable {
    /// ρ^fw of Alg. 1 (the paper uses 0.3).
    public var forwardClipRatio: Float
    /// ρ^bw of Alg. 1 (the paper uses 0).
    public var backwardClipRatio: Float
    /// Per layer `[W_fw (C_in x C_in), b_fw (C_in), W_bw (C_out x C_out), b_bw (C_out)]`, empty for layers
    /// without attention; kept as ``NetworkParameters`` so Adam and the weights file serve them as well.
    public var modules: NetworkParameters

    /// Small random modules (scores near uniform) for the attended layers of `network`.
    /// - Parameters:
    ///   - network: The network.
    ///   - forwardClipRatio: ρ^fw, in 0..<1.
    ///   - backwardClipRatio: ρ^bw, in 0..<1.
    ///   - generator: The seeded source of the initial weights.
    public init(network: Network, forwardClipRatio: Float = 0.3, backwardClipRatio: Float = 0,
                using generator: inout some RandomNumberGenerator) {
        precondition((0..<1).contains(forwardClipRatio) && (0..<1).contains(backwardClipRatio), "MetaAttention: ρ must be in 0..<1")
        self.forwardClipRatio = forwardClipRatio
        self.backwardClipRatio = backwardClipRatio
        let attended = Self.attendedLayers(of: network)
        modules = NetworkParameters(layers: network.operations.indices.map { layer in
            guard attended[layer], let (inputs, outputs) = Self.channelCounts(network.operations[layer]) else { return [] }
            return [Tensor(randomNormal: [inputs, inputs], standardDeviation: 0.01, using: &generator), Tensor(zeros: [inputs]),
                    Tensor(randomNormal: [outputs, outputs], standardDeviation: 0.01, using: &generator), Tensor(zeros: [outputs])]
        })
    }

    /// Creates attention from existing modules.
    public init(forwardClipRatio: Float, backwardClipRatio: Float, modules: NetworkParameters) {
        self.forwardClipRatio = forwardClipRatio
        self.backwardClipRatio = backwardClipRatio
        self.modules = modules
    }

    /// The module shapes per layer for `network` (what an attention weights file must hold).
    public static func moduleShapes(of network: Network) -> [[[Int]]] {
        let attended = attendedLayers(of: network)
        return network.operations.indices.map { layer in
            guard attended[layer], let (inputs, outputs) = channelCounts(network.operations[layer]) else { return [] }
            return [[inputs, inputs], [inputs], [outputs, outputs], [outputs]]
        }
    }

    /// Whether each layer has attention: every ungrouped conv2d and every linear layer except the last weight layer.
    public static func attendedLayers(of network: Network) -> [Bool] {
        let head = network.operations.lastIndex { $0.isWeightLayer }
        return network.operations.enumerated().map { index, operation in
            guard index != head else { return false }
            switch operation {
            case .conv2d(let conv, _): return conv.groupCount == 1
            case .linear: return true
            default: return false
            }
        }
    }

    static func channelCounts(_ operation: NetworkOperation) -> (inputs: Int, outputs: Int)? {
        switch operation {
        case .conv2d(let conv, _): (conv.inputChannels, conv.outputChannels)
        case .linear(let linear, _): (linear.inputFeatures, linear.outputFeatures)
        default: nil
        }
    }

    /// Whether a layer has attention.
    public func attends(_ layer: Int) -> Bool { !modules.layers[layer].isEmpty }

    /// rho_fw and rho_bw as the cost model's exact ratios, rounded down to millionths: a smaller rho bounds the kept
    /// channels from above (`MetaAttentionRatios.mostKeptChannels(of:clipRatio:)`), so the prediction stays a bound.
    public var clipRatios: MetaAttentionRatios {
        func exact(_ ratio: Float) -> ChannelRatio { ChannelRatio(Int((Double(ratio) * 1_000_000).rounded(.down)), 1_000_000) }
        return MetaAttentionRatios(forward: exact(forwardClipRatio), backward: exact(backwardClipRatio))
    }

    /// The scores of one module for the batch-averaged channel means `means`.
    /// - Parameters:
    ///   - layer: The layer.
    ///   - means: C batch-averaged channel means of x_{l-1} (forward) or g(y_l) (backward).
    ///   - isForward: Which module.
    /// - Returns: π = softmax(W·means + b) and γ of Alg. 1.
    public func scores(layer: Int, means: [Float], isForward: Bool) -> (probabilities: [Float], scores: [Float]) {
        let weight = modules.layers[layer][isForward ? 0 : 2]
        let bias = modules.layers[layer][isForward ? 1 : 3]
        let count = means.count
        precondition(weight.shape == [count, count], "MetaAttention: \(count) means for a \(weight.shape) module")
        var logits = [Double](repeating: 0, count: count)
        for row in 0..<count {
            var total = Double(bias.values[row])
            for column in 0..<count { total += Double(weight.values[row * count + column]) * Double(means[column]) }
            logits[row] = total
        }
        let largest = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - largest) }
        let sum = exponentials.reduce(0, +)
        let probabilities = exponentials.map { Float($0 / sum) }
        return (probabilities, Self.clip(probabilities, ratio: isForward ? forwardClipRatio : backwardClipRatio))
    }

    /// Alg. 1: zero the smallest probabilities whose sum first reaches ρ, renormalize, scale by C.
    ///
    /// Ties go to the lower channel first, so the clip is deterministic. The largest probability always stays:
    /// taken literally, Alg. 1 would clear every channel when one holds more than 1 − ρ of the mass. Scores
    /// that are not finite (a diverged task, which meta-training then skips) come back as all ones.
    public static func clip(_ probabilities: [Float], ratio: Float) -> [Float] {
        let count = probabilities.count
        guard probabilities.allSatisfy(\.isFinite) else { return Array(repeating: 1, count: count) }
        var kept = probabilities
        if ratio > 0 {
            let order = probabilities.indices.sorted { (probabilities[$0], $0) < (probabilities[$1], $1) }
            var cumulative: Float = 0
            for index in order.dropLast() {
                cumulative += probabilities[index]
                kept[index] = 0
                if cumulative >= ratio { break }
            }
        }
        let total = kept.reduce(0, +)
        guard total > 0 else { return Array(repeating: 1, count: count) }
        return kept.map { $0 / total * Float(count) }
    }

    /// The gradient of a module's parameters, with the straight-through estimator for Alg. 1 (∂γ/∂π = C·I,
    /// exact when ρ = 0) and the channel means held constant (first order).
    /// - Parameters:
    ///   - scoreGradient: ∂ℓ/∂γ, one per channel.
    ///   - probabilities: π of the forward computation.
    ///   - means: The channel means the scores were computed from.
    /// - Returns: ∂ℓ/∂W (C x C) and ∂ℓ/∂b (C).
    static func moduleGradient(scoreGradient: [Float], probabilities: [Float], means: [Float]) -> (weight: Tensor, bias: Tensor) {
        let count = probabilities.count
        let probabilityGradient = scoreGradient.map { $0 * Float(count) }
        let projection = zip(probabilityGradient, probabilities).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let logitGradient = (0..<count).map { probabilities[$0] * (probabilityGradient[$0] - projection) }
        var weight = [Float](repeating: 0, count: count * count)
        for row in 0..<count {
            for column in 0..<count { weight[row * count + column] = logitGradient[row] * means[column] }
        }
        return (Tensor(shape: [count, count], values: weight), Tensor(shape: [count], values: logitGradient))
    }
}
