/// MeDyate's planner: pre-select layers by LaRa, then give each a channel count whose worst case fits the
/// budget whichever channels are drawn.
///
/// Walking LaRa's ranking, a layer is admitted when it fits at one channel together with the layers admitted
/// before it (a layer that does not, e.g. one whose update puts large normalized inputs on the backward
/// path, is skipped); runs of layers that fit are found by galloping and bisection, which is the walk whenever
/// admitting a layer does not lower the peak. For m = 1, 2, ... the first m admitted layers start at one channel each; channels are
/// then added one at a time to the layer whose next channel adds the most value per byte (value |alpha_l^k| sqrt(c / C), as the static planner's
/// objective; bytes: that channel's stored input for the micro-batch and its weight gradients), as long as
/// the cost model's peak of the whole plan stays within the budget; a layer whose next channel does not fit
/// takes no more. The m with the most valuable plan wins (ties: the smaller m); the sizes are tried largest first,
/// then halving, then the rest, so that a search stopped by `PlanningProblem.searchDeadline` has tried the
/// characteristic ones (it answers with the best plan of the sizes it tried, and says so). The peak is checked with
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

        /// Set when `PlanningProblem.searchDeadline` passed before the search ended: `plan` is then the best of the
        /// sizes tried (or nil when no layer was admitted yet).
        public var stoppedSearch: StoppedSearch?

        /// Whether a plan fits.
        public var fits: Bool { plan != nil }
    }

    /// How far a search stopped by its deadline got.
    public struct StoppedSearch: Sendable, Equatable {
        /// Ranked layers the pre-selection walked, of all ranked layers.
        public var walkedLayers: Int
        public var rankedLayers: Int
        /// Sizes m whose channels were grown to the end, of the admitted layers' count (every size the search
        /// would try); a size the deadline cut while growing still counts with the channels it had.
        public var completedSizes: Int
        public var possibleSizes: Int
    }

    /// Plans `problem` dynamically.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    /// - Complexity: O(m x layers x log(sum of C)) cost-model evaluations, each O(K x (layers + edges)).
    public static func solve(_ problem: PlanningProblem) throws -> Result {
        let ranking = try LayerRanking(problem)
        let model = problem.model
        let (admitted, walked) = try preselect(ranking.entries.map(\.layer), problem: problem)
        var best: (size: Int, counts: [Int: Int], value: Double, cost: AdaptationCost)?
        var tried = 0
        var completed = 0
        for size in sizeOrder(admitted.count) {
            if tried > 0 && problem.isPastDeadline { break }
            tried += 1
            var counts = Dictionary(uniqueKeysWithValues: admitted.prefix(size).map { ($0, 1) })
            if try grow(&counts, ranking: ranking, problem: problem) { completed += 1 }
            let value = Self.value(of: counts, problem: problem)
            let isBetter = best.map { value > $0.value + 1e-12 || (value >= $0.value - 1e-12 && size < $0.size) } ?? true
            if isBetter, let cost = try cost(of: counts, problem: problem) {
                best = (size, counts, value, cost)
            }
        }
        let stopped = walked < ranking.entries.count || completed < admitted.count
            ? StoppedSearch(walkedLayers: walked, rankedLayers: ranking.entries.count, completedSizes: completed, possibleSizes: admitted.count)
            : nil
        guard let best else { return Result(problem: problem, ranking: ranking, plan: nil, stoppedSearch: stopped) }
        let layers = best.counts.keys.sorted().map { index in
            DynamicChannelPlan.LayerChannels(layer: index, name: model.graph.layers[index].name,
                                             channelCount: model.layerCosts[index].inputChannels, selectedCount: best.counts[index]!)
        }
        let plan = DynamicChannelPlan(layers: layers, graphLayerCount: model.graph.layerCount, innerSteps: problem.innerSteps,
                                      cost: best.cost, value: best.value)
        return Result(problem: problem, ranking: ranking, plan: plan, stoppedSearch: stopped)
    }

    /// Pre-selection: the ranked layers admitted at one channel each, and how many ranked layers were walked
    /// before the deadline. The longest run of the next layers that fits with those admitted is found by
    /// galloping, then bisection; the layer after it does not fit and is skipped.
    static func preselect(_ ranked: [Int], problem: PlanningProblem) throws -> (admitted: [Int], walked: Int) {
        var admitted: [Int] = []
        var position = 0
        func fits(adding count: Int) throws -> Bool {
            let trial = Dictionary(uniqueKeysWithValues: (admitted + ranked[position..<(position + count)]).map { ($0, 1) })
            return try cost(of: trial, problem: problem) != nil
        }
        while position < ranked.count {
            if problem.isPastDeadline { break }
            let (low, closed) = try longestFitting(upTo: ranked.count - position, problem: problem, fits: fits(adding:))
            admitted += ranked[position..<(position + low)]
            position += low
            // Stopped before the search closed in: the next layer is not known to be refused.
            guard closed else { break }
            if position < ranked.count { position += 1 }
        }
        return (admitted, position)
    }

    /// The largest n in 0...limit for which `fits(n)` holds (0 always does), found by galloping from 0 and then
    /// bisecting, so that a short answer takes few evaluations; exact when `fits` is monotone. `closed` is false
    /// when the deadline passed first: `length` then fits, but longer ones were not ruled out.
    static func longestFitting(upTo limit: Int, problem: PlanningProblem,
                               fits: (Int) throws -> Bool) throws -> (length: Int, closed: Bool) {
        var low = 0
        var high = limit
        var stride = 1
        while low < high && !problem.isPastDeadline {
            let probe = min(low + stride, high)
            guard try fits(probe) else {
                high = probe - 1
                break
            }
            low = probe
            stride *= 2
        }
        while low < high && !problem.isPastDeadline {
            let middle = (low + high + 1) / 2
            if try fits(middle) { low = middle } else { high = middle - 1 }
        }
        return (low, low == high)
    }

    /// The sizes m to try, each once: all admitted layers, then halving down to 1, then the rest ascending.
    static func sizeOrder(_ count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var order: [Int] = []
        var seen = Set<Int>()
        var size = count
        while size >= 1 {
            if seen.insert(size).inserted { order.append(size) }
            size /= 2
        }
        for size in 1...count where seen.insert(size).inserted { order.append(size) }
        return order
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

    /// Adds channels greedily by marginal value per byte while the plan fits; false when the deadline stopped it first.
    private static func grow(_ counts: inout [Int: Int], ranking: LayerRanking, problem: PlanningProblem) throws -> Bool {
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
        // Past the deadline the counts stay as they are: they fit, and the caller reports the stop.
        while !open.isEmpty && !problem.isPastDeadline {
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
            // The longest fitting prefix: once the plan is near the budget it is short, so this takes O(log prefix)
            // cost-model evaluations instead of O(log picks).
            let (low, closed) = try longestFitting(upTo: available, problem: problem) { try cost(of: grown(after: $0), problem: problem) != nil }
            // `low` picks fit; stopped before the search closed in, the next pick is unknown, not refused.
            counts = grown(after: low)
            guard closed else { return false }
            guard low < available else { return true }
            extendPicks(to: low + 1)
            open.remove(picks[low])
            open = open.filter { counts[$0]! < channelCount[$0]! }
        }
        return open.isEmpty
    }
}
