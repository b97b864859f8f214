import PMetaPlan
@testable import PMetaTrainer
import Testing

/// Issue 16: second-order meta-gradients (`MetaTrainingConfiguration.secondOrder`) against central finite
/// differences of the outer loss itself, ℓ_Q(θ_K(θ, α)), which the first-order rule only approximates.
@Suite struct SecondOrderTests {
    /// A 1-8-8-1 ReLU MLP on one sinusoid task, K = 2 inner steps of MAML++ at alpha = 0.05 (large
    /// enough that the Hessian terms matter).
    static let mlp = """
        {"format": 1, "name": "MLP tiny", "input": {"shape": [1], "element_bytes": 4},
         "layers": [{"name": "fc1", "op": "linear", "out_features": 8}, {"name": "relu1", "op": "relu"},
                    {"name": "fc2", "op": "linear", "out_features": 8}, {"name": "relu2", "op": "relu"},
                    {"name": "head", "op": "linear", "out_features": 1}]}
        """

    static func learner(secondOrder: Bool, stepSizes: [[Float]]? = nil, attention: MetaAttention? = nil) throws -> (MetaLearner, FewShotTask) {
        let network = try TestNetworks.network(mlp)
        var generator = SplitMix64(seed: 17)
        var configuration = MetaTrainingConfiguration(method: .mamlPlusPlus, innerSteps: 2, innerStepSize: 0.3, kernels: .scratchFree)
        configuration.secondOrder = secondOrder
        let parameters = network.initialParameters(using: &generator)
        let sizes = stepSizes ?? configuration.method.initialStepSizes(for: network, innerSteps: 2, stepSize: 0.05)
        let learner = MetaLearner(network: network, configuration: configuration, parameters: parameters, stepSizes: sizes,
                                  attention: attention)
        return (learner, SinusoidTasks(shots: 10, queryPoints: 10).task(from: .training, using: &generator))
    }

    /// Meta attention on fc1 and fc2 whose modules' weight matrices are 0 and whose biases are N(0, 1): the scores are
    /// far from uniform (and with rho_fw > 0 some channels are clipped) but do not depend on the network's weights,
    /// so the one path the second-order rule leaves out (weights -> channel means -> scores) is exactly 0 here and
    /// finite differences of the outer loss check everything else.
    static func biasOnlyAttention(forwardClipRatio: Float) throws -> MetaAttention {
        let network = try TestNetworks.network(mlp)
        var generator = SplitMix64(seed: 5)
        var attention = MetaAttention(network: network, forwardClipRatio: forwardClipRatio, using: &generator)
        for layer in attention.modules.layers.indices where !attention.modules.layers[layer].isEmpty {
            for tensor in [0, 2] { attention.modules.layers[layer][tensor] = Tensor(zeros: attention.modules.layers[layer][tensor].shape) }
            for tensor in [1, 3] {
                attention.modules.layers[layer][tensor] = Tensor(randomNormal: attention.modules.layers[layer][tensor].shape, using: &generator)
            }
        }
        return attention
    }

    /// The outer loss at θ (the learner's weights with one entry moved).
    static func outerLoss(_ learner: MetaLearner, _ task: FewShotTask, layer: Int, tensor: Int, element: Int, by delta: Float) -> Double {
        var parameters = learner.parameters
        parameters.layers[layer][tensor].values[element] += delta
        return learner.metaGradients(for: task, parameters: parameters).loss
    }

    /// Expects `exact` (every third entry) to match central differences of the outer loss in θ, and returns the summed
    /// distance to those differences of `exact` and of each of `others`, and the sum of |difference quotient|.
    static func weightErrors(_ learner: MetaLearner, _ task: FewShotTask, exact: NetworkParameters, others: [NetworkParameters])
        -> (exact: Double, others: [Double], scale: Double)
    {
        let h: Float = 1e-2
        var exactError = 0.0, scale = 0.0
        var otherErrors = [Double](repeating: 0, count: others.count)
        for layer in exact.layers.indices {
            for tensor in exact.layers[layer].indices {
                for element in stride(from: 0, to: exact.layers[layer][tensor].count, by: 3) {
                    let numeric = (outerLoss(learner, task, layer: layer, tensor: tensor, element: element, by: h)
                                   - outerLoss(learner, task, layer: layer, tensor: tensor, element: element, by: -h)) / Double(2 * h)
                    let analytic = Double(exact.layers[layer][tensor].values[element])
                    #expect(abs(analytic - numeric) <= 2e-3 + 0.03 * abs(numeric), "layer \(layer) tensor \(tensor)[\(element)]: \(analytic) vs \(numeric)")
                    exactError += abs(analytic - numeric)
                    for index in others.indices { otherErrors[index] += abs(Double(others[index].layers[layer][tensor].values[element]) - numeric) }
                    scale += abs(numeric)
                }
            }
        }
        return (exactError, otherErrors, scale)
    }

    /// Expects `exact` (∂ℓ/∂α of every nonzero α) to match central differences of the outer loss in α.
    static func expectStepSizeGradientsMatch(_ learner: MetaLearner, _ task: FewShotTask, exact: [[Float]], attention: MetaAttention?) throws {
        let h: Float = 1e-3
        for step in 0..<2 {
            for layer in learner.stepSizes[step].indices where learner.stepSizes[step][layer] > 0 {
                var up = learner.stepSizes, down = learner.stepSizes
                up[step][layer] += h
                down[step][layer] -= h
                let lossUp = try Self.learner(secondOrder: true, stepSizes: up, attention: attention).0.metaGradients(for: task).loss
                let lossDown = try Self.learner(secondOrder: true, stepSizes: down, attention: attention).0.metaGradients(for: task).loss
                let numeric = (lossUp - lossDown) / Double(2 * h)
                #expect(abs(Double(exact[step][layer]) - numeric) <= 2e-3 + 0.03 * abs(numeric), "alpha[\(step)][\(layer)]: \(exact[step][layer]) vs \(numeric)")
            }
        }
    }

    @Test func weightGradientsMatchFiniteDifferencesOfTheOuterLoss() throws {
        let (second, task) = try Self.learner(secondOrder: true)
        let (first, _) = try Self.learner(secondOrder: false)
        let errors = Self.weightErrors(second, task, exact: second.metaGradients(for: task).weights,
                                       others: [first.metaGradients(for: task).weights])
        let (secondError, firstError) = (errors.exact, errors.others[0])
        print("second-order check: first-order error \(firstError), second-order \(secondError), sum of |gradient| \(errors.scale)")
        // The Hessian terms matter here: the first-order rule is several times further from the truth.
        #expect(firstError > 3 * secondError, "first-order error \(firstError), second-order \(secondError), scale \(errors.scale)")
    }

    @Test func stepSizeGradientsMatchFiniteDifferencesOfTheOuterLoss() throws {
        let (second, task) = try Self.learner(secondOrder: true)
        try Self.expectStepSizeGradientsMatch(second, task, exact: second.metaGradients(for: task).stepSizes, attention: nil)
    }

    /// With meta attention (rho_fw = 0.3, so some of fc1's and fc2's input channels get no update) the weights' and
    /// the step sizes' meta-gradients match finite differences of the outer loss, and the first-order rule does not.
    @Test func withAttentionWeightAndStepSizeGradientsMatchFiniteDifferences() throws {
        let attention = try Self.biasOnlyAttention(forwardClipRatio: 0.3)
        let (second, task) = try Self.learner(secondOrder: true, attention: attention)
        let (first, _) = try Self.learner(secondOrder: false, attention: attention)
        let (plain, _) = try Self.learner(secondOrder: true)
        let exact = second.metaGradients(for: task)
        let errors = Self.weightErrors(second, task, exact: exact.weights,
                                       others: [first.metaGradients(for: task).weights, plain.metaGradients(for: task).weights])
        let (secondError, firstError, attentionEffect) = (errors.exact, errors.others[0], errors.others[1])
        print("second-order check with attention: first-order error \(firstError), second-order \(secondError), without attention \(attentionEffect)")
        #expect(firstError > 3 * secondError, "first-order error \(firstError), second-order \(secondError)")
        // The scores change the answer: the same rule without attention is far from this outer loss.
        #expect(attentionEffect > 3 * secondError, "without attention \(attentionEffect), second-order \(secondError)")
        try Self.expectStepSizeGradientsMatch(second, task, exact: exact.stepSizes, attention: attention)
    }

    /// The modules' meta-gradients (both weight matrices and both biases of fc1 and fc2) match finite differences of
    /// the outer loss. rho = 0, so Alg. 1's straight-through estimator is exact; at a zero weight matrix the scores'
    /// derivative in the channel means is 0, so holding the means constant drops nothing either.
    @Test func withAttentionModuleGradientsMatchFiniteDifferences() throws {
        let attention = try Self.biasOnlyAttention(forwardClipRatio: 0)
        let (second, task) = try Self.learner(secondOrder: true, attention: attention)
        let exact = try #require(second.metaGradients(for: task).attention)
        let h: Float = 1e-2
        var checked = 0, scale = 0.0
        for layer in attention.modules.layers.indices {
            for tensor in attention.modules.layers[layer].indices {
                for element in stride(from: 0, to: attention.modules.layers[layer][tensor].count, by: 5) {
                    func loss(_ delta: Float) throws -> Double {
                        var moved = attention
                        moved.modules.layers[layer][tensor].values[element] += delta
                        return try Self.learner(secondOrder: true, attention: moved).0.metaGradients(for: task).loss
                    }
                    let numeric = (try loss(h) - loss(-h)) / Double(2 * h)
                    let analytic = Double(exact.layers[layer][tensor].values[element])
                    #expect(abs(analytic - numeric) <= 2e-3 + 0.03 * abs(numeric), "module \(layer).\(tensor)[\(element)]: \(analytic) vs \(numeric)")
                    checked += 1
                    scale += abs(numeric)
                }
            }
        }
        #expect(checked >= 10 && scale > 1e-2, "\(checked) entries checked, sum of |gradient| \(scale)")
    }
}
