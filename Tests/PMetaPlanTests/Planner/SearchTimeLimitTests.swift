import Testing
@testable import PMetaPlan

/// Issue 15, item 14: an exact search that runs out of `PlanningProblem.searchTimeLimit` answers with the best
/// plan it has (the Lasso path's here) and its proven gap to the Lagrangian bound, instead of running on.
@Suite struct SearchTimeLimitTests {
    /// A deadline already passed stops the search at its first layer, on every seed: the answer fits, is worth
    /// what the Lasso path's plan is worth, and the bound is never below the true optimum (found without a limit).
    @Test(arguments: 1...30 as ClosedRange<UInt64>)
    func aPassedDeadlineGivesTheLassoPlanWithAValidBound(seed: UInt64) throws {
        var problem = try ExactPlannerTests.problem(seed: seed)
        let exact = try BudgetPlanner.solve(problem)
        #expect(exact.stoppedSearch == nil)
        problem.searchTimeLimit = .zero
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
