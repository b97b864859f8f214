import Testing
@testable import PMetaPlan

/// The cost model on a network small enough to count by hand, under the `appendix-a` profile (every layer's
/// input and output share memory, x_0 is stored, the largest gradient buffer is held through the step);
/// `PhysicalProfileHandCountTests` counts the same network as the trainer holds it.
///
/// input [2, 4, 4] float32 -> conv 3x3 pad 1 to 3 channels (bias) -> ReLU -> max pool 2 -> flatten -> fc 12 -> 2.
/// Tensors: conv out [3, 4, 4] = 48, pool out [3, 2, 2] = 12, fc out 2.
/// Working set per sample (elements): conv 48 (its image input is static), ReLU 48, pool 48, flatten 12, fc 12.
/// Parameters: conv 3*2*9 = 54 weights + 3 bias; fc 12*2 = 24 weights + 2 bias.
@Suite struct CostModelHandCountTests {
    static let json = #"""
    {"format": 1, "name": "tiny", "input": {"shape": [2, 4, 4], "element_bytes": 4}, "layers": [
      {"op": "conv2d", "out_channels": 3, "kernel": 3, "padding": 1},
      {"op": "relu"}, {"op": "max_pool", "kernel": 2}, {"op": "flatten"}, {"op": "linear", "out_features": 2}
    ]}
    """#

    let model: CostModel
    init() throws { model = try CostModel(try ShapedGraph(jsonBytes: Array(Self.json.utf8))) }

    @Test func workingSetFollowsLiveness() {
        #expect(model.workingElements == [48, 48, 48, 12, 12])
    }

    @Test func staticAndInference() throws {
        let statics = try model.staticMemory(samples: 4)
        #expect(statics.parameterCount == 83)
        #expect(statics.modelBytes == ByteCount(332))
        #expect(statics.sampleBytes == ByteCount(4 * 32 * 4))
        let inference = try model.inference(batch: 1, profile: .appendixA)
        #expect(inference.peak == ByteCount(192))  // 48 elements x 4 B at the conv output
        #expect(inference.peakLayer == 0)
        #expect(inference.macs == MACCount(900))  // conv 16 x 54 = 864, fc 24, pool 12 outputs
    }

    @Test func mamlWithAccumulation() throws {
        // Micro-batch 2 of 4 samples. Stored for the micro-batch: conv input 2 x 32 x 4 B = 256, ReLU mask
        // ceil(2 x 48 bits / 8) = 12, pool indices (2 bits for a 2x2 window) ceil(2 x 12 x 2 / 8) = 6,
        // fc input 2 x 48 = 96 and output 2 x 8 = 16. Gradient buffers (weights + biases): (57 + 26) x 4 = 332.
        // Live at pool: 256 + 12 + 6 + working 2 x 48 x 4 = 384, + 332 = 990, the peak.
        let cost = try model.cost(of: .maml, profile: .appendixA)
        let step = cost.steps[0]
        #expect(step.storedBytes == [256, 12, 6, 0, 112])
        #expect(step.gradientBufferBytes == ByteCount(332))
        #expect(cost.peak == ByteCount(990))
        #expect(step.peak.layer == 2)
        #expect(step.peak.largestStoredLayer == 0)
        // Per sample: forward 900, weight gradients 864 + 24, input gradient of fc only (conv reads the image) 24.
        #expect(cost.macs == MACCount(4 * (900 + 888 + 24)))
        #expect(step.computesInputGradient == [false, false, false, false, true])
        #expect(step.timeline.count == 10)
    }

    @Test func anilStoresOnlyTheHeadsInput() throws {
        // Nothing upstream of fc needs a gradient: no mask, no pool index. fc stores 96 + 16; buffers 26 x 4.
        // Peak at the conv: working 384 + buffers 104 = 488.
        let cost = try model.cost(of: .anil, profile: .appendixA)
        #expect(cost.steps[0].storedBytes == [0, 0, 0, 0, 112])
        #expect(cost.peak == ByteCount(488))
        #expect(cost.macs == MACCount(4 * (900 + 24)))
    }

    @Test func anilPaperProfileCountsWeightBuffersWithoutBias() throws {
        let cost = try model.cost(of: .anil, profile: .paper)
        #expect(cost.peak == ByteCount(384 + 24 * 4))
    }

    @Test func halfTheConvInputChannelsHalvesItsStoredInput() throws {
        // mu_fw = 1/2 of 2 channels keeps 1: stored 2 x 16 x 4 = 128; weight gradients 1 x 3 x 9 = 27 + 3 bias.
        // Buffers (30 + 26) x 4 = 224. Peak at pool: 128 + 12 + 6 + 384 + 224 = 754.
        var plan = AdaptationMethod.maml.plan(for: model.graph)
        plan.steps[0].layers[0].inputChannelRatio = ChannelRatio(1, 2)
        let cost = try model.adaptation(of: plan, workload: Workload(samplesPerStep: 4, microBatch: 2), profile: .appendixA)
        #expect(cost.peak == ByteCount(754))
        #expect(cost.steps[0].weightGradientMACs == MACCount(4 * (16 * 27 + 24)))
    }

    @Test func streamedSamplesPileUpTheirStoredTensors() throws {
        // One sample at a time: stored per sample 128 + 6 + 3 + 48 + 8 = 193; the first sample's 193 stays
        // while the second runs. At pool: 193 + 137 + 48 x 4 + 332 = 854.
        let cost = try model.cost(of: .maml, Workload(samplesPerStep: 4, microBatch: 2, propagation: .streamed), profile: .appendixA)
        #expect(cost.peak == ByteCount(854))
    }

    @Test func withoutAccumulationOnlyTheLargestLayerBufferCounts() throws {
        // appendix-a: each layer's gradient is applied once computed, the largest counts: max(57, 26) x 4 = 228. At pool 274 + 384 + 228.
        let cost = try model.cost(of: .maml, Workload(samplesPerStep: 2, microBatch: 2), profile: .appendixA)
        #expect(cost.peak == ByteCount(886))
        let paper = try model.cost(of: .maml, Workload(samplesPerStep: 2, microBatch: 2), profile: .paper)
        #expect(paper.steps[0].gradientBufferBytes == .zero)
    }

    @Test func biasOnlyStoresNoInputsButKeepsMasks() throws {
        // TinyTL: conv bias and fc bias. The conv's output carries a gradient, so the ReLU mask and pool indices
        // stay (12 + 6); no conv/fc input; the output 16. Buffers (3 + 2) x 4 = 20. Peak at pool: 18 + 384 + 20.
        let cost = try model.cost(of: .tinyTL, profile: .appendixA)
        #expect(cost.steps[0].storedBytes == [0, 12, 6, 0, 16])
        #expect(cost.peak == ByteCount(422))
    }

    @Test(arguments: CountingProfile.all)
    func aStepThatUpdatesNothingCostsNothing(profile: CountingProfile) throws {
        let frozen = UpdatePlan(steps: [StepUpdates(layers: Array(repeating: .frozen, count: 5))])
        let cost = try model.adaptation(of: frozen, workload: Workload(samplesPerStep: 4, microBatch: 2), profile: profile)
        #expect(cost.peak == .zero)
        #expect(cost.macs == .zero)
    }

    @Test func multiStepPlansSumMACsAndTakeTheLargestPeak() throws {
        var plan = AdaptationMethod.maml.plan(for: model.graph, innerSteps: 2)
        plan.steps[1] = AdaptationMethod.anil.plan(for: model.graph).steps[0]
        let workload = Workload(samplesPerStep: 4, microBatch: 2)
        let cost = try model.adaptation(of: plan, workload: workload, profile: .appendixA)
        #expect(cost.peak == ByteCount(990))
        #expect(cost.macs == MACCount(4 * (900 + 888 + 24) + 4 * (900 + 24)))
    }
}

extension CostModel {
    /// Test shorthand: `method`'s cost on this model, 4 samples in micro-batches of 2 unless `workload` says otherwise.
    func cost(of method: AdaptationMethod, _ workload: Workload = Workload(samplesPerStep: 4, microBatch: 2),
              profile: CountingProfile) throws -> AdaptationCost {
        try adaptation(of: method.plan(for: graph), workload: workload, profile: profile)
    }
}
