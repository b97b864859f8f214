/// What each update option of each layer costs, precomputed once per problem from the cost model's own
/// per-layer primitives, so that the planner and `CostModel.adaptation` count exactly the same bytes.
struct LayerOptionCosts: Sendable {
    /// The memory an option adds, split by which constraints it weighs on.
    struct Cost: Sendable {
        /// Stored for the backward pass in the pass that runs now: alive from this layer on (the prefix term).
        var prefixBytes: Int
        /// Alive at every layer: weight-gradient buffers with accumulation, and, when streamed, what the
        /// micro-batch's earlier samples stored.
        var globalBytes: Int
        /// A gradient buffer applied as soon as it is computed (no accumulation): only the largest counts.
        var transientGradientBytes: Int
        /// budget - what this layer holds while it runs besides stored tensors and always-alive bytes: the larger
        /// of its forward working set and its backward working set plus its own gradient buffer (when the profile
        /// frees each buffer after its layer's backward pass). What the layers <= this one store must fit in it.
        var capacity: Int
    }

    /// `options[layer]`: the update options, frozen first.
    var options: [[LayerUpdate]]
    /// `costs[layer][option][isOnBackwardPath ? 1 : 0]`.
    var costs: [[[Cost]]]
    /// The smallest and the largest capacity of each layer over its options and paths.
    var lowestCapacities: [Int]
    var highestCapacities: [Int]

    /// Precomputes the option costs of `problem`.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    init(_ problem: PlanningProblem) throws {
        let model = problem.model
        let workload = problem.workload
        let count = model.graph.layerCount
        var options: [[LayerUpdate]] = []
        var costs: [[[Cost]]] = []
        for index in 0..<count {
            let layerOptions = problem.options(forLayerAt: index)
            options.append(layerOptions)
            var perOption: [[Cost]] = []
            for update in layerOptions {
                var byPath: [Cost] = []
                for isOnPath in [false, true] {
                    let saved = model.savedTensors(ofLayerAt: index, update: update, isOnBackwardPath: isOnPath,
                                                   isOutput: index == count - 1, stepUpdatesAnything: isOnPath || update.isUpdated,
                                                   precision: workload.precision, profile: problem.profile)
                    let (perSample, forMicroBatch) = try model.storedBytes(of: saved, workload: workload)
                    let gradient = try Checked.product(try model.gradientBufferElements(ofLayerAt: index, update: update, profile: problem.profile),
                                                       workload.precision.gradientBytes, context: "gradient buffer")
                    // On the path, a gradient flows into the layer's input (positional profiles share their
                    // working sets, so only the gradient-flow profiles read the flag).
                    let (forward, backward) = try model.workingBytes(ofLayerAt: index, saved: saved, inputNeedsGradient: isOnPath,
                                                                    workload: workload, profile: problem.profile)
                    let stored = try workload.storedCharge(perSample: perSample, forMicroBatch: forMicroBatch)
                    let buffer = workload.gradientBufferCharge(bytes: gradient, profile: problem.profile)
                    var cost = Cost(prefixBytes: stored.thisPass,
                                    globalBytes: try Checked.sum(stored.earlierSamples, buffer.wholeStep, context: "gradient buffers"),
                                    transientGradientBytes: buffer.largestThroughStep, capacity: problem.budget.bytes - forward)
                    if buffer.duringOwnBackward > 0 {
                        cost.capacity = min(cost.capacity, problem.budget.bytes - (try Checked.sum(backward, buffer.duringOwnBackward, context: "gradient buffer")))
                    }
                    cost.capacity = min(cost.capacity, problem.budget.bytes - backward)
                    byPath.append(cost)
                }
                perOption.append(byPath)
            }
            costs.append(perOption)
        }
        self.options = options
        self.costs = costs
        lowestCapacities = costs.map { layer in layer.flatMap { $0.map(\.capacity) }.min() ?? 0 }
        highestCapacities = costs.map { layer in layer.flatMap { $0.map(\.capacity) }.max() ?? 0 }
    }
}
