import Foundation

/// The frontier over budgets: memory against value against MACs, one row per distinct optimal plan.
public struct BudgetSweep: Sendable {
    /// One distinct plan on the frontier.
    public struct Point: Sendable {
        /// The smallest budget tried at which this plan was optimal.
        public var budget: ByteCount
        /// Its adaptation peak.
        public var peak: ByteCount
        /// Its value.
        public var value: Double
        /// Its MACs.
        public var macs: MACCount
        /// The plan.
        public var plan: UpdatePlan
        /// Set when this budget's exact search stopped at the deadline: the plan is the best found, within this
        /// fraction of the Lagrangian bound, not a proven optimum.
        public var gap: Double? = nil
    }

    /// The distinct plans, by growing budget.
    public var points: [Point]
    /// The budgets the sweep would try, and how many it tried before `PlanningProblem.searchDeadline` passed.
    public var plannedBudgets: Int
    public var triedBudgets: Int
    /// The largest budget tried.
    public var largestTriedBudget: ByteCount?

    /// Whether the deadline stopped the sweep or one of its searches.
    public var stoppedAtDeadline: Bool { triedBudgets < plannedBudgets || points.contains { $0.gap != nil } }

    /// Sweeps `budgets` points geometrically from the smallest achievable peak to the peak of updating everything;
    /// past `problem.searchDeadline` it stops after the budget it is on (at least the first is always tried).
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    public init(_ problem: PlanningProblem, budgets: Int = 24) throws {
        precondition(budgets >= 2, "a sweep needs at least two budgets")
        let range = try BudgetRange(problem)
        let (smallest, everything) = (range.smallest, range.everything)
        let low = Double(max(smallest.bytes, 1)), high = Double(max(everything.bytes, smallest.bytes + 1))
        var points: [Point] = []
        var tried = 0
        var largest: ByteCount?
        for step in 0..<budgets {
            if step > 0 && problem.isPastDeadline { break }
            let budget = Int((low * Foundation.pow(high / low, Double(step) / Double(budgets - 1))).rounded(.up))
            var current = problem
            current.budget = ByteCount(budget)
            tried += 1
            largest = current.budget
            let result = try BudgetPlanner.solve(current)
            guard let optimum = result.optimum else { continue }
            if let last = points.last, last.plan == optimum.plan { continue }
            points.append(Point(budget: ByteCount(budget), peak: optimum.cost.peak, value: optimum.value, macs: optimum.cost.macs, plan: optimum.plan,
                                gap: result.stoppedSearch?.gap))
        }
        self.points = points
        plannedBudgets = budgets
        triedBudgets = tried
        largestTriedBudget = largest
    }
}
