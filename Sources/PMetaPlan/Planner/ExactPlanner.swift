/// The exact optimum of the planning objective: the most valuable updates whose adaptation peak fits.
///
/// The peak is not a plain sum (it is max over layers of stored-so-far + working set, plus buffers), so a
/// knapsack alone cannot solve it. This is a dynamic programme over the layer order. After layer i a partial
/// plan is summarised by
/// - the gradient flags of the live tensors (which later layers are on the backward path),
/// - C, the bytes it commits: stored tensors so far plus every always-alive byte (gradient buffers, earlier
///   streamed samples),
/// - E, its slack: min over layers j <= i of (capacity(j) - stored(<= j)) minus the always-alive bytes, so the
///   final peak is budget - E. capacity(j) is budget minus what layer j holds besides stored tensors under
///   the option chosen for it: its forward working set, or its backward working set plus its own gradient
///   buffer when that buffer lives only during its backward pass (`LayerOptionCosts`),
/// - G, the largest transient gradient buffer (no accumulation), and V, its value.
/// When gradient buffers live from their layer's backward pass to the end of the step (`pytorch`), a later layer's
/// buffer weighs on the backward passes of the layers before it but on no forward pass, so E is the smaller of two
/// slacks carried apart: the forward passes' and the backward passes' (the latter only from the first update on,
/// where the backward pass reaches), and a layer's buffer lowers the backward slack alone. C is then never settled.
/// A state is dropped when E - G < 0 (it cannot fit whatever comes next), when another state with the same
/// flags is at least as good in C, E, G and V, or when V plus an upper bound on what the remaining layers can
/// add is below a target. The bound is Lagrangian (weak duality over two relaxed resources: the always-alive
/// bytes against E, and all committed bytes against the last layer's capacity, or those of the layers up to the
/// tightest capacity ahead against that capacity), so it never cuts the optimum.
/// It counts every byte the remaining layers must commit, not only what an option adds over the layer's
/// cheapest: once a state's flags put every later layer on the backward path (`GradientFlowTracker`), even a
/// frozen layer there stores what its backward pass reads, and the bound charges those bytes. Targets start high and fall to the value of a plan known to fit, and a pass that returns a plan reaching
/// its target has found the optimum. The K inner steps are independent (the peak is a max over steps), so each
/// is solved on its own. Tests check it against brute-force enumeration on random graphs.
public enum ExactPlanner {
    /// A partial plan after some layers.
    struct State {
        var flags: UInt64
        /// Which live tensors an earlier layer keeps whole (store once); 0 unless the table tracks them.
        var kept: UInt64 = 0
        var committed: Int
        /// min(forward slack, backward slack).
        var slack: Int
        /// The forward passes' and the backward passes' slack when the profile keeps gradients until the step
        /// (`LayerOptionCosts.Cost.trailingGradientBytes`); the backward slack is `unbounded` before any update.
        var forwardSlack: Int = 0
        var backwardSlack: Int = 0
        var transientGradient: Int
        var value: Double
        var parent: Int32
        var option: Int16
    }

    /// The best update of one step.
    public struct StepOptimum: Sendable {
        /// One update per layer; all frozen when nothing with an update fits.
        public var updates: [LayerUpdate]
        /// The objective: the sum of the updated layer-steps' values.
        public var value: Double
        /// The adaptation peak of the step by the same count as `CostModel.adaptation`.
        public var peak: ByteCount
        /// States kept over all layers, a measure of the search's work.
        public var statesExplored: Int
    }

    /// The best updates of step `step` of `problem`, or nil when no update at all fits the budget.
    /// - Parameters:
    ///   - problem: The planning problem.
    ///   - step: k - 1.
    ///   - knownFeasibleValue: The value of a plan known to fit (e.g. the Lasso path's), to prune with.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    /// - Complexity: O(layers x options x frontier size^2) in the worst case; the frontier stays small on
    ///   chains and residual networks because states with the same flags dominate each other.
    public static func bestStep(of problem: PlanningProblem, step: Int, knownFeasibleValue: Double = 0) throws -> StepOptimum? {
        let table = try LayerOptionCosts(problem)
        return try bestStep(of: problem, step: step, table: table, knownFeasibleValue: knownFeasibleValue)
    }

    /// The search ran past its deadline (`PlanningProblem.searchDeadline`) before it finished.
    struct DeadlinePassed: Error {}

    /// The Lagrangian bound on the value of step `step`: no plan of it is worth more.
    static func valueBound(of problem: PlanningProblem, step: Int, table: LayerOptionCosts) -> Double {
        SearchContext(problem: problem, step: step, table: table).valueBound(after: -1, slack: Int.max / 4, committed: 0, isOnPath: false)
    }

    /// - Throws: `DeadlinePassed` when `deadline` passes before the search ends.
    static func bestStep(of problem: PlanningProblem, step: Int, table: LayerOptionCosts, knownFeasibleValue: Double,
                         deadline: ContinuousClock.Instant? = nil) throws(DeadlinePassed) -> StepOptimum? {
        var context = SearchContext(problem: problem, step: step, table: table)
        context.deadline = deadline
        // Search first with a high target: a pass prunes every state whose value bound is below its target, so it
        // is fast, and if it returns a plan at least as valuable as the target, that plan is the optimum (the
        // optimum's states all have bounds above it). Otherwise lower the target; the last pass uses the plan
        // known to fit, so it is always exact.
        let known = knownFeasibleValue
        let ceiling = context.valueBound(after: -1, slack: Int.max / 4, committed: 0, isOnPath: false)
        for fraction in [0.8, 0.6, 0.4, 0.2] {
            let target = known + (ceiling - known) * fraction
            guard target > known else { break }
            if let result = try search(context, target: target), result.value >= target - context.tolerance { return result }
        }
        return try search(context, target: known)
    }

    /// What the search precomputes once per step: option values, value bounds and horizons.
    struct SearchContext {
        let problem: PlanningProblem
        /// When the search gives up (checked once per layer).
        var deadline: ContinuousClock.Instant? = nil
        let table: LayerOptionCosts
        let tracker: GradientFlowTracker
        let positionalPath: Bool
        /// values[layer][option].
        let values: [[Double]]
        /// Lagrangian bounds on what the layers after i can add, as envelopes over multipliers lambda (value per
        /// byte): lambda x room + sum over layers after i of max over options (value - lambda x bytes). One
        /// relaxes the always-alive bytes against the slack E; the other all committed bytes (stored plus
        /// always-alive) against the last layer's capacity. The bytes are the cheaper path state's (lower costs
        /// keep the bound valid), or the backward path's when the state's flags put every later layer on it.
        let globalEnvelope: LagrangianEnvelope
        let storageEnvelope: LagrangianEnvelope
        let onPathGlobalEnvelope: LagrangianEnvelope
        let onPathStorageEnvelope: LagrangianEnvelope
        /// The same committed bytes against the tightest capacity ahead: after layer i, those of layers i+1...t
        /// against capacity(t), where t > i has the smallest largest capacity (the last such layer), and the
        /// layers after t free. tightestCapacities[i + 1] is that capacity.
        let tightestStorageEnvelope: LagrangianEnvelope
        let onPathTightestStorageEnvelope: LagrangianEnvelope
        let tightestCapacities: [Int]
        /// The last layer's largest capacity over its options, which every committed byte counts against (the
        /// largest keeps the bound an upper bound).
        let finalCapacity: Int
        /// horizon[i]: min over layers j > i of (the smallest capacity(j) - the most layers i+1...j can store).
        let horizon: [Int]
        let tolerance: Double

        init(problem: PlanningProblem, step: Int, table: LayerOptionCosts) {
            self.problem = problem
            self.table = table
            let graph = problem.model.graph
            let count = graph.layerCount
            tracker = table.tracker
            positionalPath = problem.profile.backwardScope == .fromFirstUpdatedPosition
            values = (0..<count).map { index in
                table.options[index].map { $0.isUpdated ? problem.value(step: step, layer: index, ratio: $0.inputChannelRatio) : 0 }
            }
            // Always-alive bytes and committed bytes of each option, off and on the backward path.
            let globalBytes: [[[Int]]] = table.boundingCosts.map { layer in layer.map { $0.map(\.globalBytes) } }
            let committedBytes: [[[Int]]] = table.boundingCosts.map { layer in layer.map { $0.map { $0.globalBytes + $0.prefixBytes } } }
            let values = self.values
            // The multipliers: quantiles of the value densities of each option's bytes over the layer's cheapest.
            func multipliers(_ bytes: [[[Int]]]) -> [Double] {
                var densities: [Double] = []
                for index in 0..<count {
                    let cheaper = bytes[index].map { $0.min()! }
                    let cheapest = cheaper.min() ?? 0
                    for (option, optionBytes) in cheaper.enumerated() where optionBytes > cheapest && values[index][option] > 0 {
                        densities.append(values[index][option] / Double(optionBytes - cheapest))
                    }
                }
                densities.sort()
                var multipliers: [Double] = [0]
                if !densities.isEmpty {
                    for quantile in 0..<32 { multipliers.append(densities[min(densities.count - 1, quantile * densities.count / 32)]) }
                    multipliers.append(densities[densities.count - 1])
                }
                return multipliers
            }
            // bytes[layer][option] on the cheaper path state, or on the backward path.
            func cheaperPath(_ bytes: [[[Int]]]) -> [[Double]] { bytes.map { layer in layer.map { Double($0.min()!) } } }
            func backwardPath(_ bytes: [[[Int]]]) -> [[Double]] { bytes.map { layer in layer.map { Double($0[1]) } } }
            // best[layer][p]: max over options of (value - multipliers[p] x bytes).
            func bestTerms(_ bytes: [[Double]], multipliers: [Double]) -> [[Double]] {
                (0..<count).map { index in
                    let layerValues = values[index], layerBytes = bytes[index]
                    return multipliers.map { lambda in
                        var best = -Double.infinity
                        for option in layerValues.indices { best = max(best, layerValues[option] - lambda * layerBytes[option]) }
                        return best
                    }
                }
            }
            func envelope(_ bytes: [[Double]], multipliers: [Double]) -> LagrangianEnvelope {
                let terms = bestTerms(bytes, multipliers: multipliers)
                var bounds = [[Double]](repeating: Array(repeating: 0, count: multipliers.count), count: count + 1)
                for index in stride(from: count - 1, through: 0, by: -1) {
                    for position in multipliers.indices { bounds[index][position] = bounds[index + 1][position] + terms[index][position] }
                }
                return LagrangianEnvelope(multipliers: multipliers, bounds: bounds)
            }
            let globalMultipliers = multipliers(globalBytes)
            let storageMultipliers = multipliers(committedBytes)
            let committedCheaper = cheaperPath(committedBytes), committedOnPath = backwardPath(committedBytes)
            let globalCheaper = cheaperPath(globalBytes), globalOnPath = backwardPath(globalBytes)
            globalEnvelope = envelope(globalCheaper, multipliers: globalMultipliers)
            storageEnvelope = envelope(committedCheaper, multipliers: storageMultipliers)
            // Always-alive bytes rarely depend on the path (only streamed samples do): then the bound is the same.
            onPathGlobalEnvelope = globalOnPath == globalCheaper ? globalEnvelope : envelope(globalOnPath, multipliers: globalMultipliers)
            onPathStorageEnvelope = envelope(committedOnPath, multipliers: storageMultipliers)
            finalCapacity = table.highestCapacities[count - 1]
            // tightest[k]: the layer t >= k with the smallest largest capacity, the last of equals.
            func tightestEnvelope(capacities: [Int], bytes: [[Double]]) -> (LagrangianEnvelope, [Int]) {
                var tightest = [Int](repeating: count, count: count + 1)
                for index in stride(from: count - 1, through: 0, by: -1) {
                    let later = tightest[index + 1]
                    tightest[index] = later == count || capacities[index] < capacities[later] ? index : later
                }
                let terms = bestTerms(bytes, multipliers: storageMultipliers)
                var bounds = [[Double]](repeating: Array(repeating: 0, count: storageMultipliers.count), count: count + 1)
                var free = 0.0
                for index in stride(from: count - 1, through: 0, by: -1) {
                    for position in storageMultipliers.indices {
                        // Layers after the tightest one are free; the ones up to it share its capacity.
                        bounds[index][position] = terms[index][position] + (tightest[index] == index ? free : bounds[index + 1][position])
                    }
                    free += max(0, values[index].max() ?? 0)
                }
                return (LagrangianEnvelope(multipliers: storageMultipliers, bounds: bounds),
                        tightest.map { $0 == count ? Int.max / 4 : capacities[$0] })
            }
            (tightestStorageEnvelope, tightestCapacities) = tightestEnvelope(capacities: table.highestCapacities, bytes: committedCheaper)
            (onPathTightestStorageEnvelope, _) = tightestEnvelope(capacities: table.highestCapacities, bytes: committedOnPath)
            let unbounded = Int.max / 4
            var horizon = [Int](repeating: unbounded, count: count)
            for index in stride(from: count - 2, through: 0, by: -1) {
                let next = index + 1
                horizon[index] = min(table.lowestCapacities[next], horizon[next]) - table.largestPrefixBytes[next]
            }
            self.horizon = horizon
            let largestValue = values.reversed().reduce(0.0) { total, layer in total + max(0, layer.max() ?? 0) }
            tolerance = 1e-9 * max(1, largestValue)
        }

        /// Whether `value` plus what the layers after `index` can add reaches `target`, for a state with
        /// always-alive slack `slack` and committed bytes `committed` (the sentinel when settled), whose flags put
        /// every later layer on the backward path when `isOnPath`.
        @inline(__always)
        func canReach(_ target: Double, from value: Double, after index: Int, slack: Int, committed: Int, isOnPath: Bool) -> Bool {
            valueBound(after: index, slack: slack, committed: committed, isOnPath: isOnPath, below: target - value) >= target - value
        }

        /// The most value the layers after `index` can add (weak Lagrangian duality); stops early once below `stop`.
        @inline(__always)
        func valueBound(after index: Int, slack: Int, committed: Int, isOnPath: Bool, below stop: Double = -.infinity) -> Double {
            var bound = (isOnPath ? onPathGlobalEnvelope : globalEnvelope).bound(index + 1, room: Double(max(slack, 0)))
            if bound < stop { return bound }
            // While C still matters, every byte the remaining layers commit counts against the last layer's capacity.
            if committed > Int.min / 8 {
                let storage = isOnPath ? onPathStorageEnvelope : storageEnvelope
                bound = min(bound, storage.bound(index + 1, room: Double(max(finalCapacity - committed, 0))))
                if bound < stop { return bound }
                let tightestStorage = isOnPath ? onPathTightestStorageEnvelope : tightestStorageEnvelope
                bound = min(bound, tightestStorage.bound(index + 1, room: Double(max(tightestCapacities[index + 1] - committed, 0))))
            }
            return bound
        }
    }

    /// The dynamic programme, dropping states whose value bound is below `knownValue`.
    static func search(_ context: SearchContext, target knownValue: Double) throws(DeadlinePassed) -> StepOptimum? {
        let problem = context.problem
        let table = context.table
        let graph = problem.model.graph
        let count = graph.layerCount
        let irrelevant = Int.min / 4
        let target = knownValue - context.tolerance
        let unbounded = Int.max / 4
        let splitsSlack = problem.splitsForwardAndBackwardSlack
        var frontier = [State(flags: 0, kept: 0, committed: 0, slack: unbounded, forwardSlack: unbounded, backwardSlack: unbounded,
                              transientGradient: 0, value: 0, parent: -1, option: 0)]
        // What the backtrack needs of every kept state, layer after layer: its parent and its option.
        var parents: [Int32] = []
        var options: [Int16] = []
        var layerStarts: [Int] = []
        layerStarts.reserveCapacity(count)
        var explored = 0
        let trainable = graph.layers.map(\.operation.isTrainable)
        let positionalPath = context.positionalPath
        let tracker = context.tracker
        let tracksKept = table.tracksKeptBuffers
        var candidates: [State] = []
        var scratch = ParetoScratch()
        for index in 0..<count {
            if let deadline = context.deadline, ContinuousClock.now >= deadline { throw DeadlinePassed() }
            candidates.removeAll(keepingCapacity: true)
            let layerOptions = table.options[index]
            let layerValues = context.values[index]
            let isTrainable = trainable[index]
            let horizon = context.horizon[index]
            let costOffset = table.flatOffsets[index]
            let keepOffset = table.flatKeepOffsets[index]
            let variantCount = table.variantCounts[index]
            let hasLearnedGradients = !table.learnedTensorGradients[index].isEmpty
            // The frontier is sorted by flags and kept buffers, and everything but the per-state arithmetic depends
            // on those alone: work group by group, option by option, so each (group, option) emits its candidates as
            // one run in the front's order (value, slack and committed move monotonically with the parent's), which
            // the sort below merges instead of sorting from scratch.
            var groupStart = 0
            while groupStart < frontier.count {
                let first = frontier[groupStart]
                var groupEnd = groupStart + 1
                while groupEnd < frontier.count && frontier[groupEnd].flags == first.flags && frontier[groupEnd].kept == first.kept { groupEnd += 1 }
                let carries = tracker.inputCarriesGradient(first.flags, layer: index)
                let variant = tracksKept ? table.variant(ofLayerAt: index, kept: first.kept) : 0
                let pending = hasLearnedGradients ? table.learnedTensorGradientBytes(ofLayerAt: index, flags: first.flags) : 0
                // Options differ only in whether the layer's output carries a gradient: two flag sets at most.
                let flagsWithoutOutput = tracker.flags(after: first.flags, layer: index, outputCarriesGradient: false)
                let flagsWithOutput = tracker.flags(after: first.flags, layer: index, outputCarriesGradient: true)
                for (optionIndex, update) in layerOptions.enumerated() {
                    let onPath = carries || (positionalPath && update.isUpdated)
                    let path = onPath ? 1 : 0
                    let cost = table.flatCosts[costOffset + (optionIndex * 2 + path) * variantCount + variant]
                    let capacity = pending > 0 ? min(cost.capacity, cost.backwardCapacity - pending) : cost.capacity
                    let outputCarries = GradientFlow.outputCarriesGradient(inputCarries: carries, isUpdated: isTrainable && update.isUpdated)
                    let flags = outputCarries ? flagsWithOutput : flagsWithoutOutput
                    let laterOnPath = tracker.forcesPathOnLaterLayers(flags, after: index)
                    let optionValue = layerValues[optionIndex]
                    var kept: UInt64 = 0
                    if tracksKept {
                        let keeps = table.flatKeeps[keepOffset + optionIndex * 2 + path]
                        let before = first.kept | keeps.inputBits
                        // Only bits that survive the layer, and its output, carry over.
                        if before & tracker.survivingBits[index] != 0 || keeps.output {
                            kept = tracker.flags(after: before, layer: index, outputCarriesGradient: keeps.output)
                        }
                    }
                    for parent in groupStart..<groupEnd {
                        let state = frontier[parent]
                        let (withPrefix, overflow1) = state.committed.addingReportingOverflow(cost.prefixBytes)
                        let (committed, overflow2) = withPrefix.addingReportingOverflow(cost.globalBytes)
                        if overflow1 || overflow2 { continue }
                        // A settled state (C is the sentinel) keeps C at the sentinel: capacity - C never binds.
                        var slack = min(state.slack, capacity - withPrefix) - cost.globalBytes
                        var forwardSlack = 0, backwardSlack = 0
                        if splitsSlack {
                            forwardSlack = min(state.forwardSlack, cost.capacity - withPrefix) - cost.globalBytes
                            // The backward pass reaches this layer once an update is made here or earlier.
                            if state.backwardSlack < unbounded || update.isUpdated {
                                backwardSlack = min(state.backwardSlack, cost.backwardCapacity - pending - withPrefix) - cost.globalBytes
                                    - cost.trailingGradientBytes
                            } else {
                                backwardSlack = unbounded
                            }
                            slack = min(forwardSlack, backwardSlack)
                        }
                        let transient = max(state.transientGradient, cost.transientGradientBytes)
                        if slack - transient < 0 { continue }
                        let value = state.value + optionValue
                        if !context.canReach(target, from: value, after: index, slack: slack - transient, committed: committed,
                                             isOnPath: laterOnPath) { continue }
                        let settled = !splitsSlack && (committed <= irrelevant / 2 || committed <= horizon - slack)
                        candidates.append(State(flags: flags, kept: kept,
                                                committed: settled ? irrelevant : committed, slack: slack, forwardSlack: forwardSlack,
                                                backwardSlack: backwardSlack, transientGradient: transient, value: value,
                                                parent: Int32(parent), option: Int16(optionIndex)))
                    }
                }
                groupStart = groupEnd
            }
            paretoFront(of: &candidates, into: &frontier, scratch: &scratch, splitsSlack: splitsSlack)
            explored += frontier.count
            layerStarts.append(parents.count)
            for state in frontier {
                parents.append(state.parent)
                options.append(state.option)
            }
            if frontier.isEmpty { return nil }
        }
        // The most valuable plan with at least one update; ties go to the lower peak.
        guard let best = frontier.indices.filter({ frontier[$0].value > 0 }).max(by: { lhs, rhs in
            let a = frontier[lhs], b = frontier[rhs]
            if abs(a.value - b.value) > context.tolerance { return a.value < b.value }
            return a.slack - a.transientGradient < b.slack - b.transientGradient
        }) else { return nil }
        var updates = [LayerUpdate](repeating: .frozen, count: count)
        var cursor = best
        for index in stride(from: count - 1, through: 0, by: -1) {
            let position = layerStarts[index] + cursor
            updates[index] = table.options[index][Int(options[position])]
            cursor = Int(parents[position])
        }
        let chosen = frontier[best]
        return StepOptimum(updates: updates, value: chosen.value,
                           peak: ByteCount(problem.budget.bytes - (chosen.slack - chosen.transientGradient)),
                           statesExplored: explored)
    }

    /// Buffers `paretoFront` reuses from one layer to the next.
    struct ParetoScratch {
        var stairCommitted: [Int] = []
        var stairSlack: [Int] = []
        var front: [State] = []
    }

    /// Whether `a` comes before `b` in the order the front is built in: by flags, then the most valuable, the
    /// largest slack, the least committed, the smallest transient gradient first; exact ties keep the order the
    /// states were generated in (parent, then option), so the front is the same as a stable sort's.
    @inline(__always)
    static func precedes(_ a: State, _ b: State) -> Bool {
        if a.flags != b.flags { return a.flags < b.flags }
        if a.kept != b.kept { return a.kept < b.kept }
        if a.value != b.value { return a.value > b.value }
        if a.slack != b.slack { return a.slack > b.slack }
        if a.committed != b.committed { return a.committed < b.committed }
        if a.transientGradient != b.transientGradient { return a.transientGradient < b.transientGradient }
        if a.parent != b.parent { return a.parent < b.parent }
        return a.option < b.option
    }

    /// The states no other state with the same flags and kept buffers dominates (lower or equal C and G, higher or equal E and V),
    /// in the order of `precedes`. Sorts `states` in place and writes the front into `kept`.
    /// - Complexity: O(F log F) per flag group without transient gradients (a staircase over C and E), O(F^2) with.
    static func paretoFront(of states: inout [State], into kept: inout [State], scratch: inout ParetoScratch, splitsSlack: Bool = false) {
        states.sort(by: precedes)
        kept.removeAll(keepingCapacity: true)
        var groupStart = 0
        while groupStart < states.count {
            let flags = states[groupStart].flags
            let keptBuffers = states[groupStart].kept
            var groupEnd = groupStart
            var hasTransient = splitsSlack
            while groupEnd < states.count && states[groupEnd].flags == flags && states[groupEnd].kept == keptBuffers {
                if states[groupEnd].transientGradient != 0 { hasTransient = true }
                groupEnd += 1
            }
            if !hasTransient {
                // Staircase of (C, E): C ascending with E ascending; a point is dominated when the last point
                // with C <= its C has E >= its E.
                scratch.stairCommitted.removeAll(keepingCapacity: true)
                scratch.stairSlack.removeAll(keepingCapacity: true)
                for position in groupStart..<groupEnd {
                    let candidate = states[position]
                    var low = 0, high = scratch.stairCommitted.count
                    while low < high {
                        let middle = (low + high) / 2
                        if scratch.stairCommitted[middle] <= candidate.committed { low = middle + 1 } else { high = middle }
                    }
                    if low > 0 && scratch.stairSlack[low - 1] >= candidate.slack { continue }
                    var end = low
                    while end < scratch.stairCommitted.count && scratch.stairSlack[end] <= candidate.slack { end += 1 }
                    if end == low + 1 {
                        scratch.stairCommitted[low] = candidate.committed
                        scratch.stairSlack[low] = candidate.slack
                    } else {
                        scratch.stairCommitted.replaceSubrange(low..<end, with: CollectionOfOne(candidate.committed))
                        scratch.stairSlack.replaceSubrange(low..<end, with: CollectionOfOne(candidate.slack))
                    }
                    kept.append(candidate)
                }
            } else {
                scratch.front.removeAll(keepingCapacity: true)
                for position in groupStart..<groupEnd {
                    let candidate = states[position]
                    let dominated = scratch.front.contains { other in
                        other.committed <= candidate.committed && other.slack >= candidate.slack
                            && other.transientGradient <= candidate.transientGradient
                            && (!splitsSlack || (other.forwardSlack >= candidate.forwardSlack && other.backwardSlack >= candidate.backwardSlack))
                    }
                    if !dominated { scratch.front.append(candidate) }
                }
                kept += scratch.front
            }
            groupStart = groupEnd
        }
    }
}
