import Testing
@testable import PMetaPlan

/// Issue 15, item 14: on a network too large to cost every single-layer plan, the fit advice tries the last
/// first and last trainable layers only and says so, instead of running for minutes (100,000 layers took over 120 s).
@Suite struct FitAdviceScopeTests {
    /// 300 linear layers, each 4 -> 4: 300 layers x 300 candidates = 90,000 evaluations fit the budget of
    /// 2,000,000, so every layer is tried.
    @Test func everyLayerIsTriedWhenAffordable() throws {
        let json = #"{"format":1,"name":"deep","input":{"shape":[4]},"layers":[{"repeat":300,"layers":[{"op":"linear","out_features":4}]}]}"#
        let model = try CostModel(try ShapedGraph(jsonBytes: Array(json.utf8)))
        #expect(FitAdvice.candidates(in: model).count == 300)
        let problem = PlanningProblem(model: model, workload: Workload(samplesPerStep: 1, microBatch: 1), budget: ByteCount(1),
                                      importance: ImportanceScores(scores: [Array(repeating: 1, count: 300)], source: "uniform"))
        let advice = try FitAdvice(for: problem)
        #expect(advice.triedLayers == nil)
        // The first layer's input is the network's (static memory, stored by nobody), and the frozen linears above
        // it pass g(x) on with their weights alone: updating the first layer alone keeps the least.
        #expect(advice.smallestPeakLayer == model.graph.layers[0].name)
    }

    @Test func aFortyThousandLayerChainTriesFiftyLayers() throws {
        let json = #"{"format":1,"name":"deep","input":{"shape":[4]},"layers":[{"repeat":4,"layers":[{"repeat":10000,"layers":[{"op":"linear","out_features":4}]}]}]}"#
        let model = try CostModel(try ShapedGraph(jsonBytes: Array(json.utf8)))
        // 2,000,000 / 40,000 = 50: the first 25 and the last 25.
        #expect(FitAdvice.candidates(in: model) == Array(0..<25) + Array(39_975..<40_000))
    }
}
