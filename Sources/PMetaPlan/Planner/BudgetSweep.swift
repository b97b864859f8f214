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
    }

    /// The distinct plans, by growing budget.
    public var points: [Point]

    /// Sweeps `budgets` points geometrically from the smallest achievable peak to the peak of updating everything.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    public init(_ problem: PlanningProblem, budgets: Int = 24) throws {
        precondition(budgets >= 2, "a sweep needs at least two budgets")
        let range = try BudgetRange(problem)
        let (smallest, everything) = (range.smallest, range.everything)
        let low = Double(max(smallest.bytes, 1)), high = Double(max(everything.bytes, smallest.bytes + 1))
        var points: [Point] = []
        for step in 0..<budgets {
            let budget = Int((low * Foundation.pow(high / low, Double(step) / Double(budgets - 1))).rounded(.up))
            var current = problem
            current.budget = ByteCount(budget)
            guard let optimum = try BudgetPlanner.solve(current).optimum else { continue }
            if let last = points.last, last.plan == optimum.plan { continue }
            points.append(Point(budget: ByteCount(budget), peak: optimum.cost.peak, value: optimum.value, macs: optimum.cost.macs, plan: optimum.plan))
        }
        self.points = points
    }
}
