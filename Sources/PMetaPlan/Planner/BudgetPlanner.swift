/// The planner's answer for one budget: the Lasso path's plan, the exact optimum, and the gap between them.
public struct PlanningResult: Sendable {
    /// The problem solved.
    public var problem: PlanningProblem
    /// p-Meta's Lasso-path selection, or nil when no plan on the path fits.
    public var lasso: LassoPathPlanner.Selection?
    /// The exact optimum, or nil when no update at all fits.
    public var optimum: Optimum?
    /// How far the Lasso path's search got: it stops at `PlanningProblem.searchDeadline` too.
    public var lassoSearch: LassoPathPlanner.PathSearch? = nil

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
        /// Whether the steps were searched one after another with the update state earlier steps leave behind taken
        /// off the budget (`Workload.updateState`): the plan fits, but a layer updated again is charged twice in the
        /// search, so the plan is the optimum of that stricter problem, not proven optimal.
        public var chargedCarriedStateInSearch = false
    }

    /// Set when the exact search passed `PlanningProblem.searchDeadline`: `optimum` is then the best plan
    /// found, not a proven optimum.
    public var stoppedSearch: StoppedSearch?

    /// What an exact search that ran out of time leaves: how far it got and how far from the bound its plan may be.
    public struct StoppedSearch: Sendable {
        /// The steps whose exact search finished.
        public var solvedSteps: Int
        /// A bound on the value of any plan: the solved steps' values plus the other steps' Lagrangian bounds (for
        /// steps still unbounded a second after the stop, the value of updating all of their layers fully).
        public var valueBound: Double
        /// (bound - value) / bound of the plan given, 1 when there is none.
        public var gap: Double
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
        let lassoSearch = try LassoPathPlanner.search(problem)
        let lasso = lassoSearch.selection
        let table = try LayerOptionCosts(problem)
        let count = problem.model.graph.layerCount
        var steps: [StepUpdates] = []
        var value = 0.0
        var explored = 0
        var anyUpdate = false
        var solvedRows: [[Double]: ExactPlanner.StepOptimum?] = [:]
        let deadline = problem.searchDeadline
        for step in 0..<problem.innerSteps {
            let row = problem.importance.scores[step]
            let optimum: ExactPlanner.StepOptimum?
            if let cached = solvedRows[row] {
                optimum = cached
            } else {
                let known = lasso.map { selection in
                    selection.plan.steps[step].layers.enumerated().reduce(0.0) { total, entry in
                        total + (entry.element.isUpdated ? problem.value(step: step, layer: entry.offset, ratio: entry.element.inputChannelRatio) : 0)
                    }
                } ?? 0
                do {
                    optimum = try ExactPlanner.bestStep(of: problem, step: step, table: table, knownFeasibleValue: known, deadline: deadline)
                } catch {
                    var result = try stopped(problem, lasso: lasso, table: table, solved: steps, solvedValue: value, explored: explored)
                    result.lassoSearch = lassoSearch
                    return result
                }
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
        var result = PlanningResult(problem: problem, lasso: lasso, optimum: nil, lassoSearch: lassoSearch)
        if anyUpdate {
            let plan = UpdatePlan(steps: steps)
            let cost = try problem.model.adaptation(of: plan, workload: problem.workload, profile: problem.profile, layerDetail: .peakStepOnly)
            result.optimum = PlanningResult.Optimum(plan: plan, value: value, cost: cost, statesExplored: explored)
            // Steps searched alone ignore the state earlier steps leave behind; when that breaks the budget, the
            // optimum of the relaxation is out of reach and the steps are searched again one after another.
            if cost.peak > problem.budget {
                result.optimum = try solveChargingCarriedState(problem, explored: explored)
            }
        }
        return result
    }

    /// The answer when the exact search ran out of time at step `solved.count`: the steps it solved and the Lasso
    /// path's plan for the rest, if that fits (else the Lasso path's plan alone), with the gap to the Lagrangian bound.
    static func stopped(_ problem: PlanningProblem, lasso: LassoPathPlanner.Selection?, table: LayerOptionCosts,
                                solved: [StepUpdates], solvedValue: Double, explored: Int) throws -> PlanningResult {
        // Each step's Lagrangian bound takes a pass over its layers' options per multiplier; past a second's grace
        // the remaining steps are bounded by updating all of their layers fully, which is looser but O(layers).
        let grace = ContinuousClock.now + .seconds(1)
        var bound = solvedValue
        var boundsByRow: [[Double]: Double] = [:]
        for step in solved.count..<problem.innerSteps {
            let row = problem.importance.scores[step]
            let stepBound: Double
            if let known = boundsByRow[row] {
                stepBound = known
            } else if ContinuousClock.now < grace {
                stepBound = max(0, ExactPlanner.valueBound(of: problem, step: step, table: table))
                boundsByRow[row] = stepBound
            } else {
                stepBound = problem.maximumValue(ofStep: step)
            }
            bound += stepBound
        }
        var result = PlanningResult(problem: problem, lasso: lasso, optimum: nil)
        if let lasso {
            var candidates = [lasso.plan]
            if !solved.isEmpty { candidates.insert(UpdatePlan(steps: solved + lasso.plan.steps[solved.count...]), at: 0) }
            for plan in candidates {
                // The Lasso path's own plan was costed when it was chosen.
                let cost = plan == lasso.plan ? lasso.cost
                    : try problem.model.adaptation(of: plan, workload: problem.workload, profile: problem.profile, layerDetail: .peakStepOnly)
                guard cost.peak <= problem.budget else { continue }
                let value = problem.value(of: plan)
                if result.optimum.map({ value > $0.value }) ?? true {
                    result.optimum = PlanningResult.Optimum(plan: plan, value: value, cost: cost, statesExplored: explored)
                }
            }
        }
        let value = result.optimum?.value ?? 0
        result.stoppedSearch = PlanningResult.StoppedSearch(solvedSteps: solved.count, valueBound: bound,
                                                            gap: bound > 0 ? max(0, (bound - value) / bound) : 0)
        return result
    }

    /// The steps searched in order, each within the budget less the update state (optimizer state, working copies)
    /// that the steps before it hold per layer at most, which bounds what they leave behind.
    private static func solveChargingCarriedState(_ problem: PlanningProblem, explored: Int) throws -> PlanningResult.Optimum? {
        let model = problem.model
        let count = model.graph.layerCount
        var heldBefore = [Int](repeating: 0, count: count + 1)
        var steps: [StepUpdates] = []
        var value = 0.0
        var explored = explored
        var tables: [Int: LayerOptionCosts] = [:]
        for step in 0..<problem.innerSteps {
            let carried = try Checked.sum(of: heldBefore, context: "optimizer state")
            var updates = Array(repeating: LayerUpdate.frozen, count: count)
            if carried < problem.budget.bytes {
                var reduced = problem
                reduced.budget = ByteCount(problem.budget.bytes - carried)
                let table = try tables[carried] ?? LayerOptionCosts(reduced)
                tables[carried] = table
                if let optimum = try? ExactPlanner.bestStep(of: reduced, step: step, table: table, knownFeasibleValue: 0) {
                    updates = optimum.updates
                    value += optimum.value
                    explored += optimum.statesExplored
                }
            }
            let chosen = StepUpdates(layers: updates)
            let held = try model.updateStateBytesByLayer(chosen, workload: problem.workload, profile: problem.profile)
            for slot in held.indices { heldBefore[slot] = max(heldBefore[slot], held[slot]) }
            steps.append(chosen)
        }
        guard steps.contains(where: { $0.layers.contains { $0.isUpdated } }) else { return nil }
        let plan = UpdatePlan(steps: steps)
        let cost = try model.adaptation(of: plan, workload: problem.workload, profile: problem.profile, layerDetail: .peakStepOnly)
        var optimum = PlanningResult.Optimum(plan: plan, value: value, cost: cost, statesExplored: explored)
        optimum.chargedCarriedStateInSearch = true
        return optimum
    }
}
