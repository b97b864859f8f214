import Testing
@testable import PMetaPlan

/// `BudgetRange` on the hand-count network (`PhysicalProfileHandCountTests`), 4 samples in micro-batches of 2.
@Suite struct BudgetRangeTests {
    @Test func rangeOfTheHandCountNetwork() throws {
        let model = try CostModel(try ShapedGraph(jsonBytes: Array(CostModelHandCountTests.json.utf8)))
        let problem = PlanningProblem(model: model, workload: Workload(samplesPerStep: 4, microBatch: 2), budget: .zero,
                                      importance: .uniform(for: model.graph, innerSteps: 1))
        let range = try BudgetRange(problem)
        // Everything: MAML's 830 B. Smallest: the head alone at 1/8 of its 12 features (2): the pool's input and
        // output 480 B + the head's accumulated buffer (2 x 2 + 2) x 4 = 24 B = 504 B (the conv alone at one of
        // its 2 channels: 18 + 480 + (27 + 3) x 4 = 618 B).
        #expect(range.everything == ByteCount(830))
        #expect(range.smallest == ByteCount(504))
        // 504 + 326 / 2 = 667; 504 + floor(326 / 4) = 585; the ends.
        #expect(range.budget(1, of: 2) == ByteCount(667))
        #expect(range.budget(1, of: 4) == ByteCount(585))
        #expect(range.budget(0, of: 3) == ByteCount(504))
        #expect(range.budget(3, of: 3) == ByteCount(830))
    }
}
