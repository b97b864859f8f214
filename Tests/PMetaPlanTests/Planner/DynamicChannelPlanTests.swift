import Testing
@testable import PMetaPlan

/// MeDyate's dynamic plan: LaRa by hand, a plan by hand, and the peak of random draws recomputed by the
/// cost model (never above the budget, the same for every draw).
@Suite struct DynamicChannelPlanTests {
    /// The cost model's hand-count network with names: conv 2 -> 3 (3x3, bias) on [2, 4, 4], ReLU, pool, fc 12 -> 2.
    static let tinyJSON = #"""
    {"format": 1, "name": "tiny", "input": {"shape": [2, 4, 4], "element_bytes": 4}, "layers": [
      {"name": "conv", "op": "conv2d", "out_channels": 3, "kernel": 3, "padding": 1},
      {"name": "relu", "op": "relu"}, {"name": "pool", "op": "max_pool", "kernel": 2}, {"op": "flatten"},
      {"name": "head", "op": "linear", "out_features": 2}
    ]}
    """#

    static func problem(_ model: CostModel, budget: Int, workload: Workload) -> PlanningProblem {
        PlanningProblem(model: model, workload: workload, budget: ByteCount(budget),
                        importance: .uniform(for: model.graph, innerSteps: 1))
    }

    @Test func laRaRanksFourConvByImportancePerByte() throws {
        let model = try ShippedArchitectures.costModel("4conv")
        let ranking = try LayerRanking(Self.problem(model, budget: 1_200_000, workload: Workload(samplesPerStep: 25, microBatch: 1)))
        // Stored input (micro-batch 1, float32) + gradient buffer (weights and bias, float32):
        // head 800 x 4 = 3,200 + (4,000 + 5) x 4 = 16,020 -> 19,220; block4.conv 32 x 10 x 10 x 4 = 12,800 + 9,248 x 4 = 36,992;
        // block1.conv 0 (it reads x_0, the sample already in static memory) + 896 x 4 = 3,584; block3.conv
        // 32 x 21 x 21 x 4 = 56,448 + 36,992; block2.conv 32 x 42 x 42 x 4 = 225,792 + 36,992. Every importance
        // is 1, so the fewest bytes rank first.
        let names = ranking.entries.map { model.graph.layers[$0.layer].name }
        #expect(names == ["block1.conv", "head", "block4.conv", "block3.conv", "block2.conv"])
        #expect(ranking.entries.map(\.updateBytes.bytes) == [3_584, 19_220, 49_792, 93_440, 262_784])
    }

    @Test func tinyPlanByHand() throws {
        // Budget 800 B, 4 samples in micro-batches of 2 (PhysicalProfileHandCountTests). The head alone (ANIL)
        // peaks at 584 B; the whole network (MAML) at 830 B. The head first (LaRa: 96 + 104 = 200 B against the
        // conv's 0 + 228 = 228 B: it reads x_0, already in static memory) grows to all 12 features; then the conv
        // with one of its 2 input channels: nothing stored for it, ReLU mask 12, pool indices 6, the pool's
        // input and output 480, buffers (27 + 3) x 4 + 26 x 4 = 224: 722 B. Two channels would be MAML's 830 B.
        let model = try CostModel(try ShapedGraph(jsonBytes: Array(Self.tinyJSON.utf8)))
        let result = try DynamicChannelPlanner.solve(Self.problem(model, budget: 800, workload: Workload(samplesPerStep: 4, microBatch: 2)))
        let plan = try #require(result.plan)
        #expect(plan.layers.map(\.name) == ["conv", "head"])
        #expect(plan.layers.map(\.selectedCount) == [1, 12])
        #expect(plan.cost.peak == ByteCount(722))
        #expect(abs(plan.value - (1 + 0.5.squareRoot())) < 1e-12)
        // Below the head's own 584 B only a thinner head fits: with c of 12 features the pool's 480 B plus the
        // head's buffer (2c + 2) x 4 peak first, 488 + 8c <= 550 for c <= 7: 544 B. (The head's own forward
        // pass holds its partial copy 8c, output 16, input and output 112 and the buffer: 16c + 136.)
        let thin = try #require(try DynamicChannelPlanner.solve(Self.problem(model, budget: 550, workload: Workload(samplesPerStep: 4, microBatch: 2))).plan)
        #expect(thin.layers.map(\.name) == ["head"])
        #expect(thin.layers.map(\.selectedCount) == [7])
        #expect(thin.cost.peak == ByteCount(544))
        // The pool alone holds 480 B whatever is updated, and one feature of the head adds 16 B.
        #expect(try DynamicChannelPlanner.solve(Self.problem(model, budget: 495, workload: Workload(samplesPerStep: 4, microBatch: 2))).plan == nil)
    }

    @Test func fourConvPeakIsTheSameForEveryDrawAndWithinBudget() throws {
        let model = try ShippedArchitectures.costModel("4conv")
        let workload = Workload(samplesPerStep: 25, microBatch: 1)
        let problem = Self.problem(model, budget: 1_200_000, workload: workload)
        var plan = try #require(try DynamicChannelPlanner.solve(problem).plan)
        #expect(plan.cost.peak <= problem.budget)
        #expect(plan.layers.contains { $0.selectedCount < $0.channelCount }, "the case should sample some layer partially")
        var generator = SeededGenerator(seed: 2024)
        for round in 0..<40 {
            if round == 20 {  // skewed importance from here on: the counts, and so the peak, must not change
                for entry in plan.layers {
                    plan.setChannelWeights((0..<entry.channelCount).map { Double($0 % 5) + 0.1 }, forLayerAt: entry.layer)
                }
            }
            let draw = plan.resample(using: &generator)
            #expect(draw == plan.channels)
            for entry in plan.layers {
                let channels = try #require(draw[entry.layer])
                #expect(channels.count == entry.selectedCount && channels == channels.sorted() && Set(channels).count == channels.count)
                // Counted channel by channel, the draw holds what the count-based cost model charges.
                let update = LayerUpdate(parameters: .all, inputChannelRatio: entry.ratio)
                let cost = model.layerCosts[entry.layer]
                #expect(model.storedInputElements(ofLayerAt: entry.layer, keeping: channels) == entry.selectedCount * (cost.inputElements / cost.inputChannels))
                #expect(model.weightGradientElements(ofLayerAt: entry.layer, inputChannels: channels)
                    == (try model.selectedWeightElements(ofLayerAt: entry.layer, update: update)))
            }
            let recomputed = try model.adaptation(of: plan.updatePlan(for: draw), workload: workload)
            #expect(recomputed.peak == plan.cost.peak)
            #expect(recomputed.peak <= problem.budget)
        }
    }

    @Test func noPlannedLayerCanTakeOneMoreChannel() throws {
        let model = try ShippedArchitectures.costModel("4conv")
        let workload = Workload(samplesPerStep: 25, microBatch: 1)
        let problem = Self.problem(model, budget: 1_200_000, workload: workload)
        let plan = try #require(try DynamicChannelPlanner.solve(problem).plan)
        var counts = Dictionary(uniqueKeysWithValues: plan.layers.map { ($0.layer, $0.selectedCount) })
        for entry in plan.layers where entry.selectedCount < entry.channelCount {
            counts[entry.layer] = entry.selectedCount + 1
            let grown = try model.adaptation(of: DynamicChannelPlanner.plan(counts, problem: problem), workload: workload)
            #expect(grown.peak > problem.budget, "'\(entry.name)' could take another channel")
            counts[entry.layer] = entry.selectedCount
        }
    }

    @Test func groupedConvolutionBuffersDependOnWhichChannelsOnlyWhenOutputsAreDrawnToo() throws {
        // conv 4 -> 4 channels in 2 groups, 3x3: input channels 0-1 and outputs 0-1 form group 0, 2-3 group 1.
        let json = #"""
        {"format": 1, "name": "grouped", "input": {"shape": [4, 6, 6], "element_bytes": 4}, "layers": [
          {"name": "conv", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1, "groups": 2},
          {"op": "flatten"}, {"name": "head", "op": "linear", "out_features": 2}
        ]}
        """#
        let model = try CostModel(try ShapedGraph(jsonBytes: Array(json.utf8)))
        // Every output kept: each input channel meets the 2 outputs of its group, 2 x 9 weights: 2 inputs -> 36.
        #expect(model.weightGradientElements(ofLayerAt: 0, inputChannels: [0, 1]) == 36)
        #expect(model.weightGradientElements(ofLayerAt: 0, inputChannels: [0, 2]) == 36)
        // Outputs 0 and 1 drawn too: inputs 0, 1 pair with both (4 x 9 = 36); inputs 0, 2 only 0 with 0, 1 (2 x 9 = 18).
        #expect(model.weightGradientElements(ofLayerAt: 0, inputChannels: [0, 1], outputChannels: [0, 1]) == 36)
        #expect(model.weightGradientElements(ofLayerAt: 0, inputChannels: [0, 2], outputChannels: [0, 1]) == 18)
        // A plan's static selection keeps the first channels, inputs 0, 1 and outputs 0, 1, as the trainer does: both in
        // group 0, 2 x 2 x 9 = 36 (the mean over uniform draws, ceil(2 x 2 / 2) x 9 = 18, would under-count it).
        let update = LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2), outputChannelRatio: ChannelRatio(1, 2))
        #expect(try model.selectedWeightElements(ofLayerAt: 0, update: update)
                == model.weightGradientElements(ofLayerAt: 0, inputChannels: [0, 1], outputChannels: [0, 1]))
        #expect(try model.selectedWeightElements(ofLayerAt: 0, update: update) == 36)
        // The stored input is count-only either way: 2 channels x 6 x 6.
        #expect(model.storedInputElements(ofLayerAt: 0, keeping: [0, 3]) == 72)
    }
}
