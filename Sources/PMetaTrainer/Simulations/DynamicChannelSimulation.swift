import PMetaPlan

/// MeDyate's comparison on the trainer: held-out few-shot tasks adapted for a few epochs under one channel
/// budget, with the planned layers' input channels chosen dynamically, statically or uniformly at random.
///
/// Every conv2d/linear layer is planned and updates c = max(1, ⌈B·C⌉) of its C input channels (weights and
/// bias; normalizations stay frozen), so the three strategies hold the same memory: the cost model counts the
/// stored inputs and gradient buffers from c alone (`DynamicChannelPlan.cost`).
///
/// Channel importance is |x̄_c|, the magnitude of the support-batch mean of input channel c of the layer
/// (after ReLU and pooling it is the mean |activation|). It costs nothing extra: the forward pass of each
/// step records it for every channel, updated or not. The dynamic strategy sets the means recorded in one
/// epoch as the weights of the next draw (`DynamicChannelPlan.setChannelWeights`, then `resample`); the
/// first draw uses one measuring forward pass before adaptation, which also fixes the static top-k channels.
///
/// Every strategy adapts the same task from the same initial weights; tasks are scored on their query sets.
public struct DynamicChannelSimulation: Sendable {
    /// The network adapted.
    public var network: Network
    /// The initial weights of every adaptation (not changed).
    public var parameters: NetworkParameters
    /// Where held-out tasks come from (its test split).
    public var family: any TaskFamily
    /// The number of held-out tasks.
    public var taskCount: Int
    /// Epochs: passes over the support set, each with one channel draw.
    public var epochs: Int
    /// B, the fraction of input channels every planned layer updates.
    public var channelBudget: Double
    /// α, the SGD step size of every update.
    public var learningRate: Float
    /// Samples per step (the support set is cut into steps of this many samples).
    public var batchSize: Int
    /// The planner's per-layer channel counts (`plannedChannels(budget:)`), used instead of one fraction B for every
    /// conv2d/linear layer when set: every strategy then draws these counts, so all hold the same bytes.
    public var plannedChannels: DynamicChannelPlan?

    /// Creates a simulation.
    /// - Parameters:
    ///   - network: The network; its output must be `[N]` class scores of `family`.
    ///   - parameters: The initial weights.
    ///   - family: The classification task family.
    ///   - taskCount: Held-out tasks, at least 1.
    ///   - epochs: Epochs per task, at least 1.
    ///   - channelBudget: B in (0, 1].
    ///   - learningRate: α.
    ///   - batchSize: Samples per step, at least 1.
    public init(network: Network, parameters: NetworkParameters, family: any TaskFamily, taskCount: Int, epochs: Int,
                channelBudget: Double, learningRate: Float = 0.05, batchSize: Int = 5) {
        precondition(taskCount >= 1 && epochs >= 1 && batchSize >= 1, "DynamicChannelSimulation: need 1+ tasks, epochs and samples per step")
        precondition(channelBudget > 0 && channelBudget <= 1, "DynamicChannelSimulation: the channel budget must be in (0, 1]")
        precondition(family.isClassification, "DynamicChannelSimulation: compares accuracies of a classification family")
        self.network = network
        self.parameters = parameters
        self.family = family
        self.taskCount = taskCount
        self.epochs = epochs
        self.channelBudget = channelBudget
        self.learningRate = learningRate
        self.batchSize = batchSize
    }

    /// The dynamic channel plan of the budget, with uniform channel weights: every conv2d/linear layer at c of C.
    /// - Throws: `ArithmeticOverflow` if the cost model's figures overflow.
    public func plan() throws -> DynamicChannelPlan {
        if let plannedChannels { return plannedChannels }
        var layers: [DynamicChannelPlan.LayerChannels] = []
        var updates = [LayerUpdate](repeating: .frozen, count: network.layerCount)
        for (index, operation) in network.operations.enumerated() where operation.isWeightLayer {
            let channelCount = network.graph.inputShapes[index][0].channels
            let selected = min(channelCount, max(1, Int((channelBudget * Double(channelCount)).rounded(.up))))
            layers.append(.init(layer: index, name: network.graph.layers[index].name, channelCount: channelCount, selectedCount: selected))
            updates[index] = LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(selected, channelCount))
        }
        let samples = batchSize
        let cost = try CostModel(network.graph).adaptation(of: UpdatePlan(steps: [StepUpdates(layers: updates)]),
                                                           workload: Workload(samplesPerStep: samples, microBatch: samples))
        return DynamicChannelPlan(layers: layers, graphLayerCount: network.layerCount, innerSteps: 1, cost: cost, value: 0)
    }

    /// MeDyate's plan for a byte budget: LaRa's pre-selection and the DynamicChannelPlanner's channel count per layer
    /// (`DynamicChannelPlanner`), for one step of `batchSize` samples under the physical profile, every trainable
    /// layer valued alike; nil when not even one channel of one layer fits.
    /// - Throws: `ArithmeticOverflow` if the cost model's figures overflow.
    public func plannedChannels(budget: ByteCount) throws -> DynamicChannelPlan? {
        let model = try CostModel(network.graph)
        let problem = PlanningProblem(model: model, workload: Workload(samplesPerStep: batchSize, microBatch: batchSize), budget: budget,
                                      importance: .uniform(for: model.graph, innerSteps: 1))
        return try DynamicChannelPlanner.solve(problem).plan
    }

    /// Runs every strategy on the same held-out tasks.
    /// - Parameter generator: The source of the tasks and the draws; the same state gives the same report.
    /// - Returns: Accuracy per strategy with 95% confidence intervals over tasks.
    /// - Throws: `ArithmeticOverflow` from the cost model.
    /// - Complexity: O(tasks x strategies x epochs x support) forward/backward passes.
    public func run(using generator: inout some RandomNumberGenerator) throws -> DynamicChannelComparison {
        let basePlan = try plan()
        var before: [Double] = []
        var after = [ChannelStrategy: [Double]]()
        for _ in 0..<taskCount {
            let task = family.task(from: .test, using: &generator)
            let drawSeed = generator.next()
            before.append(TaskMetric.score(network.predict(task.query.inputs, parameters: parameters), task.query.targets))
            for strategy in ChannelStrategy.allCases {
                // The same draw stream for every strategy: differences come from the strategy alone.
                var draws = SplitMix64(seed: drawSeed)
                let adapted = adapt(task: task, strategy: strategy, plan: basePlan, using: &draws)
                after[strategy, default: []].append(TaskMetric.score(network.predict(task.query.inputs, parameters: adapted),
                                                                     task.query.targets))
            }
        }
        return DynamicChannelComparison(
            plan: basePlan, before: MeanWithInterval(before),
            rows: ChannelStrategy.allCases.map { .init(strategy: $0, accuracy: MeanWithInterval(after[$0]!)) },
            dynamicAdvantages: ChannelStrategy.allCases.filter { $0 != .dynamic }.map { other in
                .init(strategy: other, accuracy: MeanWithInterval(zip(after[.dynamic]!, after[other]!).map { $0 - $1 }))
            })
    }

    /// Adapts a copy of the initial weights to `task` under `strategy`.
    func adapt(task: FewShotTask, strategy: ChannelStrategy, plan basePlan: DynamicChannelPlan,
               using generator: inout some RandomNumberGenerator) -> NetworkParameters {
        var plan = basePlan
        var adapted = parameters
        let step = plan.updatePlan.steps[0]
        let batches = task.support.microBatches(of: batchSize)
        var importance = strategy == .uniform ? [:] : channelImportance(of: task.support, parameters: adapted, plan: plan)
        let fixed = strategy == .staticTopK ? Self.topChannels(importance, plan: plan) : [:]
        for _ in 0..<epochs {
            let channels: [Int: [Int]]
            switch strategy {
            case .staticTopK:
                channels = fixed
            case .dynamic:
                for (layer, weights) in importance { plan.setChannelWeights(weights, forLayerAt: layer) }
                channels = plan.resample(using: &generator)
            case .uniform:
                channels = plan.resample(using: &generator)
            }
            let scope = StepScope(network: network, step: step, inputChannels: channels)
            var sums = [Int: [Double]]()
            for batch in batches {
                let (_, gradients, means, _) = network.gradientsAndChannelMeans(
                    for: batch, parameters: adapted, scope: scope, kernels: .im2col, recordsChannelMeans: strategy == .dynamic)
                for (layer, gradient) in gradients.enumerated() {
                    gradient?.apply(to: &adapted.layers[layer], scaledBy: -learningRate)
                }
                for entry in plan.layers where strategy == .dynamic {
                    let layerMeans = means[entry.layer] ?? []
                    var sum = sums[entry.layer] ?? Array(repeating: 0, count: entry.channelCount)
                    for (channel, mean) in layerMeans.enumerated() { sum[channel] += Double(mean) * Double(batch.count) }
                    sums[entry.layer] = sum
                }
            }
            if strategy == .dynamic { importance = sums.mapValues(Self.weights(fromSummedMeans:)) }
        }
        return adapted
    }

    /// |x̄_c| of every planned layer's input on `support`, from one forward pass that updates nothing.
    func channelImportance(of support: Batch, parameters: NetworkParameters, plan: DynamicChannelPlan) -> [Int: [Double]] {
        let scope = StepScope(network: network, step: plan.updatePlan.steps[0])
        let means = network.gradientsAndChannelMeans(for: support, parameters: parameters, scope: scope, kernels: .im2col,
                                                     recordsChannelMeans: true).inputMeans
        var importance = [Int: [Double]]()
        for entry in plan.layers {
            importance[entry.layer] = Self.weights(fromSummedMeans: (means[entry.layer] ?? []).map(Double.init))
        }
        return importance
    }

    /// Channel weights from channel means: their magnitudes, uniform if every one is 0 (a dead layer).
    static func weights(fromSummedMeans means: [Double]) -> [Double] {
        let magnitudes = means.map { abs($0) }
        return magnitudes.contains { $0 > 0 } && magnitudes.allSatisfy(\.isFinite)
            ? magnitudes : Array(repeating: 1, count: means.count)
    }

    /// The c largest-importance channels of each planned layer, sorted (ties to the lower index).
    static func topChannels(_ importance: [Int: [Double]], plan: DynamicChannelPlan) -> [Int: [Int]] {
        var chosen = [Int: [Int]]()
        for entry in plan.layers {
            let weights = importance[entry.layer] ?? Array(repeating: 1, count: entry.channelCount)
            let ranked = weights.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
            chosen[entry.layer] = ranked.prefix(entry.selectedCount).sorted()
        }
        return chosen
    }
}

/// The accuracies of ``DynamicChannelSimulation/run(using:)``.
public struct DynamicChannelComparison: Sendable {
    /// One strategy's query accuracy after adaptation.
    public struct Row: Sendable, Hashable {
        /// The strategy.
        public var strategy: ChannelStrategy
        /// Mean query accuracy over tasks, with its 95% confidence interval.
        public var accuracy: MeanWithInterval
    }

    /// The plan all strategies ran: the planned layers, c of C, and the adaptation peak of every draw.
    public var plan: DynamicChannelPlan
    /// Query accuracy of the initial weights, before adaptation.
    public var before: MeanWithInterval
    /// One row per strategy, in ``ChannelStrategy/allCases`` order.
    public var rows: [Row]
    /// Dynamic's accuracy minus another strategy's on the same task, averaged over tasks with its 95% interval
    /// (paired: the task-to-task spread that every strategy shares cancels), one row per other strategy.
    public var dynamicAdvantages: [Row]
}
