import Testing
@testable import PMetaPlan

/// The Lasso path searches runs of equal steps as one (issue 15, item 14: K = 1,000 uniform steps of a
/// 10,000-layer chain made ten million candidates). Without optimizer state carried between steps, K equal steps
/// peak where one does, so the path of K equal steps is the one-step path repeated K times, worth K times as much.
@Suite struct LassoPathRunTests {
    @Test(arguments: 1...30 as ClosedRange<UInt64>)
    func equalStepsGiveTheOneStepPathRepeated(seed: UInt64) throws {
        let one = try ExactPlannerTests.problem(seed: seed)
        var three = one
        three.importance = ImportanceScores(scores: Array(repeating: one.importance.scores[0], count: 3), source: "repeated")
        let single = try LassoPathPlanner.select(one)
        let repeated = try LassoPathPlanner.select(three)
        #expect((single == nil) == (repeated == nil), "seed \(seed)")
        guard let single, let repeated else { return }
        #expect(repeated.plan.steps == Array(repeating: single.plan.steps[0], count: 3), "seed \(seed)")
        #expect(abs(repeated.value - 3 * single.value) < 1e-9 && repeated.ratio == single.ratio && repeated.lambda == single.lambda)
        #expect(repeated.cost.peak == single.cost.peak)
    }

    /// Runs split where the scores change: steps 1-2 score every layer 1, step 3 only the first trainable layer.
    @Test func runsSplitWhereTheScoresChange() throws {
        var problem = try ExactPlannerTests.problem(seed: 4)
        problem.budget = ByteCount(Int.max / 4)
        let row = problem.importance.scores[0].map { $0 > 0 ? 1.0 : 0 }
        let firstTrainable = try #require(row.firstIndex(of: 1))
        var last = [Double](repeating: 0, count: row.count)
        last[firstTrainable] = 1
        problem.importance = ImportanceScores(scores: [row, row, last], source: "runs")
        let selection = try #require(try LassoPathPlanner.select(problem))
        #expect(selection.plan.steps[0] == selection.plan.steps[1])
        #expect(selection.plan.steps[2].layers.indices.filter { selection.plan.steps[2].layers[$0].isUpdated } == [firstTrainable])
    }
}
