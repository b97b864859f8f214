import Foundation
import PMetaPlan

/// TinyMetaFed on the trainer: clients adapt to their own tasks, send the Top-P% most changed global weights,
/// and a server averages them into the global meta-parameters with a cosine-annealed step size.
///
/// A round, for every client (each drawing a new task of the family's training split):
/// 1. receive the global weights θ (every global weight, `4n` bytes down);
/// 2. partial local reconstruction: `reconstructionSteps` full-batch SGD steps on the local layers only,
///    starting from the initial local weights, the global ones frozen (`ParameterPartition.reconstructionPlan`);
/// 3. online update: one SGD step per support sample, one sample at a time, on the global layers only
///    (`ParameterPartition.globalUpdatePlan`);
/// 4. send the k = ⌈P·n/100⌉ entries of Δ = θ_client − θ with the largest |Δ| (`TopPSelection`) with their
///    indices (`SparseUpload`: the cheapest index encoding's worst case; P = 100 sends Δ densely, `4n` bytes).
///
/// The server then takes θ ← θ + β_r · (1/clients) Σ Δ̃ (unsent entries count as 0), with
/// β_r = β_0 · ½(1 + cos(π r / R)) for rounds r = 0..<R (Reptile's outer step, annealed).
/// Before the first round and after every `evaluationInterval`-th round (and the last) the global weights are
/// scored on fixed held-out tasks of the family's test split: reconstruct, update online, and score the query set
/// (mean squared error or accuracy).
///
/// Every client SGD step may be clipped (`gradientClipNorm`): the gradient of all updated layers together is
/// scaled down to that L2 norm. Without it, the sinusoid MLP's client updates (He-normal weights, x in [-5, 5])
/// diverged in our runs at the step sizes that learn within a few thousand rounds; with a norm of 50, a step of
/// 0.002 and β_0 = 5 converge (docs/federated-and-dynamic.md, "Trainer simulations").
public struct FederatedSimulation: Sendable {
    /// The network.
    public var network: Network
    /// The global/local split of its parameters.
    public var partition: ParameterPartition
    /// The initial weights, global and local.
    public var initialParameters: NetworkParameters
    /// The clients' and the evaluation's tasks.
    public var family: any TaskFamily
    /// Clients per round.
    public var clientCount: Int
    /// R, the rounds.
    public var roundCount: Int
    /// Held-out tasks scored at each evaluation.
    public var evaluationTaskCount: Int
    /// Rounds between evaluations (the last round is always scored).
    public var evaluationInterval: Int
    /// Full-batch SGD steps of the local reconstruction.
    public var reconstructionSteps: Int
    /// The SGD step size of the reconstruction and of the online update.
    public var learningRate: Float
    /// β_0, the server's step size in round 0.
    public var serverStepSize: Double
    /// The largest L2 norm of one client SGD step's gradient (all updated layers together); a larger one is scaled
    /// down to it. nil: no clipping.
    public var gradientClipNorm: Float?

    /// Creates a simulation.
    /// - Parameters:
    ///   - network: The network.
    ///   - partition: Its global/local split.
    ///   - initialParameters: The weights of round 0 and the start of every local reconstruction.
    ///   - family: The tasks: clients draw from the training split, the evaluation from the test split.
    ///   - clientCount: Clients per round, at least 1.
    ///   - roundCount: R, at least 1.
    ///   - evaluationTaskCount: Held-out tasks, at least 1.
    ///   - evaluationInterval: Rounds between evaluations, at least 1.
    ///   - reconstructionSteps: Full-batch SGD steps on the local layers, at least 1.
    ///   - learningRate: The client SGD step size.
    ///   - serverStepSize: β_0.
    ///   - gradientClipNorm: The largest gradient norm of a client step, or nil.
    public init(network: Network, partition: ParameterPartition, initialParameters: NetworkParameters, family: any TaskFamily,
                clientCount: Int, roundCount: Int, evaluationTaskCount: Int = 10, evaluationInterval: Int = 1,
                reconstructionSteps: Int = 5, learningRate: Float = 0.01, serverStepSize: Double = 1,
                gradientClipNorm: Float? = nil) {
        precondition(clientCount >= 1 && roundCount >= 1 && evaluationTaskCount >= 1 && evaluationInterval >= 1 && reconstructionSteps >= 1,
                     "FederatedSimulation: need 1+ clients, rounds, evaluation tasks, rounds between evaluations and reconstruction steps")
        self.network = network
        self.partition = partition
        self.initialParameters = initialParameters
        self.family = family
        self.clientCount = clientCount
        self.roundCount = roundCount
        self.evaluationTaskCount = evaluationTaskCount
        self.evaluationInterval = evaluationInterval
        self.reconstructionSteps = reconstructionSteps
        self.learningRate = learningRate
        self.serverStepSize = serverStepSize
        self.gradientClipNorm = gradientClipNorm
    }

    /// β_r = β_0 · ½(1 + cos(π r / R)).
    public func serverStepSize(round: Int) -> Double {
        serverStepSize * 0.5 * (1 + cos(Double.pi * Double(round) / Double(roundCount)))
    }

    /// Runs R rounds sending the Top-P% of the changed global weights.
    /// - Parameters:
    ///   - percentage: P in (0, 100]; 100 is full communication.
    ///   - generator: The source of the client and evaluation tasks; the same state gives the same run.
    /// - Returns: The held-out score and the bytes communicated after each round.
    /// - Throws: `FederatedDivergence` when a client's update is not finite (step size too large);
    ///   `ArithmeticOverflow` from the byte counts.
    public func run(topPercentage percentage: Percentage, using generator: inout some RandomNumberGenerator) throws -> FederatedRun {
        let positions = partition.globalParameterCount
        let sent = try TopPSelection.count(of: positions, percentage: percentage)
        let uploadBytes = sent == positions ? 4 * positions : try SparseUpload(sending: sent, of: positions, weightBytes: 4).totalBytes.bytes
        let evaluationTasks = (0..<evaluationTaskCount).map { _ in family.task(from: .test, using: &generator) }
        var global = initialParameters
        func score() -> MeanWithInterval {
            MeanWithInterval(evaluationTasks.map { task in
                TaskMetric.score(network.predict(task.query.inputs, parameters: adapt(global, to: task.support)), task.query.targets)
            })
        }
        var rounds = [FederatedRun.Round(round: 0, uploadedBytes: 0, downloadedBytes: 0, score: score())]
        var downloaded = 0
        var uploaded = 0
        for round in 0..<roundCount {
            let received = flattenGlobal(global)
            var sum = [Double](repeating: 0, count: positions)
            for _ in 0..<clientCount {
                let task = family.task(from: .training, using: &generator)
                let adapted = adapt(global, to: task.support)
                let change = zip(flattenGlobal(adapted), received).map { $0 - $1 }
                guard change.allSatisfy(\.isFinite) else { throw FederatedDivergence(round: round + 1, learningRate: learningRate) }
                let chosen = sent == positions ? Array(0..<positions) : TopPSelection.indices(ofLargestChanges: change, count: sent)
                for index in chosen { sum[index] += Double(change[index]) }
                downloaded += 4 * positions
                uploaded += uploadBytes
            }
            let step = serverStepSize(round: round) / Double(clientCount)
            setGlobal(&global, to: zip(received, sum).map { $0 + Float(step * $1) })
            if (round + 1) % evaluationInterval == 0 || round + 1 == roundCount {
                rounds.append(.init(round: round + 1, uploadedBytes: uploaded, downloadedBytes: downloaded, score: score()))
            }
        }
        return FederatedRun(percentage: percentage, sentPerClient: sent, globalWeights: positions, rounds: rounds,
                            metric: family.isClassification ? .accuracy : .meanSquaredError)
    }

    /// What a client does with the global weights and its support set: reconstruct the local layers, then
    /// update the global ones online.
    func adapt(_ global: NetworkParameters, to support: Batch) -> NetworkParameters {
        var parameters = global
        for layer in parameters.layers.indices where partition.hasParameters[layer] && partition.isLocal[layer] {
            parameters.layers[layer] = initialParameters.layers[layer]
        }
        let reconstruction = StepScope(network: network, step: partition.reconstructionPlan(innerSteps: 1).steps[0])
        for _ in 0..<reconstructionSteps {
            apply(network.gradients(for: support, parameters: parameters, scope: reconstruction).gradients, to: &parameters)
        }
        let online = StepScope(network: network, step: partition.globalUpdatePlan().steps[0])
        for sample in 0..<support.count {
            apply(network.gradients(for: support.samples(sample..<(sample + 1)), parameters: parameters, scope: online).gradients,
                  to: &parameters)
        }
        return parameters
    }

    private func apply(_ gradients: [LayerGradient?], to parameters: inout NetworkParameters) {
        var scale = -learningRate
        if let gradientClipNorm {
            let norm = gradients.reduce(0) { $0 + ($1?.squaredNorm ?? 0) }.squareRoot()
            if norm > Double(gradientClipNorm) { scale *= Float(Double(gradientClipNorm) / norm) }
        }
        for (layer, gradient) in gradients.enumerated() { gradient?.apply(to: &parameters.layers[layer], scaledBy: scale) }
    }

    /// The global weights in the partition's order: global layers in graph order, each layer's tensors in order.
    func flattenGlobal(_ parameters: NetworkParameters) -> [Float] {
        var values: [Float] = []
        values.reserveCapacity(partition.globalParameterCount)
        for layer in parameters.layers.indices where partition.hasParameters[layer] && !partition.isLocal[layer] {
            for tensor in parameters.layers[layer] { values += tensor.values }
        }
        precondition(values.count == partition.globalParameterCount,
                     "FederatedSimulation: \(values.count) global weights, the partition counts \(partition.globalParameterCount)")
        return values
    }

    private func setGlobal(_ parameters: inout NetworkParameters, to values: [Float]) {
        var offset = 0
        for layer in parameters.layers.indices where partition.hasParameters[layer] && !partition.isLocal[layer] {
            for tensor in parameters.layers[layer].indices {
                let count = parameters.layers[layer][tensor].count
                parameters.layers[layer][tensor].values.replaceSubrange(0..<count, with: values[offset..<(offset + count)])
                offset += count
            }
        }
    }
}

/// One federated run: the held-out score against the bytes communicated, round by round.
public struct FederatedRun: Sendable, Hashable {
    /// The state after one round.
    public struct Round: Sendable, Hashable {
        /// The rounds done: 0 is the initial weights, before any byte travelled.
        public var round: Int
        /// Bytes all clients sent up so far (values and indices).
        public var uploadedBytes: Int
        /// Bytes all clients received so far (the dense global weights).
        public var downloadedBytes: Int
        /// The held-out score after the round, with its 95% interval over tasks.
        public var score: MeanWithInterval
        /// Up and down.
        public var totalBytes: Int { uploadedBytes + downloadedBytes }
    }

    /// P.
    public var percentage: Percentage
    /// k, the values each client sends per round.
    public var sentPerClient: Int
    /// n, the global weights.
    public var globalWeights: Int
    /// The evaluated rounds in order: 0, every `evaluationInterval`-th and the last.
    public var rounds: [Round]
    /// The score's metric.
    public var metric: TaskMetric

    /// The first evaluated round whose mean score reaches `target`: an MSE at or below it, an accuracy at or above.
    /// - Parameter target: The score to reach.
    /// - Returns: The round, or nil when no evaluated round reaches it.
    /// - Complexity: O(evaluated rounds).
    public func firstRound(reaching target: Double) -> Round? {
        rounds.first { metric == .accuracy ? $0.score.mean >= target : $0.score.mean <= target }
    }
}

/// A client's update overflowed to infinity or NaN: the SGD step size is too large for the tasks.
public struct FederatedDivergence: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based round.
    public var round: Int
    /// The client step size.
    public var learningRate: Float

    public var description: String {
        "a client's update diverged in round \(round) at learning rate \(learningRate); try a smaller --learning-rate"
    }
}

extension LayerGradient {
    /// The sum of the squares of every computed entry.
    /// - Complexity: O(computed entries).
    var squaredNorm: Double {
        func sum(_ values: [Float]?) -> Double { (values ?? []).reduce(0) { $0 + Double($1) * Double($1) } }
        switch self {
        case .weights(let weight, let bias): return sum(weight?.values) + sum(bias?.values)
        case .normalization(let scale, let shift): return sum(scale?.values) + sum(shift?.values)
        case .tensor(let gradient): return sum(gradient.values)
        }
    }
}
