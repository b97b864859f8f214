/// What each update option of each layer costs, precomputed once per problem from the cost model's own
/// per-layer primitives, so that the planner and `CostModel.adaptation` count exactly the same bytes.
///
/// Two things an option costs depend on earlier layers' choices beyond the gradient path, and the search
/// carries them in its state:
/// - which live tensors an earlier layer keeps whole (store once, `CountingProfile.storesKeptBuffersOnce`):
///   costs are tabulated for every combination of the layer's `keptBitMasks` bits (at most
///   `maximumTrackedKeptBuffers`), and each option says which bits it sets (`keeps`);
/// - which learned tensors' gradients are alive during the layer's backward pass (a class token's, from its
///   reader's backward pass down to its own): `learnedTensorGradients`, keyed by the gradient bits.
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
        /// budget - what its backward pass holds besides stored tensors and always-alive bytes (its working set and
        /// own gradient buffer): the capacity left when learned tensors' gradients are alive too.
        var backwardCapacity: Int
        /// A gradient buffer alive from this layer's backward pass to the end of the step
        /// (`CountingProfile.keepsGradientsUntilTheStep`): it weighs on this and every earlier layer's backward
        /// pass, not on any forward pass. `capacity` is then the forward pass's alone, and `backwardCapacity` leaves
        /// the buffer out.
        var trailingGradientBytes: Int = 0
    }

    /// Which live tensors an option keeps whole (their bits in the live set before the layer) and whether its output.
    struct Keeps: Sendable, Hashable {
        var inputBits: UInt64 = 0
        var output = false
    }

    /// `options[layer]`: the update options, frozen first.
    var options: [[LayerUpdate]]
    /// `costs[layer][option][isOnBackwardPath ? 1 : 0][variant]`, where bit k of `variant` says whether the tensor
    /// at the k-th set bit of `keptBitMasks[layer]` is kept whole by an earlier layer.
    var costs: [[[[Cost]]]]
    /// `boundingCosts[layer][option][path]`: the fewest bytes and the largest capacities over the variants, which
    /// the search's upper bounds read.
    var boundingCosts: [[[Cost]]]
    /// `keeps[layer][option][path]`.
    var keeps: [[[Keeps]]]
    /// `costs` and `keeps` laid out flat for the search's inner loop: a layer's entries start at
    /// `flatOffsets[layer]`, (option x 2 + path) x its variant count + variant (`keeps`: option x 2 + path).
    var flatCosts: [Cost] = []
    var flatKeeps: [Keeps] = []
    var flatOffsets: [Int] = []
    var flatKeepOffsets: [Int] = []
    var variantCounts: [Int] = []
    /// For each layer, the bits of the live set before it whose tensors an earlier layer may keep whole.
    var keptBitMasks: [UInt64]
    /// Whether the search carries kept bits (store-once profiles with a per-tensor gradient tracker).
    var tracksKeptBuffers: Bool
    /// For each layer, the learned tensors alive before it whose gradient its backward pass holds when they are
    /// updated: their bits in the live set and their gradients' bytes.
    var learnedTensorGradients: [[(bit: Int, bytes: Int)]]
    /// The smallest and the largest capacity of each layer over its options, paths and variants (the smallest
    /// also with every learned tensor's gradient alive).
    var lowestCapacities: [Int]
    var highestCapacities: [Int]
    /// The most prefix bytes of each layer over its options, paths and variants.
    var largestPrefixBytes: [Int]
    /// The live sets and gradient flags.
    let tracker: GradientFlowTracker

    /// The most tensors kept whole by earlier layers that one layer's costs are tabulated for; beyond, the layer
    /// is costed as if nothing were (more bytes, never fewer).
    static let maximumTrackedKeptBuffers = 8

    /// Precomputes the option costs of `problem`.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    init(_ problem: PlanningProblem) throws {
        let model = problem.model
        let graph = model.graph
        let workload = problem.workload
        let profile = problem.profile
        let count = graph.layerCount
        let tracker = GradientFlowTracker(graph: graph, profile: profile)
        self.tracker = tracker
        tracksKeptBuffers = profile.storesKeptBuffersOnce && !tracker.isPositional
        var options: [[LayerUpdate]] = []
        var costs: [[[[Cost]]]] = []
        var boundingCosts: [[[Cost]]] = []
        var keeps: [[[Keeps]]] = []
        var keptBitMasks: [UInt64] = []
        var learned: [[(bit: Int, bytes: Int)]] = []
        var lowest: [Int] = []
        var highest: [Int] = []
        var largestPrefix: [Int] = []
        var keepable = Set<Int>()
        var learnedBytes = [Int](repeating: 0, count: count)
        for index in 0..<count {
            let live = tracker.liveBefore[index]
            // The live tensors an earlier layer may keep whole; too many and the layer assumes none is.
            var trackedBits: [Int] = []
            if tracksKeptBuffers {
                trackedBits = live.indices.filter { $0 < 64 && keepable.contains(live[$0]) }
                if trackedBits.count > Self.maximumTrackedKeptBuffers { trackedBits = [] }
            }
            keptBitMasks.append(trackedBits.reduce(0) { $0 | 1 << UInt64($1) })
            learned.append(live.indices.compactMap { bit in
                learnedBytes[live[bit]] > 0 ? (bit: bit, bytes: learnedBytes[live[bit]]) : nil
            })
            let layerOptions = problem.options(forLayerAt: index)
            options.append(layerOptions)
            var perOption: [[[Cost]]] = []
            var boundingPerOption: [[Cost]] = []
            var keepsPerOption: [[Keeps]] = []
            var layerLowest = Int.max, layerHighest = Int.min, layerLargestPrefix = 0
            for update in layerOptions {
                var byPath: [[Cost]] = []
                var boundingByPath: [Cost] = []
                var keepsByPath: [Keeps] = []
                for isOnPath in [false, true] {
                    let saved = model.savedTensors(ofLayerAt: index, update: profile.realized(update), isOnBackwardPath: isOnPath,
                                                   isOutput: index == count - 1, stepUpdatesAnything: isOnPath || update.isUpdated,
                                                   workload: workload, profile: profile)
                    var keptHere = Keeps()
                    for tensor in saved {
                        guard let buffer = model.keptBuffer(tensor, ofLayerAt: index) else { continue }
                        if profile.storesKeptBuffersOnce { keepable.insert(buffer) }
                        if buffer == index {
                            keptHere.output = true
                        } else if let bit = live.firstIndex(of: buffer), bit < 64 {
                            keptHere.inputBits |= 1 << UInt64(bit)
                        }
                    }
                    keepsByPath.append(keptHere)
                    var variants: [Cost] = []
                    for variant in 0..<(1 << trackedBits.count) {
                        let keptEarlier = trackedBits.indices.filter { variant & (1 << $0) != 0 }.map { live[trackedBits[$0]] }
                        variants.append(try Self.cost(of: update, ofLayerAt: index, saved: saved, keptEarlier: keptEarlier,
                                                      isOnPath: isOnPath, problem: problem))
                    }
                    byPath.append(variants)
                    boundingByPath.append(Cost(prefixBytes: variants.map(\.prefixBytes).min()!, globalBytes: variants.map(\.globalBytes).min()!,
                                               transientGradientBytes: variants.map(\.transientGradientBytes).min()!,
                                               capacity: variants.map(\.capacity).max()!, backwardCapacity: variants.map(\.backwardCapacity).max()!,
                                               trailingGradientBytes: variants.map(\.trailingGradientBytes).min()!))
                    let pending = learned[index].reduce(0) { $0 + $1.bytes }
                    for variant in variants {
                        layerLowest = min(layerLowest, variant.capacity, variant.backwardCapacity - pending)
                        layerHighest = max(layerHighest, variant.capacity)
                        layerLargestPrefix = max(layerLargestPrefix, variant.prefixBytes)
                    }
                }
                perOption.append(byPath)
                boundingPerOption.append(boundingByPath)
                keepsPerOption.append(keepsByPath)
            }
            costs.append(perOption)
            lowest.append(layerLowest)
            highest.append(layerHighest)
            largestPrefix.append(layerLargestPrefix)
            boundingCosts.append(boundingPerOption)
            keeps.append(keepsPerOption)
            if graph.layers[index].operation.isLearnedTensor {
                let bytes = try Checked.product(try model.gradientBufferElements(ofLayerAt: index, update: .full, profile: profile),
                                                workload.precision.gradientBytes, context: "gradient buffer")
                let charge = workload.gradientBufferCharge(bytes: bytes, profile: profile)
                learnedBytes[index] = workload.learnedTensorGradientCharge(bytes: bytes, charge: charge, profile: profile)
            }
        }
        for index in 0..<count {
            flatOffsets.append(flatCosts.count)
            flatKeepOffsets.append(flatKeeps.count)
            variantCounts.append(costs[index].first?.first?.count ?? 1)
            for option in costs[index].indices {
                for path in 0...1 {
                    flatCosts += costs[index][option][path]
                    flatKeeps.append(keeps[index][option][path])
                }
            }
        }
        self.options = options
        self.costs = costs
        self.boundingCosts = boundingCosts
        self.keeps = keeps
        self.keptBitMasks = keptBitMasks
        self.learnedTensorGradients = learned
        lowestCapacities = lowest
        highestCapacities = highest
        largestPrefixBytes = largestPrefix
    }

    /// The variant of layer `index`'s costs for the kept bits `kept` (bits of the live set before it).
    @inline(__always)
    func variant(ofLayerAt index: Int, kept: UInt64) -> Int {
        var mask = keptBitMasks[index]
        guard mask & kept != 0 else { return 0 }
        var variant = 0
        var position = 0
        while mask != 0 {
            let bit = mask & (0 &- mask)
            if kept & bit != 0 { variant |= 1 << position }
            position += 1
            mask &= mask - 1
        }
        return variant
    }

    /// The bytes of learned tensors' gradients layer `index`'s backward pass holds, for the gradient flags `flags`.
    @inline(__always)
    func learnedTensorGradientBytes(ofLayerAt index: Int, flags: UInt64) -> Int {
        var bytes = 0
        for (bit, size) in learnedTensorGradients[index] where tracker.isPositional ? flags != 0 : flags & (1 << UInt64(bit)) != 0 {
            bytes += size
        }
        return bytes
    }

    /// The cost of `update` at layer `index` on the path or off it, when earlier layers keep `keptEarlier` whole.
    private static func cost(of update: LayerUpdate, ofLayerAt index: Int, saved: [SavedTensor], keptEarlier: [Int], isOnPath: Bool,
                             problem: PlanningProblem) throws -> Cost {
        let model = problem.model
        let workload = problem.workload
        var saved = saved
        var earlierKept = CostModel.EarlierKeptElements.none
        if problem.profile.storesKeptBuffersOnce {
            // The same marking as the cost model's sweep, with the earlier keepers known only as "earlier".
            var keepers: [Int: Int] = [:]
            for buffer in keptEarlier { keepers[buffer] = -1 }
            model.markKeptBuffers(&saved, ofLayerAt: index) { keepers[$0] } keep: { keepers[$0] = index }
            earlierKept = model.earlierKeptElements(ofLayerAt: index, keptEarlier: keptEarlier, profile: problem.profile)
        }
        let (perSample, forMicroBatch) = try model.storedBytes(of: saved, workload: workload)
        let gradient = try Checked.product(try model.gradientBufferElements(ofLayerAt: index, update: update, profile: problem.profile),
                                           workload.precision.gradientBytes, context: "gradient buffer")
        // On the path, a gradient flows into the layer's input (positional profiles share their working sets, so
        // only the gradient-flow profiles read the flag).
        let (forward, working) = try model.workingBytes(ofLayerAt: index, saved: saved, earlierKept: earlierKept,
                                                       update: problem.profile.realized(update), inputNeedsGradient: isOnPath,
                                                       workload: workload, profile: problem.profile)
        // An attended update's scores and compact gradient, while its backward pass computes g(w_l).
        let backward = try model.attendedBackwardWorkingBytes(ofLayerAt: index, backward: working, update: problem.profile.realized(update),
                                                              inputNeedsGradient: isOnPath, workload: workload, profile: problem.profile)
        let stored = try workload.storedCharge(perSample: perSample, forMicroBatch: forMicroBatch)
        let buffer = workload.gradientBufferCharge(bytes: gradient, profile: problem.profile)
        let budget = problem.budget.bytes
        // Optimizer state and a device's working copies are held through the whole step, as gradient buffers that accumulate.
        let state = try model.updateStateBytes(ofLayerAt: index, update: update, workload: workload, profile: problem.profile)
        let global = try Checked.sum(stored.earlierSamples, buffer.wholeStep, state, context: "gradient buffers")
        if problem.profile.keepsGradientsUntilTheStep {
            // Its buffer from its backward pass on (a learned tensor's from its last reader's, which carries it
            // there as a pending gradient); the forward pass holds none of it. With accumulation a learned tensor's
            // gradient lives from its readers' backward passes down to its own only.
            let isLearned = model.graph.layers[index].operation.isLearnedTensor
            let learned = isLearned ? workload.learnedTensorGradientCharge(bytes: gradient, charge: buffer, profile: problem.profile) : 0
            let trailing = buffer.fromOwnBackwardOn > 0 ? max(buffer.fromOwnBackwardOn, learned) : 0
            let backwardHeld = try Checked.sum(backward, trailing > 0 ? 0 : learned, context: "gradient buffer")
            return Cost(prefixBytes: stored.thisPass, globalBytes: global, transientGradientBytes: buffer.largestThroughStep,
                        capacity: budget - forward, backwardCapacity: budget - backwardHeld, trailingGradientBytes: trailing)
        }
        // Its own buffer while its backward pass runs; a learned tensor's gradient lives there in every case.
        let own = model.graph.layers[index].operation.isLearnedTensor
            ? workload.learnedTensorGradientCharge(bytes: gradient, charge: buffer, profile: problem.profile) : buffer.duringOwnBackward
        let backwardHeld = try Checked.sum(backward, own, context: "gradient buffer")
        // With the slack split, the search weighs the backward pass only on layers it reaches.
        return Cost(prefixBytes: stored.thisPass, globalBytes: global, transientGradientBytes: buffer.largestThroughStep,
                    capacity: problem.splitsForwardAndBackwardSlack ? budget - forward : min(budget - forward, budget - backwardHeld, budget - backward),
                    backwardCapacity: budget - backwardHeld)
    }
}
