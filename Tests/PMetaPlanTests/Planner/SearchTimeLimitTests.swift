import Testing
@testable import PMetaPlan

/// Issue 15, item 14: an exact search that passes `PlanningProblem.searchDeadline` answers with the best
/// plan it has (the Lasso path's here) and its proven gap to the Lagrangian bound, instead of running on.
@Suite struct SearchTimeLimitTests {
    /// An exact search stopped at its first step answers, on every seed, with the Lasso path's plan: it fits, is
    /// worth what the Lasso plan is worth, and the bound is never below the true optimum (found without a limit).
    @Test(arguments: 1...30 as ClosedRange<UInt64>)
    func aStoppedExactSearchGivesTheLassoPlanWithAValidBound(seed: UInt64) throws {
        let problem = try ExactPlannerTests.problem(seed: seed)
        let exact = try BudgetPlanner.solve(problem)
        #expect(exact.stoppedSearch == nil && exact.lassoSearch?.stoppedAtDeadline == false)
        let lasso = try LassoPathPlanner.select(problem)
        let stopped = try BudgetPlanner.stopped(problem, lasso: lasso, table: try LayerOptionCosts(problem), solved: [], solvedValue: 0, explored: 0)
        let info = try #require(stopped.stoppedSearch, "seed \(seed)")
        #expect(info.solvedSteps == 0)
        #expect(info.valueBound + 1e-9 >= (exact.optimum?.value ?? 0), "seed \(seed)")
        if let lasso {
            let optimum = try #require(stopped.optimum)
            #expect(optimum.cost.peak <= problem.budget)
            #expect(abs(optimum.value - lasso.value) < 1e-9)
            #expect(abs(info.gap - (info.valueBound - optimum.value) / info.valueBound) < 1e-9)
        } else {
            #expect(stopped.optimum == nil)
        }
    }

    /// A deadline already passed stops the Lasso path before its first costing too, so nothing is claimed to fit or
    /// not to fit, and the bound still holds.
    @Test(arguments: 1...10 as ClosedRange<UInt64>)
    func aPassedDeadlineStopsTheLassoPathAndTheExactSearch(seed: UInt64) throws {
        var problem = try ExactPlannerTests.problem(seed: seed)
        let exact = try BudgetPlanner.solve(problem)
        problem.searchDeadline = .now
        let search = try LassoPathPlanner.search(problem)
        #expect(search.searchedRatios == 0 && search.stoppedAtDeadline && search.selection == nil)
        let stopped = try BudgetPlanner.solve(problem)
        #expect(stopped.lassoSearch?.stoppedAtDeadline == true)
        let info = try #require(stopped.stoppedSearch)
        #expect(stopped.optimum == nil && info.gap == 1 || (exact.optimum?.value ?? 0) == 0)
        #expect(info.valueBound + 1e-9 >= (exact.optimum?.value ?? 0))
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
