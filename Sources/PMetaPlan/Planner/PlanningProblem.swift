/// What the planner searches: a network, a workload, a budget, the channel ratios it may choose and the
/// value of each layer-step.
public struct PlanningProblem: Sendable {
    /// The cost model of the network.
    public var model: CostModel
    /// The workload of one adaptation step.
    public var workload: Workload
    /// The counting conventions the budget is checked with (`.physical` by default).
    public var profile: CountingProfile
    /// The largest adaptation peak allowed, in bytes.
    public var budget: ByteCount
    /// The input-channel ratios mu_fw a conv/linear update may use (0, not updating, is always allowed).
    public var ratios: [ChannelRatio]
    /// |alpha_l^k| per inner step and layer; K is its step count.
    public var importance: ImportanceScores
    /// Meta attention for every attendable layer's update (`ShapedGraph.attendableLayers`), or nil: an attended
    /// layer's one update option is attended with these clip ratios instead of the static ratios.
    public let attention: MetaAttentionRatios?
    /// Which layers' updates `attention` attends (all false without it).
    let attendedLayers: [Bool]

    /// The default ratio set: 1/8, 1/4, 1/2, 3/4, 1 (and 0, not updating).
    public static let defaultRatios = [ChannelRatio(1, 8), ChannelRatio(1, 4), ChannelRatio(1, 2), ChannelRatio(3, 4), .all]

    /// Creates a problem.
    public init(model: CostModel, workload: Workload, profile: CountingProfile = .physical, budget: ByteCount,
                ratios: [ChannelRatio] = PlanningProblem.defaultRatios, importance: ImportanceScores, attention: MetaAttentionRatios? = nil) {
        precondition(!ratios.isEmpty && ratios.allSatisfy { $0 > .none }, "the planner needs positive channel ratios")
        precondition(importance.scores.allSatisfy { $0.count == model.graph.layerCount }, "importance needs one score per layer")
        self.model = model
        self.workload = workload
        self.profile = profile
        self.budget = budget
        self.ratios = Array(Set(ratios)).sorted()
        self.importance = importance
        self.attention = attention
        attendedLayers = attention == nil ? Array(repeating: false, count: model.graph.layerCount) : model.graph.attendableLayers
    }

    /// Whether the exact search tracks the forward and the backward passes' slack apart: when gradients outlive
    /// their layer's backward pass (`CountingProfile.keepsGradientsUntilTheStep`), or when activations take fewer
    /// bytes than gradients, so that a layer's backward working set can exceed its forward one, and weighs only on
    /// layers the backward pass reaches (from the first update on).
    var splitsForwardAndBackwardSlack: Bool {
        profile.keepsGradientsUntilTheStep || workload.precision.activationBytes < workload.precision.gradientBytes
    }

    /// When the searches must stop, or nil for no limit (the default: figures are then independent of the machine).
    /// The exact search then answers with the best plan found and its gap to the Lagrangian bound
    /// (`PlanningResult.stoppedSearch`), the dynamic strategy with the best plan of the sizes it tried
    /// (`DynamicChannelPlanner.Result.stoppedSearch`), a sweep with the budgets it reached. An instant rather than
    /// a duration, so that a command can give all of its searches, and the reading of the network before them,
    /// one limit.
    public var searchDeadline: ContinuousClock.Instant?

    /// Whether `searchDeadline` has passed.
    public var isPastDeadline: Bool { searchDeadline.map { ContinuousClock.now >= $0 } ?? false }

    /// K.
    public var innerSteps: Int { importance.innerStepCount }

    /// The value of updating layer `index` at step `step` with input-channel ratio `ratio`:
    /// |alpha_l^k| x sqrt(mu_fw). The square root models diminishing returns: the channels p-Meta's meta
    /// attention keeps are the most adaptation-critical ones, so the first channels are worth more than the last.
    public func value(step: Int, layer index: Int, ratio: ChannelRatio) -> Double {
        importance.scores[step][index] * ratio.value.squareRoot()
    }

    /// The value of a whole plan: the sum over its updated layer-steps.
    public func value(of plan: UpdatePlan) -> Double {
        var total = 0.0
        var previous = 0.0
        for (step, updates) in plan.steps.enumerated() {
            // A step equal to the one before, with the same scores, is worth what it was worth.
            if step > 0, updates == plan.steps[step - 1], importance.scores[step] == importance.scores[step - 1] {
                total += previous
                continue
            }
            previous = 0
            for (index, update) in updates.layers.enumerated() where update.isUpdated && model.graph.layers[index].operation.isTrainable {
                previous += value(step: step, layer: index, ratio: update.inputChannelRatio)
            }
            total += previous
        }
        return total
    }

    /// The value of updating every trainable layer at every step with every channel.
    public var maximumValue: Double {
        (0..<innerSteps).reduce(0.0) { total, step in total + maximumValue(ofStep: step) }
    }

    /// The value of updating every trainable layer at step `step` with every channel: a bound on any plan of it.
    public func maximumValue(ofStep step: Int) -> Double {
        let layers = model.graph.layers
        return layers.indices.reduce(0.0) { sum, index in
            sum + (layers[index].operation.isTrainable ? importance.scores[step][index] : 0)
        }
    }

    /// The update options of layer `index`: frozen, then one per ratio for conv/linear (one attended update for a
    /// layer meta attention attends), or all for a normalization.
    func options(forLayerAt index: Int) -> [LayerUpdate] {
        let operation = model.graph.layers[index].operation
        guard operation.isTrainable else { return [.frozen] }
        if let attention, attendedLayers[index] { return [.frozen, .attended(attention)] }
        if operation.isWeightLayer { return [.frozen] + ratios.map { LayerUpdate(parameters: .all, inputChannelRatio: $0) } }
        return [.frozen, .full]
    }

    /// The update of every parameter of layer `index` at input-channel ratio `ratio`: attended where the problem's
    /// meta attention attends the layer, the ratio for other conv/linear layers, every channel for the rest.
    func update(ofLayerAt index: Int, ratio: ChannelRatio) -> LayerUpdate {
        if let attention, attendedLayers[index] { return .attended(attention) }
        return LayerUpdate(parameters: .all, inputChannelRatio: model.graph.layers[index].operation.isWeightLayer ? ratio : .all)
    }
}
