/// p-Meta's memory-weighted Lasso selector, Eq. (9): the penalty lambda * sum_{l,k} m(x_{l-1}) |alpha_l^k|.
///
/// A proximal (soft-threshold) step zeroes alpha_l^k once lambda * m(x_{l-1}) exceeds |alpha_l^k|, so as
/// lambda grows the layer-steps drop in order of value per byte, |alpha_l^k| / m(x_{l-1}). The path is that
/// sequence of plans; combined with one input-channel ratio for every updated conv/linear layer (from the ratio
/// set), the selector returns the most valuable plan on the path whose every step fits the budget. Removing
/// updates never raises the peak, so for each ratio the breakpoint is found by binary search.
public enum LassoPathPlanner {
    /// The path's best plan.
    public struct Selection: Sendable {
        /// The plan.
        public var plan: UpdatePlan
        /// Its value under the problem's objective.
        public var value: Double
        /// Its adaptation cost.
        public var cost: AdaptationCost
        /// The smallest lambda on the path that gives this plan (layer-steps with |alpha| / m(x) >= lambda are kept).
        public var lambda: Double
        /// The common input-channel ratio of its conv/linear updates.
        public var ratio: ChannelRatio
    }

    /// A search of the path, which `PlanningProblem.searchDeadline` may stop between two costings of a plan.
    public struct PathSearch: Sendable {
        /// The most valuable plan found that fits, or nil.
        public var selection: Selection?
        /// The channel ratios whose breakpoint the search found, of `ratioCount`: fewer when the deadline passed.
        public var searchedRatios: Int
        /// The ratios of the problem.
        public var ratioCount: Int
        /// Whether the deadline stopped the search: `selection` is then the best of the ratios searched (and of the
        /// prefixes found to fit in the ratio it stopped in).
        public var stoppedAtDeadline: Bool { searchedRatios < ratioCount }
    }

    /// The most valuable plan on the Lasso path that fits, or nil when not even one layer-step fits.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    /// - Complexity: O(ratios x log(layer-steps) x K x layers), where a run of equal steps is costed once.
    public static func select(_ problem: PlanningProblem) throws -> Selection? {
        try search(problem).selection
    }

    /// The path's search, bounded by `problem.searchDeadline`.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    public static func search(_ problem: PlanningProblem) throws -> PathSearch {
        let graph = problem.model.graph
        let scores = problem.importance.scores
        // Consecutive steps with equal scores have equal keys layer by layer, so every breakpoint keeps or drops a
        // layer in all of them at once: the path is searched over runs of equal steps (K uniform steps are one run).
        var runs: [(first: Int, count: Int)] = []
        for step in scores.indices {
            if let last = runs.last, scores[step] == scores[last.first] { runs[runs.count - 1].count += 1 } else { runs.append((step, 1)) }
        }
        // Candidate layer-steps (a step here is a run) in the order the growing penalty removes them last to first.
        var candidates: [(step: Int, layer: Int, key: Double)] = []
        for (run, steps) in runs.enumerated() {
            for index in 0..<graph.layerCount where graph.layers[index].operation.isTrainable && scores[steps.first][index] > 0 {
                let bytes = Double(max(problem.model.layerCosts[index].inputElements, 1))
                candidates.append((run, index, scores[steps.first][index] / bytes))
            }
        }
        candidates.sort { $0.key != $1.key ? $0.key > $1.key : ($0.step, $0.layer) < ($1.step, $1.layer) }
        // Only prefixes that end between two distinct keys are on the path.
        var breakpoints: [Int] = []
        for end in 1...max(candidates.count, 1) where end <= candidates.count {
            if end == candidates.count || candidates[end].key != candidates[end - 1].key { breakpoints.append(end) }
        }
        var best: Selection?
        var searched = 0
        ratios: for ratio in problem.ratios {
            func plan(keeping prefix: Int) -> UpdatePlan {
                var runSteps = Array(repeating: StepUpdates(layers: Array(repeating: .frozen, count: graph.layerCount)), count: runs.count)
                for candidate in candidates.prefix(prefix) {
                    runSteps[candidate.step].layers[candidate.layer] = problem.update(ofLayerAt: candidate.layer, ratio: ratio)
                }
                // The steps of a run share their run's storage.
                return UpdatePlan(steps: runs.indices.flatMap { repeatElement(runSteps[$0], count: runs[$0].count) })
            }
            func fits(_ prefix: Int) throws -> AdaptationCost? {
                let cost = try problem.model.adaptation(of: plan(keeping: prefix), workload: problem.workload, profile: problem.profile,
                                                        layerDetail: .peakStepOnly)
                return cost.peak <= problem.budget ? cost : nil
            }
            // Largest breakpoint that fits (monotone: fewer updates never need more memory).
            var low = 0, high = breakpoints.count - 1, found: (Int, AdaptationCost)?
            var stopped = false
            while low <= high {
                if problem.isPastDeadline {
                    stopped = true
                    break
                }
                let middle = (low + high) / 2
                if let cost = try fits(breakpoints[middle]) {
                    found = (breakpoints[middle], cost)
                    low = middle + 1
                } else {
                    high = middle - 1
                }
            }
            if let (prefix, cost) = found {
                let chosen = plan(keeping: prefix)
                let value = problem.value(of: chosen)
                if best.map({ value > $0.value + 1e-12 }) ?? true {
                    best = Selection(plan: chosen, value: value, cost: cost, lambda: candidates[prefix - 1].key, ratio: ratio)
                }
            }
            if stopped { break ratios }
            searched += 1
        }
        return PathSearch(selection: best, searchedRatios: searched, ratioCount: problem.ratios.count)
    }
}
