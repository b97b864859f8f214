/// MeDyate's planner: pre-select layers by LaRa, then give each a channel count whose worst case fits the
/// budget whichever channels are drawn.
///
/// Walking LaRa's ranking, a layer is admitted when it fits at one channel together with the layers admitted
/// before it (a layer that does not, e.g. one whose update puts large normalized inputs on the backward
/// path, is skipped). For m = 1, 2, ... the first m admitted layers start at one channel each; channels are
/// then added one at a time to the layer whose next channel adds the most value per byte (value |alpha_l^k| sqrt(c / C), as the static planner's
/// objective; bytes: that channel's stored input for the micro-batch and its weight gradients), as long as
/// the cost model's peak of the whole plan stays within the budget; a layer whose next channel does not fit
/// takes no more. The m with the most valuable plan wins (ties: the smaller m). The peak is checked with
/// `CostModel.adaptation` on channel counts, which is exactly the peak of every draw.
public enum DynamicChannelPlanner {
    /// The dynamic strategy's answer for one budget.
    public struct Result: Sendable {
        /// The problem solved.
        public var problem: PlanningProblem
        /// LaRa's ranking of the conv/linear layers.
        public var ranking: LayerRanking
        /// The plan, or nil when not even one channel of one layer fits.
        public var plan: DynamicChannelPlan?

        /// Whether a plan fits.
        public var fits: Bool { plan != nil }
    }

    /// Plans `problem` dynamically.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    /// - Complexity: O(m x layers x log(sum of C)) cost-model evaluations, each O(K x (layers + edges)).
    public static func solve(_ problem: PlanningProblem) throws -> Result {
        let ranking = try LayerRanking(problem)
        let model = problem.model
        // Pre-selection: walk the ranking, admitting each layer that still fits at one channel with those before it.
        var admitted: [Int] = []
        for entry in ranking.entries {
            let trial = Dictionary(uniqueKeysWithValues: (admitted + [entry.layer]).map { ($0, 1) })
            if try cost(of: trial, problem: problem) != nil { admitted.append(entry.layer) }
        }
        var best: (counts: [Int: Int], value: Double, cost: AdaptationCost)?
        for size in 1...max(admitted.count, 1) where size <= admitted.count {
            var counts = Dictionary(uniqueKeysWithValues: admitted.prefix(size).map { ($0, 1) })
            try grow(&counts, ranking: ranking, problem: problem)
            let value = Self.value(of: counts, problem: problem)
            if best.map({ value > $0.value + 1e-12 }) ?? true, let cost = try cost(of: counts, problem: problem) {
                best = (counts, value, cost)
            }
        }
        guard let best else { return Result(problem: problem, ranking: ranking, plan: nil) }
        let layers = best.counts.keys.sorted().map { index in
            DynamicChannelPlan.LayerChannels(layer: index, name: model.graph.layers[index].name,
                                             channelCount: model.layerCosts[index].inputChannels, selectedCount: best.counts[index]!)
        }
        let plan = DynamicChannelPlan(layers: layers, graphLayerCount: model.graph.layerCount, innerSteps: problem.innerSteps,
                                      cost: best.cost, value: best.value)
        return Result(problem: problem, ranking: ranking, plan: plan)
    }

    /// The plan of `counts` (layer index -> c) at every inner step.
    static func plan(_ counts: [Int: Int], problem: PlanningProblem) -> UpdatePlan {
        var updates = [LayerUpdate](repeating: .frozen, count: problem.model.graph.layerCount)
        for (index, count) in counts {
            updates[index] = LayerUpdate(parameters: .all,
                                         inputChannelRatio: ChannelRatio(count, problem.model.layerCosts[index].inputChannels))
        }
        return UpdatePlan(steps: Array(repeating: StepUpdates(layers: updates), count: problem.innerSteps))
    }

    /// The cost of `counts` when its peak fits the budget, else nil.
    static func cost(of counts: [Int: Int], problem: PlanningProblem) throws -> AdaptationCost? {
        let cost = try problem.model.adaptation(of: plan(counts, problem: problem), workload: problem.workload, profile: problem.profile)
        return cost.peak <= problem.budget ? cost : nil
    }

    /// sum_k sum_l |alpha_l^k| sqrt(c_l / C_l).
    static func value(of counts: [Int: Int], problem: PlanningProblem) -> Double {
        counts.keys.sorted().reduce(0.0) { total, index in
            let ratio = ChannelRatio(counts[index]!, problem.model.layerCosts[index].inputChannels)
            return total + (0..<problem.innerSteps).reduce(0.0) { $0 + problem.value(step: $1, layer: index, ratio: ratio) }
        }
    }

    /// Adds channels greedily by marginal value per byte while the plan fits.
    private static func grow(_ counts: inout [Int: Int], ranking: LayerRanking, problem: PlanningProblem) throws {
        let model = problem.model
        let workload = problem.workload
        var importance: [Int: Double] = [:]
        var bytesPerChannel: [Int: Double] = [:]
        var channelCount: [Int: Int] = [:]
        for entry in ranking.entries where counts[entry.layer] != nil {
            let channels = model.layerCosts[entry.layer].inputChannels
            importance[entry.layer] = entry.importance
            channelCount[entry.layer] = channels
            let weights = model.layerCosts[entry.layer].weightElements / channels
            let input = Double(entry.storedInputBytes.bytes) / Double(channels)
            bytesPerChannel[entry.layer] = input + Double(weights * workload.precision.gradientBytes)
        }
        // gains[l][c]: the value per byte of layer l's channel number c + 1 (decreasing in c: sqrt is concave).
        var gains: [Int: [Double]] = [:]
        for (index, channels) in channelCount {
            gains[index] = (0..<channels).map { next in
                let added = (Double(next + 1) / Double(channels)).squareRoot() - (Double(next) / Double(channels)).squareRoot()
                return importance[index]! * added / max(bytesPerChannel[index]!, 1)
            }
        }
        func precedes(_ a: (index: Int, next: Int), _ b: (index: Int, next: Int)) -> Bool {
            let (gainA, gainB) = (gains[a.index]![a.next], gains[b.index]![b.next])
            return gainA != gainB ? gainA > gainB : a.index < b.index
        }
        // The one-channel-at-a-time greedy, done in bisections: list the picks it would make if everything fitted,
        // keep the longest prefix that fits (the peak grows along the list, except that a layer's last channel can lower
        // it under `physical`, its stored copy becoming the working input: the search may then stop short, a heuristic's
        // loss, never a plan over the budget), and retire the layer of the first
        // pick that does not fit; then list again without it. At most one retirement per layer. The list is built
        // only as far as the search looks, which is a short way once the plan is near the budget.
        var open = Set(counts.keys.filter { counts[$0]! < channelCount[$0]! })
        while !open.isEmpty {
            var planned = counts
            var picks: [Int] = []
            // The open layers in a binary min-heap by their next pick: popping the first is the greedy's choice.
            var heap = BinaryHeap(open.sorted()) { precedes(($0, planned[$0]!), ($1, planned[$1]!)) }
            let available = open.reduce(0) { $0 + channelCount[$1]! - counts[$1]! }
            func extendPicks(to length: Int) {
                while picks.count < length, let chosen = heap.popFirst() {
                    picks.append(chosen)
                    planned[chosen]! += 1
                    if planned[chosen]! < channelCount[chosen]! { heap.insert(chosen) }
                }
            }
            func grown(after prefix: Int) -> [Int: Int] {
                extendPicks(to: prefix)
                var result = counts
                for layer in picks.prefix(prefix) { result[layer]! += 1 }
                return result
            }
            // The longest fitting prefix: gallop from the start, then bisect. Once the plan is near the budget the
            // prefix is short, so this takes O(log prefix) cost-model evaluations instead of O(log picks).
            var low = 0
            var high = available
            var stride = 1
            while low < high {
                let probe = min(low + stride, high)
                guard try cost(of: grown(after: probe), problem: problem) != nil else {
                    high = probe - 1
                    break
                }
                low = probe
                stride *= 2
            }
            while low < high {
                let middle = (low + high + 1) / 2
                if try cost(of: grown(after: middle), problem: problem) != nil { low = middle } else { high = middle - 1 }
            }
            counts = grown(after: low)
            guard low < available else { return }
            extendPicks(to: low + 1)
            open.remove(picks[low])
            open = open.filter { counts[$0]! < channelCount[$0]! }
        }
    }
}
