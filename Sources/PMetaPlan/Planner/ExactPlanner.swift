/// The exact optimum of the planning objective: the most valuable updates whose adaptation peak fits.
///
/// The peak is not a plain sum (it is max over layers of stored-so-far + working set, plus buffers), so a
/// knapsack alone cannot solve it. This is a dynamic programme over the layer order. After layer i a partial
/// plan is summarised by
/// - the gradient flags of the live tensors (which later layers are on the backward path),
/// - C, the bytes it commits: stored tensors so far plus every always-alive byte (gradient buffers, earlier
///   streamed samples),
/// - E, its slack: min over layers j <= i of (budget - working(j) - stored(<= j)) minus the always-alive bytes,
///   so the final peak is budget - E,
/// - G, the largest transient gradient buffer (no accumulation), and V, its value.
/// A state is dropped when E - G < 0 (it cannot fit whatever comes next), when another state with the same
/// flags is at least as good in C, E, G and V, or when V plus the best value the remaining layers could add
/// is below a plan already known to fit. The K inner steps are independent (the peak is a max over steps),
/// so each is solved on its own.
public enum ExactPlanner {
    /// A partial plan after some layers.
    struct State {
        var flags: UInt64
        var committed: Int
        var slack: Int
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
        return bestStep(of: problem, step: step, table: table, knownFeasibleValue: knownFeasibleValue)
    }

    static func bestStep(of problem: PlanningProblem, step: Int, table: LayerOptionCosts, knownFeasibleValue: Double) -> StepOptimum? {
        let graph = problem.model.graph
        let count = graph.layerCount
        let tracker = GradientFlowTracker(graph: graph, profile: problem.profile)
        let positionalPath = problem.profile.backwardScope == .fromFirstUpdatedPosition
        // The most value layers i... could still add.
        var remaining = [Double](repeating: 0, count: count + 1)
        for index in stride(from: count - 1, through: 0, by: -1) {
            let best = table.options[index].map { problem.value(step: step, layer: index, ratio: $0.inputChannelRatio) * ($0.isUpdated ? 1 : 0) }.max() ?? 0
            remaining[index] = remaining[index + 1] + best
        }
        let tolerance = 1e-9 * max(1, remaining[0])
        let target = knownFeasibleValue - tolerance
        var frontier = [State(flags: 0, committed: 0, slack: Int.max / 4, transientGradient: 0, value: 0, parent: -1, option: 0)]
        var history: [[State]] = []
        history.reserveCapacity(count)
        var explored = 0
        for index in 0..<count {
            var candidates: [State] = []
            candidates.reserveCapacity(frontier.count * table.options[index].count)
            let capacity = table.capacities[index]
            for (parent, state) in frontier.enumerated() {
                let carries = tracker.inputCarriesGradient(state.flags, layer: index)
                for (optionIndex, update) in table.options[index].enumerated() {
                    let onPath = carries || (positionalPath && update.isUpdated)
                    let cost = table.costs[index][optionIndex][onPath ? 1 : 0]
                    let (withPrefix, overflow1) = state.committed.addingReportingOverflow(cost.prefixBytes)
                    let (committed, overflow2) = withPrefix.addingReportingOverflow(cost.globalBytes)
                    if overflow1 || overflow2 { continue }
                    let slack = min(state.slack, capacity - withPrefix) - cost.globalBytes
                    let transient = max(state.transientGradient, cost.transientGradientBytes)
                    if slack - transient < 0 { continue }
                    let value = state.value + (update.isUpdated ? problem.value(step: step, layer: index, ratio: update.inputChannelRatio) : 0)
                    if value + remaining[index + 1] < target { continue }
                    let outputCarries = (graph.layers[index].operation.isTrainable && update.isUpdated) || carries
                    candidates.append(State(flags: tracker.flags(after: state.flags, layer: index, outputCarriesGradient: outputCarries),
                                            committed: committed, slack: slack, transientGradient: transient, value: value,
                                            parent: Int32(parent), option: Int16(optionIndex)))
                }
            }
            frontier = paretoFront(of: candidates)
            explored += frontier.count
            history.append(frontier)
            if frontier.isEmpty { return nil }
        }
        // The most valuable plan with at least one update; ties go to the lower peak.
        guard let best = frontier.indices.filter({ frontier[$0].value > 0 }).max(by: { lhs, rhs in
            let a = frontier[lhs], b = frontier[rhs]
            if abs(a.value - b.value) > tolerance { return a.value < b.value }
            return a.slack - a.transientGradient < b.slack - b.transientGradient
        }) else { return nil }
        var updates = [LayerUpdate](repeating: .frozen, count: count)
        var cursor = best
        for index in stride(from: count - 1, through: 0, by: -1) {
            let state = history[index][cursor]
            updates[index] = table.options[index][Int(state.option)]
            cursor = Int(state.parent)
        }
        let chosen = frontier[best]
        return StepOptimum(updates: updates, value: chosen.value,
                           peak: ByteCount(problem.budget.bytes - (chosen.slack - chosen.transientGradient)),
                           statesExplored: explored)
    }

    /// The states no other state with the same flags dominates (lower or equal C and G, higher or equal E and V).
    static func paretoFront(of states: [State]) -> [State] {
        var groups: [UInt64: [Int]] = [:]
        for index in states.indices { groups[states[index].flags, default: []].append(index) }
        var kept: [State] = []
        for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
            let members = group.sorted { lhs, rhs in
                let a = states[lhs], b = states[rhs]
                if a.value != b.value { return a.value > b.value }
                if a.slack != b.slack { return a.slack > b.slack }
                if a.committed != b.committed { return a.committed < b.committed }
                return a.transientGradient < b.transientGradient
            }
            var front: [State] = []
            for index in members {
                let candidate = states[index]
                let dominated = front.contains { other in
                    other.committed <= candidate.committed && other.slack >= candidate.slack
                        && other.transientGradient <= candidate.transientGradient
                }
                if !dominated { front.append(candidate) }
            }
            kept += front
        }
        return kept
    }
}
