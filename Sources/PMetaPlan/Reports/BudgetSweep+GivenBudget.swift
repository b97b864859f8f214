extension BudgetSweep {
    /// Adds the optimum within a budget the user gave, in peak order, unless the sweep already holds its plan.
    /// - Parameters:
    ///   - plan: The optimal plan within the budget.
    ///   - budget: The adaptation budget it was found within.
    ///   - peak: Its adaptation peak.
    ///   - value: Its value.
    ///   - macs: Its MACs.
    public mutating func include(_ plan: UpdatePlan, foundWithin budget: ByteCount, peak: ByteCount, value: Double, macs: MACCount) {
        guard !points.contains(where: { $0.plan == plan }) else { return }
        let point = Point(budget: budget, peak: peak, value: value, macs: macs, plan: plan)
        points.insert(point, at: points.firstIndex { $0.peak > peak } ?? points.count)
    }
}
