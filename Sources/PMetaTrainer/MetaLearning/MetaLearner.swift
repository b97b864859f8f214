import Foundation
import PMetaPlan

/// The settings of meta-training.
public struct MetaTrainingConfiguration: Sendable, Hashable {
    /// The algorithm.
    public var method: MetaLearningMethod
    /// K, inner steps per task.
    public var innerSteps: Int
    /// α: the fixed inner step size of MAML/ANIL/BOIL, the initial α_l^k of MAML++ and p-Meta.
    public var innerStepSize: Float
    /// β, Adam's step size for the weights (Eq. (7)).
    public var outerLearningRate: Float
    /// η, Adam's step size for α (the paper's Eqs. (8), (9) write a gradient step; the trainer uses Adam), also the rate of
    /// the Lasso's proximal step.
    public var stepSizeLearningRate: Float
    /// λ of Eq. (9), the weight of the memory-weighted Lasso (p-Meta only).
    public var lassoStrength: Float
    /// Outer steps before the Lasso applies (p-Meta only): until then p-Meta is MAML++, so that step sizes are
    /// judged by a model that has learned something rather than pruned while the weights are still random.
    public var lassoWarmup: Int
    /// Tasks per outer step.
    public var tasksPerBatch: Int
    /// The conv2d kernels (meta-training is not what the device runs, so the faster im2col by default).
    public var kernels: KernelChoice
    /// How the outer learning rates (weights, step sizes, attention) change over the outer steps.
    public var outerSchedule: OuterSchedule = .constant
    /// Differentiate through the inner loop (Eq. (7) with its Hessian terms, by finite differences of gradients:
    /// `MetaLearner+SecondOrder.swift`) instead of the first-order approximation; with meta attention the scores are
    /// held constant in the weights.
    public var secondOrder = false

    /// Creates a configuration.
    public init(method: MetaLearningMethod, innerSteps: Int = 2, innerStepSize: Float = 0.1, outerLearningRate: Float = 1e-3,
                stepSizeLearningRate: Float = 1e-3, lassoStrength: Float = 1e-3, lassoWarmup: Int = 0, tasksPerBatch: Int = 4,
                kernels: KernelChoice = .im2col) {
        precondition(innerSteps >= 1 && tasksPerBatch >= 1, "MetaTrainingConfiguration: need 1+ inner steps and tasks")
        self.method = method
        self.innerSteps = innerSteps
        self.innerStepSize = innerStepSize
        self.outerLearningRate = outerLearningRate
        self.stepSizeLearningRate = stepSizeLearningRate
        self.lassoStrength = lassoStrength
        self.lassoWarmup = lassoWarmup
        self.tasksPerBatch = tasksPerBatch
        self.kernels = kernels
    }
}

/// How the outer loop's learning rates change from outer step to outer step.
public enum OuterSchedule: Sendable, Hashable {
    /// The same rates throughout.
    case constant
    /// Cosine annealing over `iterations` outer steps (MAML++ and p-Meta): at step t (from 0) every outer rate is
    /// multiplied by (1 + cos(pi t / T)) / 2, from 1 at the first step down towards 0 at step T.
    case cosine(iterations: Int)

    /// The factor on the outer rates at outer step `step` (from 0).
    public func factor(atStep step: Int) -> Float {
        switch self {
        case .constant: return 1
        case .cosine(let iterations):
            guard iterations > 0 else { return 1 }
            let progress = Double(min(max(step, 0), iterations)) / Double(iterations)
            return Float((1 + cos(Double.pi * progress)) / 2)
        }
    }
}

/// What one outer step saw.
public struct MetaStepReport: Sendable {
    /// The mean query loss after adaptation.
    public var queryLoss: Double
    /// The mean query score after adaptation (accuracy or MSE).
    public var queryScore: Double
    /// How many layer-steps have a nonzero step size.
    public var activeLayerSteps: Int
}

/// First-order meta-learning of a network's initialization and, for MAML++ and p-Meta, its inner step sizes.
///
/// The inner loop takes K plain gradient steps on the support set, w_l^{k} = w_l^{k-1} − α_l^k ∇_{w_l} ℓ(w^{k-1}; S)
/// (Eq. (6)). The outer loop is first-order, as in FOMAML: the inner gradients are treated as constants, so
/// ∂ℓ(w^K; Q)/∂w = ∇ℓ(w^K; Q) (Eq. (7) with the Hessian terms dropped) and
/// ∂ℓ(w^K; Q)/∂α_l^k = −⟨∇_{w_l} ℓ(w^K; Q), g_l^k⟩, which is exact for K = 1. Weights and step sizes follow Adam
/// (each with its own learning rate, constant or annealed by `OuterSchedule.cosine`); after each Adam step on α, p-Meta's Lasso
/// λ Σ m(x_{l−1}) |α_l^k| (Eq. (9)) is applied as its proximal operator, α ← max(0, α − η·λ·m(x_{l−1})), which sets
/// unimportant layer-steps exactly to 0 (MAML++ only clips at 0, keeping α ≥ 0).
public struct MetaLearner: Sendable {
    /// The network.
    public let network: Network
    /// The settings.
    public let configuration: MetaTrainingConfiguration
    /// The meta-trained initialization θ.
    public internal(set) var parameters: NetworkParameters
    /// α_l^k, `[k][l]`.
    public internal(set) var stepSizes: [[Float]]
    /// p-Meta's meta attention (Sec. 3.3), when trained with it.
    public internal(set) var attention: MetaAttention?
    /// Outer steps taken.
    public private(set) var iteration = 0
    private var optimizer: Adam
    private var stepSizeOptimizer: Adam
    private var attentionOptimizer: Adam?

    /// Starts from a seeded initialization.
    public init(network: Network, configuration: MetaTrainingConfiguration, using generator: inout some RandomNumberGenerator) {
        self.init(network: network, configuration: configuration, parameters: network.initialParameters(using: &generator),
                  stepSizes: configuration.method.initialStepSizes(for: network, innerSteps: configuration.innerSteps,
                                                                   stepSize: configuration.innerStepSize))
    }

    /// Starts from given weights and step sizes, and optionally meta attention (trained with θ by Adam, Eq. (15)).
    public init(network: Network, configuration: MetaTrainingConfiguration, parameters: NetworkParameters, stepSizes: [[Float]],
                attention: MetaAttention? = nil) {
        precondition(stepSizes.count == configuration.innerSteps && stepSizes.allSatisfy { $0.count == network.layerCount },
                     "MetaLearner: step sizes must be [innerSteps][layers]")
        self.network = network
        self.configuration = configuration
        self.parameters = parameters
        self.stepSizes = stepSizes
        optimizer = Adam(learningRate: configuration.outerLearningRate, shapedLike: parameters)
        self.attention = attention
        attentionOptimizer = attention.map { Adam(learningRate: configuration.outerLearningRate, shapedLike: $0.modules) }
        stepSizeOptimizer = Adam(learningRate: configuration.stepSizeLearningRate, shapedLike: Self.stepSizeTensor(stepSizes))
    }

    /// Step sizes as a one-tensor parameter set, for Adam.
    static func stepSizeTensor(_ stepSizes: [[Float]]) -> NetworkParameters {
        NetworkParameters(layers: [[Tensor(shape: [stepSizes.count, stepSizes.first?.count ?? 0], values: Array(stepSizes.joined()))]])
    }

    /// m(x_{l−1}) of Eq. (9), per layer: the elements of the tensor the layer stores to be updated (its input,
    /// or for a normalization its normalized input), per sample; 0 for layers without parameters and for learned
    /// tensors, which have no input and store nothing to be updated.
    public var memoryWeights: [Float] {
        network.operations.indices.map { layer in
            guard !network.operations[layer].parameterShapes.isEmpty, let input = network.graph.inputShapes[layer].first else { return 0 }
            return Float(input.elementCount)
        }
    }

    /// The plan the inner loop follows at step k: the method's layers; for the learned-step-size methods every
    /// trainable layer, so that the gradient of every α_l^k exists even where α_l^k is 0.
    func innerScope(step: Int) -> StepScope {
        StepScope(network: network, step: configuration.method.fixedPlan(for: network, innerSteps: configuration.innerSteps).steps[step])
    }

    /// `gradients` as dense tensors in the layout of `template`, zeros where a layer has none.
    func denseGradients(_ gradients: [LayerGradient?], like template: NetworkParameters) -> NetworkParameters {
        var result = template.zeros()
        for layer in gradients.indices {
            if let gradient = gradients[layer] { result.layers[layer] = gradient.dense(shapes: network.operations[layer].parameterShapes) }
        }
        return result
    }

    /// The deployment plan: the layer-steps with a nonzero step size.
    public var deployedPlan: UpdatePlan { UpdatePlan(nonzeroStepSizes: stepSizes, of: network) }

    /// What meta attention did for one layer at one inner step.
    struct AttentionRecord {
        var inputMeans: [Float]
        var outputGradientMeans: [Float]
        var forward: (probabilities: [Float], scores: [Float])
        var backward: (probabilities: [Float], scores: [Float])
    }

    /// One inner step: the dense gradients (before attention weighs them) and what attention did; for second-order
    /// meta-gradients also the weights the step started from.
    struct InnerStep {
        var gradients: [LayerGradient?]
        var attention: [AttentionRecord?]
        var start: NetworkParameters? = nil
    }

    /// Adapts to a task's support set and returns the adapted weights and each step's inner gradients.
    func innerLoop(_ task: FewShotTask, from initial: NetworkParameters) -> (adapted: NetworkParameters, steps: [InnerStep]) {
        var weights = initial
        var steps: [InnerStep] = []
        for step in 0..<configuration.innerSteps {
            let start = configuration.secondOrder ? weights : nil
            let pass = network.gradientsAndChannelMeans(for: task.support, parameters: weights, scope: innerScope(step: step),
                                                        kernels: configuration.kernels, recordsChannelMeans: attention != nil)
            var records = [AttentionRecord?](repeating: nil, count: network.layerCount)
            if let attention {
                for layer in 0..<network.layerCount where attention.attends(layer) && pass.gradients[layer] != nil {
                    let inputMeans = pass.inputMeans[layer]!
                    let outputGradientMeans = pass.outputGradientMeans[layer]!
                    records[layer] = AttentionRecord(
                        inputMeans: inputMeans, outputGradientMeans: outputGradientMeans,
                        forward: attention.scores(layer: layer, means: inputMeans, isForward: true),
                        backward: attention.scores(layer: layer, means: outputGradientMeans, isForward: false))
                }
            }
            for layer in 0..<network.layerCount where stepSizes[step][layer] != 0 {
                guard let gradient = pass.gradients[layer] else { continue }
                let weighted = records[layer].map { gradient.weighted(forward: $0.forward.scores, backward: $0.backward.scores) } ?? gradient
                weighted.apply(to: &weights.layers[layer], scaledBy: -stepSizes[step][layer])
            }
            let keeps = configuration.method.learnsStepSizes || attention != nil || configuration.secondOrder
            steps.append(InnerStep(gradients: keeps ? pass.gradients : [], attention: records, start: start))
        }
        return (weights, steps)
    }

    /// The meta-gradients of one task's query loss: first-order, or second-order with `configuration.secondOrder`.
    /// - Returns: The query loss, the query score, ∂ℓ/∂θ, ∂ℓ/∂α (`[k][l]`, zeros unless step sizes are learned)
    ///   and ∂ℓ/∂(attention modules) (zeros without attention).
    public func metaGradients(for task: FewShotTask, parameters initial: NetworkParameters? = nil)
        -> (loss: Double, score: Double, weights: NetworkParameters, stepSizes: [[Float]], attention: NetworkParameters?)
    {
        let start = initial ?? parameters
        let (adapted, inner) = innerLoop(task, from: start)
        let query = network.gradients(for: task.query, parameters: adapted, scope: .everything(of: network), kernels: configuration.kernels)
        if configuration.secondOrder {
            let gradients = secondOrderGradients(of: task, inner: inner, query: query.gradients)
            return (Double(query.loss), TaskMetric.score(query.output, task.query.targets), gradients.weights, gradients.stepSizes,
                    gradients.attention)
        }
        let outer = denseGradients(query.gradients, like: start)
        var stepSizeGradients = Array(repeating: Array(repeating: Float(0), count: network.layerCount), count: configuration.innerSteps)
        var attentionGradient = attention?.modules.zeros()
        for step in inner.indices where !inner[step].gradients.isEmpty {
            for layer in 0..<network.layerCount {
                guard let innerGradient = inner[step].gradients[layer], query.gradients[layer] != nil else { continue }
                let shapes = network.operations[layer].parameterShapes
                let record = inner[step].attention[layer]
                let applied = record.map { innerGradient.weighted(forward: $0.forward.scores, backward: $0.backward.scores) } ?? innerGradient
                if configuration.method.learnsStepSizes {
                    let product = zip(outer.layers[layer], applied.dense(shapes: shapes)).reduce(0.0) { $0 + $1.0.dot($1.1) }
                    stepSizeGradients[step][layer] = Float(-product)
                }
                if let record, stepSizes[step][layer] != 0 {
                    attentionGradient!.layers[layer] = zip(attentionGradient!.layers[layer], Self.attentionModuleGradient(
                        record, outer: outer.layers[layer], inner: innerGradient.dense(shapes: shapes), stepSize: stepSizes[step][layer])).map { $0 + $1 }
                }
            }
        }
        return (Double(query.loss), TaskMetric.score(query.output, task.query.targets), outer, stepSizeGradients, attentionGradient)
    }

    /// ∂ℓ/∂(W_fw, b_fw, W_bw, b_bw) of one layer at one step. With w' = w − α (γ ⊙ g), ∂ℓ/∂γ_{ba} = −α Σ G_{ba·}·g_{ba·}
    /// (G the outer gradient); γ_{ba} = γ^fw_a γ^bw_b splits it onto the two score vectors (the bias gradient,
    /// weighted by γ^bw, adds to the backward one), then Alg. 1 (straight through), the softmax and the module.
    static func attentionModuleGradient(_ record: AttentionRecord, outer: [Tensor], inner: [Tensor], stepSize: Float) -> [Tensor] {
        let forwardScores = record.forward.scores
        let backwardScores = record.backward.scores
        let outputs = backwardScores.count
        let inputs = forwardScores.count
        let kernel = outer[0].count / (outputs * inputs)
        var forwardGradient = [Float](repeating: 0, count: inputs)
        var backwardGradient = [Float](repeating: 0, count: outputs)
        for output in 0..<outputs {
            for input in 0..<inputs {
                var product: Float = 0
                let start = (output * inputs + input) * kernel
                for element in start..<(start + kernel) { product += outer[0].values[element] * inner[0].values[element] }
                let scoreGradient = -stepSize * product
                forwardGradient[input] += scoreGradient * backwardScores[output]
                backwardGradient[output] += scoreGradient * forwardScores[input]
            }
        }
        if outer.count > 1 {
            for output in 0..<outputs { backwardGradient[output] += -stepSize * outer[1].values[output] * inner[1].values[output] }
        }
        let forward = MetaAttention.moduleGradient(scoreGradient: forwardGradient, probabilities: record.forward.probabilities,
                                                   means: record.inputMeans)
        let backward = MetaAttention.moduleGradient(scoreGradient: backwardGradient, probabilities: record.backward.probabilities,
                                                    means: record.outputGradientMeans)
        return [forward.weight, forward.bias, backward.weight, backward.bias]
    }

    /// One outer step on a batch of tasks: Adam on θ with the mean meta-gradient, and for MAML++/p-Meta a
    /// (proximal) Adam step on α.
    public mutating func step(on tasks: [FewShotTask]) -> MetaStepReport {
        precondition(!tasks.isEmpty, "MetaLearner: an outer step needs tasks")
        var weightGradient = parameters.zeros()
        var stepSizeGradient = Array(repeating: Array(repeating: Float(0), count: network.layerCount), count: configuration.innerSteps)
        var loss = 0.0
        var score = 0.0
        let share = 1 / Float(tasks.count)
        var attentionGradient = attention?.modules.zeros()
        var usedTasks = 0
        for task in tasks {
            let gradients = metaGradients(for: task)
            // A task whose adaptation diverged says nothing about the initialization; skip it.
            guard gradients.loss.isFinite, gradients.stepSizes.joined().allSatisfy(\.isFinite) else { continue }
            usedTasks += 1
            weightGradient.add(gradients.weights, scaledBy: share)
            if let moduleGradient = gradients.attention { attentionGradient!.add(moduleGradient, scaledBy: share) }
            for step in stepSizeGradient.indices {
                for layer in stepSizeGradient[step].indices { stepSizeGradient[step][layer] += share * gradients.stepSizes[step][layer] }
            }
            loss += gradients.loss / Double(tasks.count)
            score += gradients.score / Double(tasks.count)
        }
        if usedTasks > 0 {
            let factor = configuration.outerSchedule.factor(atStep: iteration)
            optimizer.learningRate = configuration.outerLearningRate * factor
            attentionOptimizer?.learningRate = configuration.outerLearningRate * factor
            stepSizeOptimizer.learningRate = stepSizeLearningRate
            optimizer.step(&parameters, gradient: weightGradient)
            if attention != nil, let attentionGradient { attentionOptimizer!.step(&attention!.modules, gradient: attentionGradient) }
            if configuration.method.learnsStepSizes { updateStepSizes(gradient: stepSizeGradient) }
        }
        iteration += 1
        return MetaStepReport(queryLoss: loss, queryScore: score, activeLayerSteps: stepSizes.joined().filter { $0 > 0 }.count)
    }

    /// An Adam step on α, then max(0, ·) for MAML++; for p-Meta first − η·λ·m(x_{l−1}): the proximal step of
    /// the Lasso λ Σ m(x_{l−1})|α_l^k| restricted to α ≥ 0 (soft threshold).
    mutating func updateStepSizes(gradient: [[Float]]) {
        var values = Self.stepSizeTensor(stepSizes)
        stepSizeOptimizer.step(&values, gradient: Self.stepSizeTensor(gradient))
        let rate = stepSizeLearningRate
        let weights = memoryWeights
        let layerCount = network.layerCount
        for step in stepSizes.indices {
            for layer in stepSizes[step].indices where !network.operations[layer].parameterShapes.isEmpty {
                var value = values.layers[0][0].values[step * layerCount + layer]
                if isLassoActive { value -= rate * configuration.lassoStrength * weights[layer] }
                stepSizes[step][layer] = max(0, value)
            }
        }
    }

    /// eta, the step sizes' learning rate at this outer step (the schedule's factor on the configured one); the Lasso's
    /// proximal step uses it too, as a proximal gradient step must.
    var stepSizeLearningRate: Float { configuration.stepSizeLearningRate * configuration.outerSchedule.factor(atStep: iteration) }

    /// Whether the Lasso's proximal step applies at this outer step (p-Meta after the warm-up).
    public var isLassoActive: Bool { configuration.method == .pMeta && iteration >= configuration.lassoWarmup }

    /// The learned step sizes as an importance file for the planner.
    public func importance(source: String) -> ImportanceScores {
        ImportanceScores(stepSizes: stepSizes, source: source)
    }
}
