import PMetaPlan

/// Second-order meta-gradients (Eq. (7) with its Hessian terms; MAML's full meta-gradient).
///
/// The inner loop is θ_{k+1} = θ_k − A_k ∇ℓ_S(θ_k), with A_k the diagonal of the step sizes α_l^k of the layers
/// step k updates (whole layers: every meta-learning method here updates whole layers) and 0 elsewhere. Its
/// Jacobian is I − A_k H_k with H_k = ∇²ℓ_S(θ_k), symmetric, so the adjoint of θ_k is
/// g_k = g_{k+1} − H_k (A_k g_{k+1}), from g_K = ∇ℓ_Q(θ_K) down to g_0 = ∂ℓ_Q/∂θ. Each Hessian-vector product is
/// a central finite difference of support gradients, H v ≈ (∇ℓ_S(θ + εv) − ∇ℓ_S(θ − εv)) / 2ε, with ε‖v‖ = 0.01:
/// two extra gradient passes per inner step. The step sizes' gradients use the adjoint of the step's result,
/// ∂ℓ/∂α_l^k = −⟨g_{k+1,l}, ∇_l ℓ_S(θ_k)⟩, where the first-order rule uses ∇ℓ_Q(θ_K) for every step.
///
/// With meta attention the step is θ_{k+1} = θ_k − A_k Γ_k ∇ℓ_S(θ_k), Γ_k the diagonal of the scores
/// γ^fw_a γ^bw_b (and γ^bw_b for a bias) of the attended layers, 1 elsewhere. The scores are held constant in θ, as
/// the first-order module gradient holds the channel means constant: the Jacobian is I − A_k Γ_k H_k and its
/// transpose I − H_k Γ_k A_k, so the probe direction is A_k Γ_k g_{k+1}. The step-size gradient becomes
/// −⟨g_{k+1,l}, Γ_k ∇_l ℓ_S(θ_k)⟩ and the modules' gradient is the first-order one with g_{k+1} in place of ∇ℓ_Q(θ_K).
/// What this leaves out is the path θ → channel means → scores; it is exactly 0 where a module's weight matrix is 0
/// (the scores then depend on its bias alone), which is how `SecondOrderTests` checks the rest against the outer loss.
extension MetaLearner {
    /// The norm of the perturbation ε v of each Hessian-vector product.
    static let hessianProbeNorm: Double = 0.01

    /// ∂ℓ_Q/∂θ, ∂ℓ_Q/∂α (`[k][l]`, zeros unless step sizes are learned) and with meta attention ∂ℓ_Q/∂(modules), by
    /// the adjoint recursion above.
    /// - Parameters:
    ///   - inner: The inner loop's steps, recorded with their starting weights.
    ///   - query: ∇ℓ_Q at the adapted weights, per layer.
    func secondOrderGradients(of task: FewShotTask, inner: [InnerStep], query: [LayerGradient?])
        -> (weights: NetworkParameters, stepSizes: [[Float]], attention: NetworkParameters?)
    {
        let shapes = network.operations.map(\.parameterShapes)
        func supportGradient(at weights: NetworkParameters) -> NetworkParameters {
            denseGradients(network.gradients(for: task.support, parameters: weights, scope: .everything(of: network),
                                             kernels: configuration.kernels).gradients, like: weights)
        }
        func dot(_ a: [Tensor], _ b: [Tensor]) -> Double { zip(a, b).reduce(0.0) { $0 + $1.0.dot($1.1) } }
        var stepSizeGradients = Array(repeating: Array(repeating: Float(0), count: network.layerCount), count: configuration.innerSteps)
        var attentionGradient = attention?.modules.zeros()
        guard let first = inner.first?.start else { return (parameters.zeros(), stepSizeGradients, attentionGradient) }
        var adjoint = denseGradients(query, like: first)
        for step in inner.indices.reversed() {
            guard let start = inner[step].start else { preconditionFailure("MetaLearner: an inner step without its starting weights") }
            var direction = adjoint.zeros()
            for layer in 0..<network.layerCount {
                guard let innerGradient = inner[step].gradients[layer] else { continue }
                let record = inner[step].attention[layer]
                // Γ_k is diagonal: ⟨g, Γ ∇ℓ_S⟩ = ⟨Γ g, ∇ℓ_S⟩, so the weighted adjoint serves both terms.
                let weightedAdjoint = record.map { Self.attentionWeighted(adjoint.layers[layer], by: $0) } ?? adjoint.layers[layer]
                let dense = innerGradient.dense(shapes: shapes[layer])
                if configuration.method.learnsStepSizes {
                    stepSizeGradients[step][layer] = Float(-dot(weightedAdjoint, dense))
                }
                guard stepSizes[step][layer] != 0 else { continue }
                let stepSize = stepSizes[step][layer]
                if let record {
                    attentionGradient!.layers[layer] = zip(attentionGradient!.layers[layer], Self.attentionModuleGradient(
                        record, outer: adjoint.layers[layer], inner: dense, stepSize: stepSize)).map { $0 + $1 }
                }
                direction.layers[layer] = weightedAdjoint.map { $0.map { stepSize * $0 } }
            }
            let norm = direction.layers.joined().reduce(0.0) { $0 + $1.dot($1) }.squareRoot()
            guard norm > 0, norm.isFinite else { continue }
            let epsilon = Float(Self.hessianProbeNorm / norm)
            var plus = start, minus = start
            plus.add(direction, scaledBy: epsilon)
            minus.add(direction, scaledBy: -epsilon)
            var product = supportGradient(at: plus)
            product.add(supportGradient(at: minus), scaledBy: -1)
            adjoint.add(product, scaledBy: -1 / (2 * epsilon))
        }
        return (adjoint, stepSizeGradients, attentionGradient)
    }

    /// Γ v for one attended layer's dense `[weight, bias]`: `LayerGradient.weighted(forward:backward:)` on the
    /// tensors read as a gradient of every channel (attended layers are ungrouped, so that is the weight's own layout).
    static func attentionWeighted(_ tensors: [Tensor], by record: AttentionRecord) -> [Tensor] {
        let weight = tensors[0]
        let full = WeightGradient(weightShape: weight.shape, groupCount: 1, outputChannels: Array(0..<weight.shape[0]),
                                  inputChannels: Array(0..<weight.shape[1]), values: weight.values)
        let weighted = LayerGradient.weights(full, bias: tensors.count > 1 ? tensors[1] : nil)
            .weighted(forward: record.forward.scores, backward: record.backward.scores)
        return weighted.dense(shapes: tensors.map(\.shape))
    }
}
