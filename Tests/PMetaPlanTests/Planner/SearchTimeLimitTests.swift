import Testing
@testable import PMetaPlan

/// Issue 15, item 14: an exact search that passes `PlanningProblem.searchDeadline` answers with the best
/// plan it has (the Lasso path's here) and its proven gap to the Lagrangian bound, instead of running on.
@Suite struct SearchTimeLimitTests {
    /// A deadline already passed stops the search at its first layer, on every seed: the answer fits, is worth
    /// what the Lasso path's plan is worth, and the bound is never below the true optimum (found without a limit).
    @Test(arguments: 1...30 as ClosedRange<UInt64>)
    func aPassedDeadlineGivesTheLassoPlanWithAValidBound(seed: UInt64) throws {
        var problem = try ExactPlannerTests.problem(seed: seed)
        let exact = try BudgetPlanner.solve(problem)
        #expect(exact.stoppedSearch == nil)
        problem.searchDeadline = .now
        let stopped = try BudgetPlanner.solve(problem)
        let info = try #require(stopped.stoppedSearch, "seed \(seed)")
        #expect(info.solvedSteps == 0)
        #expect(info.valueBound + 1e-9 >= (exact.optimum?.value ?? 0), "seed \(seed)")
        if let lasso = stopped.lasso {
            let optimum = try #require(stopped.optimum)
            #expect(optimum.cost.peak <= problem.budget)
            #expect(abs(optimum.value - lasso.value) < 1e-9)
            #expect(abs(info.gap - (info.valueBound - optimum.value) / info.valueBound) < 1e-9)
        } else {
            #expect(stopped.optimum == nil)
        }
    }
}

/// Issue 15, item 14: the dynamic strategy and the sweep stop at the same deadline, with an answer that fits and
/// says how far they got.
@Suite struct DynamicAndSweepDeadlineTests {
    @Test(arguments: 1...10 as ClosedRange<UInt64>)
    func aPassedDeadlineStopsTheDynamicSearchWithAFittingPlan(seed: UInt64) throws {
        var problem = try ExactPlannerTests.problem(seed: seed)
        let full = try DynamicChannelPlanner.solve(problem)
        #expect(full.stoppedSearch == nil)
        problem.searchDeadline = .now
        let stopped = try DynamicChannelPlanner.solve(problem)
        let info = try #require(stopped.stoppedSearch, "seed \(seed)")
        // Past the deadline before the walk, nothing is admitted, and no plan is claimed not to fit.
        #expect(info.walkedLayers == 0 && info.completedSizes == 0)
        #expect(stopped.plan == nil)
        if let plan = full.plan { #expect(plan.cost.peak <= problem.budget) }
    }

    @Test func aPassedDeadlineStopsTheSweepAfterItsFirstBudget() throws {
        var problem = try ExactPlannerTests.problem(seed: 3)
        let full = try BudgetSweep(problem)
        #expect(!full.stoppedAtDeadline && full.triedBudgets == 24)
        problem.searchDeadline = .now
        let stopped = try BudgetSweep(problem)
        #expect(stopped.triedBudgets == 1 && stopped.stoppedAtDeadline)
        #expect(stopped.points.allSatisfy { $0.peak <= $0.budget })
    }
}
