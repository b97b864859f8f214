import Testing
@testable import PMetaPlan

/// `CostModelHandCountTests`'s network under the `physical` profile (what the reference trainer measures).
///
/// With only in-place layers sharing input and output, the working set per sample (elements) is conv 48, ReLU 48,
/// pool 48 + 12, flatten 12, fc 12 + 2; x_0 is the sample in static memory, so the conv stores nothing.
@Suite struct PhysicalProfileHandCountTests {
    let model: CostModel
    init() throws { model = try CostModel(try ShapedGraph(jsonBytes: Array(CostModelHandCountTests.json.utf8))) }

    @Test func workingSetFollowsLiveness() {
        #expect(model.workingElements == [48, 48, 48, 12, 12])
        #expect(model.separateWorkingElements == [48, 48, 60, 12, 14])
    }

    @Test func staticAndInference() throws {
        let statics = try model.staticMemory(samples: 4)
        #expect(statics.parameterCount == 83)
        #expect(statics.modelBytes == ByteCount(332))
        #expect(statics.sampleBytes == ByteCount(4 * 32 * 4))
        let inference = try model.inference(batch: 1)
        // The pool holds its input and output at once: (48 + 12) elements x 4 B.
        #expect(inference.peak == ByteCount(240))
        #expect(inference.peakLayer == 2)
        #expect(inference.macs == MACCount(900))  // conv 16 x 54 = 864, fc 24, pool 12 outputs
    }

    @Test func mamlPhysicalWithAccumulation() throws {
        // Micro-batch 2 of 4 samples. Stored for the micro-batch: no conv input (x_0 is the sample, static
        // memory), ReLU mask ceil(2 x 48 bits / 8) = 12, pool indices (2 bits for a 2x2 window)
        // ceil(2 x 12 x 2 / 8) = 6, fc input 2 x 48 = 96 and output 2 x 8 = 16. Gradient buffers (weights +
        // biases): (57 + 26) x 4 = 332. Live at pool: 12 + 6 + working (input and output) 2 x 60 x 4 = 480,
        // + 332 = 830, the peak. (fc: 130 stored + nothing more: its input is counted once, as stored, and its output
        // is x_L, also stored.)
        let cost = try model.cost(of: .maml, profile: .physical)
        let step = cost.steps[0]
        #expect(step.storedBytes == [0, 12, 6, 0, 112])
        #expect(step.gradientBufferBytes == ByteCount(332))
        #expect(cost.peak == ByteCount(830))
        #expect(step.peak.layer == 2)
        #expect(step.peak.largestStoredLayer == 1)
        #expect(step.timeline.first { $0.phase == .forward && $0.layer == 4 }?.liveBytes == ByteCount(130 + 332))
        // Per sample: forward 900, weight gradients 864 + 24, input gradient of fc only (conv reads the image) 24.
        #expect(cost.macs == MACCount(4 * (900 + 888 + 24)))
        #expect(step.computesInputGradient == [false, false, false, false, true])
        #expect(step.timeline.count == 10)
    }

    @Test func anilPhysicalStoresOnlyTheHeadsInput() throws {
        // Nothing upstream of fc needs a gradient: no mask, no pool index. fc stores 96 + 16; buffers 26 x 4.
        // Peak at the pool: its input and output 2 x 60 x 4 = 480 + buffers 104 = 584.
        let cost = try model.cost(of: .anil, profile: .physical)
        #expect(cost.steps[0].storedBytes == [0, 0, 0, 0, 112])
        #expect(cost.peak == ByteCount(584))
        #expect(cost.macs == MACCount(4 * (900 + 24)))
    }

    @Test func halfTheHeadsInputFeaturesHalvesItsStoredInput() throws {
        // mu_fw = 1/2 of 12 features keeps 6: stored 2 x 6 x 4 = 48 + output 16; weight gradients 6 x 2 = 12 + 2 bias.
        // Buffers (57 + 14) x 4 = 284. Peak at pool: 12 + 6 + 480 + 284 = 782. The partly stored input is a
        // copy, so fc's working set keeps its whole input: stored 12 + 6 + 64 = 82, working its input 2 x 12 x 4 = 96
        // (its output is x_L, stored), + 284.
        var plan = AdaptationMethod.maml.plan(for: model.graph)
        plan.steps[0].layers[4].inputChannelRatio = ChannelRatio(1, 2)
        let cost = try model.adaptation(of: plan, workload: Workload(samplesPerStep: 4, microBatch: 2), profile: .physical)
        #expect(cost.steps[0].storedBytes == [0, 12, 6, 0, 64])
        #expect(cost.peak == ByteCount(782))
        #expect(cost.steps[0].timeline.first { $0.phase == .forward && $0.layer == 4 }?.liveBytes == ByteCount(82 + 96 + 284))
        #expect(cost.steps[0].weightGradientMACs == MACCount(4 * (16 * 54 + 12)))
    }

    @Test func halfTheImageChannelsHalvesTheWeightGradientButStoresNothing() throws {
        // The conv reads x_0, the sample in static memory: nothing to store whatever mu_fw. Weight gradients
        // 1 x 3 x 9 = 27 + 3 bias; buffers (30 + 26) x 4 = 224. Peak at pool: 12 + 6 + 480 + 224 = 722.
        var plan = AdaptationMethod.maml.plan(for: model.graph)
        plan.steps[0].layers[0].inputChannelRatio = ChannelRatio(1, 2)
        let cost = try model.adaptation(of: plan, workload: Workload(samplesPerStep: 4, microBatch: 2), profile: .physical)
        #expect(cost.steps[0].storedBytes == [0, 12, 6, 0, 112])
        #expect(cost.peak == ByteCount(722))
        #expect(cost.steps[0].weightGradientMACs == MACCount(4 * (16 * 27 + 24)))
        let paper = try model.adaptation(of: plan, workload: Workload(samplesPerStep: 4, microBatch: 2), profile: .paper)
        #expect(paper.steps[0].storedBytes[0] == 2 * 16 * 4)
    }

    @Test func streamedSamplesPileUpTheirStoredTensors() throws {
        // One sample at a time: stored per sample 6 + 3 + 48 + 8 = 65; the first sample's 65 stays while the
        // second runs. At pool: 65 + 9 + 60 x 4 + 332 = 646.
        let cost = try model.cost(of: .maml, Workload(samplesPerStep: 4, microBatch: 2, propagation: .streamed), profile: .physical)
        #expect(cost.peak == ByteCount(646))
    }

    @Test func withoutAccumulationEachBufferLivesDuringItsLayersBackwardPass() throws {
        // Physical: a layer's gradient buffer exists only while its backward pass runs; none in the forward pass.
        // Forward peak at pool: 18 + 480 = 498. Backward at the conv: nothing stored below it, g(y) 2 x 48 x 4
        // = 384 (no g(x_0), so no input either) + its buffer 57 x 4 = 228: 612, the peak.
        let cost = try model.cost(of: .maml, Workload(samplesPerStep: 2, microBatch: 2), profile: .physical)
        #expect(cost.peak == ByteCount(612))
        #expect(cost.steps[0].peak.layer == 0)
        #expect(cost.steps[0].timeline.first { $0.phase == .forward && $0.layer == 2 }?.liveBytes == ByteCount(498))
        #expect(cost.steps[0].timeline.first { $0.phase == .backward && $0.layer == 4 }?.liveBytes == ByteCount(130 + 16 + 104))
    }

    @Test func biasOnlyStoresNoInputsButKeepsMasks() throws {
        // TinyTL: conv bias and fc bias. The conv's output carries a gradient, so the ReLU mask and pool indices
        // stay (12 + 6); no conv/fc input; the output 16. Buffers (3 + 2) x 4 = 20. Peak at pool: 18 + 480 + 20.
        let cost = try model.cost(of: .tinyTL, profile: .physical)
        #expect(cost.steps[0].storedBytes == [0, 12, 6, 0, 16])
        #expect(cost.peak == ByteCount(518))
    }

    @Test func multiStepPlansSumMACsAndTakeTheLargestPeak() throws {
        var plan = AdaptationMethod.maml.plan(for: model.graph, innerSteps: 2)
        plan.steps[1] = AdaptationMethod.anil.plan(for: model.graph).steps[0]
        let workload = Workload(samplesPerStep: 4, microBatch: 2)
        let cost = try model.adaptation(of: plan, workload: workload, profile: .physical)
        #expect(cost.peak == ByteCount(830))
        #expect(cost.macs == MACCount(4 * (900 + 888 + 24) + 4 * (900 + 24)))
    }
}
