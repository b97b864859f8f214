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
    }

    /// `options[layer]`: the update options, frozen first.
    var options: [[LayerUpdate]]
    /// `costs[layer][option][isOnBackwardPath ? 1 : 0]`.
    var costs: [[[Cost]]]
    /// budget - working set of each layer: what stored tensors and buffers may take while it runs.
    var capacities: [Int]

    /// Precomputes the option costs of `problem`.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    init(_ problem: PlanningProblem) throws {
        let model = problem.model
        let workload = problem.workload
        let count = model.graph.layerCount
        var options: [[LayerUpdate]] = []
        var costs: [[[Cost]]] = []
        var capacities: [Int] = []
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
                    var cost = Cost(prefixBytes: forMicroBatch, globalBytes: 0, transientGradientBytes: 0)
                    if workload.propagation == .streamed {
                        cost.prefixBytes = perSample
                        cost.globalBytes = try Checked.product(perSample, workload.microBatch - 1, context: "stored bytes")
                    }
                    if workload.accumulatesGradients {
                        cost.globalBytes = try Checked.sum(cost.globalBytes, gradient, context: "gradient buffers")
                    } else if problem.profile.gradientBuffers == .accumulatedOrLargestLayer {
                        cost.transientGradientBytes = gradient
                    }
                    byPath.append(cost)
                }
                perOption.append(byPath)
            }
            costs.append(perOption)
            capacities.append(problem.budget.bytes - (try model.workingBytes(ofLayerAt: index, workload: workload)))
        }
        self.options = options
        self.costs = costs
        self.capacities = capacities
    }
}
