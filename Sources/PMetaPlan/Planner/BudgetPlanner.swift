/// The planner's answer for one budget: the Lasso path's plan, the exact optimum, and the gap between them.
public struct PlanningResult: Sendable {
    /// The problem solved.
    public var problem: PlanningProblem
    /// p-Meta's Lasso-path selection, or nil when no plan on the path fits.
    public var lasso: LassoPathPlanner.Selection?
    /// The exact optimum, or nil when no update at all fits.
    public var optimum: Optimum?

    /// The exact optimum of the objective under the budget.
    public struct Optimum: Sendable {
        /// The plan.
        public var plan: UpdatePlan
        /// Its value.
        public var value: Double
        /// Its cost, recomputed by the cost model.
        public var cost: AdaptationCost
        /// States the search kept, over all steps.
        public var statesExplored: Int
    }

    /// Whether some plan with at least one update fits.
    public var fits: Bool { optimum != nil }

    /// The plan the tool recommends: the exact optimum (the Lasso plan is never better).
    public var recommendedPlan: UpdatePlan? { optimum?.plan }

    /// How much value the Lasso path's plan leaves on the table: (optimum - lasso) / optimum, 0 when it is optimal.
    public var lassoGap: Double? {
        guard let optimum, optimum.value > 0 else { return nil }
        return max(0, (optimum.value - (lasso?.value ?? 0)) / optimum.value)
    }
}

/// Finds the most valuable update plan whose adaptation peak fits a budget.
public enum BudgetPlanner {
    /// Solves `problem` with the Lasso path and the exact search.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    public static func solve(_ problem: PlanningProblem) throws -> PlanningResult {
        let lasso = try LassoPathPlanner.select(problem)
        let table = try LayerOptionCosts(problem)
        let count = problem.model.graph.layerCount
        var steps: [StepUpdates] = []
        var value = 0.0
        var explored = 0
        var anyUpdate = false
        var solvedRows: [[Double]: ExactPlanner.StepOptimum?] = [:]
        for step in 0..<problem.innerSteps {
            let row = problem.importance.scores[step]
            let known = lasso.map { selection in
                selection.plan.steps[step].layers.enumerated().reduce(0.0) { total, entry in
                    total + (entry.element.isUpdated ? problem.value(step: step, layer: entry.offset, ratio: entry.element.inputChannelRatio) : 0)
                }
            } ?? 0
            let optimum: ExactPlanner.StepOptimum?
            if let cached = solvedRows[row] {
                optimum = cached
            } else {
                optimum = ExactPlanner.bestStep(of: problem, step: step, table: table, knownFeasibleValue: known)
                solvedRows[row] = optimum
                explored += optimum?.statesExplored ?? 0
            }
            if let optimum {
                steps.append(StepUpdates(layers: optimum.updates))
                value += optimum.value
                anyUpdate = true
            } else {
                steps.append(StepUpdates(layers: Array(repeating: .frozen, count: count)))
            }
        }
        var result = PlanningResult(problem: problem, lasso: lasso, optimum: nil)
        if anyUpdate {
            let plan = UpdatePlan(steps: steps)
            let cost = try problem.model.adaptation(of: plan, workload: problem.workload, profile: problem.profile)
            result.optimum = PlanningResult.Optimum(plan: plan, value: value, cost: cost, statesExplored: explored)
        }
        return result
    }
}
