import Testing
@testable import PMetaPlan

/// Meta attention's costs (p-Meta Sec. 3.3.2, Appendix A.1) counted by hand on a small network under `physical`.
///
/// conv1 (3 -> 8 channels, 3x3, padding 1) on a 3x4x4 sample, ReLU, conv2 (8 -> 4, 3x3, padding 1), ReLU, flatten
/// (64 features), head (64 -> 5). Per sample, conv1's output (conv2's input) is 8 x 16 = 128 elements, conv2's output
/// 64. conv1 and conv2 are attendable, the head (the last weight layer) is not.
@Suite struct MetaAttentionHandCountTests {
    static let json = #"""
    {"format": 1, "name": "attended", "input": {"shape": [3, 4, 4], "element_bytes": 4}, "layers": [
      {"name": "conv1", "op": "conv2d", "out_channels": 8, "kernel": 3, "padding": 1}, {"op": "relu"},
      {"name": "conv2", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1}, {"op": "relu"},
      {"op": "flatten"}, {"name": "head", "op": "linear", "out_features": 5}
    ]}
    """#

    let model: CostModel
    init() throws { model = try CostModel(try ShapedGraph(jsonBytes: Array(Self.json.utf8))) }

    static let paper = MetaAttentionRatios(forward: ChannelRatio(3, 10))

    func plan(_ updates: [Int: LayerUpdate]) -> UpdatePlan {
        var layers = [LayerUpdate](repeating: .frozen, count: model.graph.layerCount)
        for (layer, update) in updates { layers[layer] = update }
        return UpdatePlan(steps: [StepUpdates(layers: layers)])
    }

    @Test func theClipKeepsAtMostCMinusCeilRhoCChannels() {
        // 8 channels at rho 3/10: the 2 smallest sum to at most 2/8 < 0.3, so at least ceil(2.4) = 3 are zeroed: 5 stay
        // (ceil((1 - rho) C) = 6 would be one too many). 10 at 3/10: exactly 3 zeroed, 7 stay. rho 0 keeps all;
        // rho 99/100 of 4 would zero ceil(3.96) = 4, but the largest stays: 1.
        #expect(MetaAttentionRatios.mostKeptChannels(of: 8, clipRatio: ChannelRatio(3, 10)) == 5)
        #expect(MetaAttentionRatios.mostKeptChannels(of: 10, clipRatio: ChannelRatio(3, 10)) == 7)
        #expect(MetaAttentionRatios.mostKeptChannels(of: 32, clipRatio: ChannelRatio(3, 10)) == 22)
        #expect(MetaAttentionRatios.mostKeptChannels(of: 8, clipRatio: .none) == 8)
        #expect(MetaAttentionRatios.mostKeptChannels(of: 4, clipRatio: ChannelRatio(99, 100)) == 1)
        #expect(MetaAttentionRatios.mostKeptChannels(of: 1, clipRatio: ChannelRatio(1, 2)) == 1)
    }

    @Test func onlyUngroupedConvolutionsAndLinearLayersButTheHeadAreAttendable() {
        #expect(model.graph.attendableLayers == [true, false, true, false, false, false])
    }

    @Test func anAttendedConvStoresItsKeptChannelsAndScoresAndHoldsItsPartialGradientInItsBackwardPass() throws {
        // conv2 attended (rho_fw 3/10, rho_bw 0) and the head, 2 samples in one micro-batch (no accumulation).
        // Stored: conv2's at most 5 kept channels, 2 x 5 x 16 x 4 = 640 B, and gamma^fw, 8 floats for the pass = 32 B;
        // relu2's mask 2 x 64 bits = 16 B; the head its whole input 2 x 64 x 4 = 512 B and x_L 2 x 5 x 4 = 40 B. Nothing
        // upstream of conv2 is back-propagated (conv1 frozen): no mask at relu1.
        // Buffers, each during its own backward pass: conv2 dense (4 x 8 x 9 + 4) x 4 = 1,168 B, head (64 x 5 + 5) x 4 = 1,300 B.
        // conv2's backward pass, computing no g(x): stored 672 + g(y) 2 x 64 x 4 = 512 + its buffer 1,168 + gamma^bw 4
        // floats 16 B + the compact gradient of 4 outputs x 5 inputs x 9 + 4 bias = 184 floats, 736 B: 3,104 B, the peak.
        let cost = try model.adaptation(of: plan([2: .attended(Self.paper), 5: .full]), workload: Workload(samplesPerStep: 2, microBatch: 2))
        let step = cost.steps[0]
        #expect(step.storedBytes == [0, 0, 672, 16, 0, 552])
        #expect(step.savedTensors[2].map(\.kind) == [.input, .attentionScores])
        #expect(step.gradientBufferBytesPerLayer == [0, 0, 1_168, 0, 0, 1_300])
        #expect(step.timeline.first { $0.phase == .backward && $0.layer == 2 }?.liveBytes == ByteCount(3_104))
        #expect(cost.peak == ByteCount(3_104))
        #expect(step.peak.layer == 2)
        // Forward: conv1 16 x 216 = 3,456, conv2 16 x 288 = 4,608, head 320, and conv2's input channel means 128 per
        // sample; the forward module 8 x 8 = 64 once for the pass: 2 x 8,512 + 64 = 17,088. Input gradient: the head
        // only, 2 x 320. Weight gradients: the head 320 per sample; conv2 the channel means of g(y) 64 and 16 positions
        // x 180 kept weights = 2,880 per sample, and once for the pass the backward module 4 x 4 = 16 and the weighted
        // accumulation of 180 + 4: 2 x 3,264 + 200 = 6,728.
        #expect(step.forwardMACs == MACCount(17_088))
        #expect(step.inputGradientMACs == MACCount(640))
        #expect(step.weightGradientMACs == MACCount(6_728))
        #expect(cost.macs == MACCount(24_456))
    }

    @Test func scoresAreCountedOncePerPassAndTheDenseBufferThroughTheStep() throws {
        // 4 samples in micro-batches of 2: two passes, each storing 2 x 5 x 16 x 4 = 640 B and 32 B of scores (once, not
        // per sample); the buffers live through the step (accumulation): 1,168 + 1,300 = 2,468 B. At conv2's backward
        // pass: 672 + 512 + 2,468 + 752 = 4,404 B. The per-pass MACs count twice: 4 x 8,512 + 2 x 64 forward,
        // 4 x 3,264 + 2 x 200 weight gradients.
        let cost = try model.adaptation(of: plan([2: .attended(Self.paper), 5: .full]), workload: Workload(samplesPerStep: 4, microBatch: 2))
        let step = cost.steps[0]
        #expect(step.storedBytes[2] == 672)
        #expect(step.gradientBufferBytes == ByteCount(2_468))
        #expect(step.timeline.first { $0.phase == .backward && $0.layer == 2 }?.liveBytes == ByteCount(4_404))
        #expect(step.forwardMACs == MACCount(34_176))
        #expect(step.weightGradientMACs == MACCount(13_456))
        // Streamed, each sample is a pass of its own and scores its own channels: (320 + 32) per sample, for 2 samples.
        let streamed = try model.adaptation(of: plan([2: .attended(Self.paper), 5: .full]),
                                            workload: Workload(samplesPerStep: 4, microBatch: 2, propagation: .streamed))
        #expect(streamed.steps[0].storedBytes[2] == 704)
    }

    @Test func anAttendedFirstLayerReadsTheSampleWholeAndComputesItsGradientOverEveryInputChannel() throws {
        // conv1 reads x_0 (static memory): it stores only gamma^fw, 3 floats = 12 B; the trainer keeps the sample whole,
        // so its compact gradient spans all 3 inputs: 8 outputs x 3 x 9 + 8 bias = 224 floats (896 B) + gamma^bw 8
        // floats (32 B) during its backward pass. Its dense buffer (8 x 3 x 9 + 8) x 4 = 896 B.
        // At conv1's backward pass (no g(x)): 12 stored + g(y) 2 x 128 x 4 = 1,024 + 896 + 928 = 2,860 B.
        let cost = try model.adaptation(of: plan([0: .attended(Self.paper)]), workload: Workload(samplesPerStep: 2, microBatch: 2))
        let step = cost.steps[0]
        #expect(step.storedBytes[0] == 12)
        #expect(step.gradientBufferBytesPerLayer[0] == 896)
        #expect(step.timeline.first { $0.phase == .backward && $0.layer == 0 }?.liveBytes == ByteCount(2_860))
    }

    @Test func withoutClippingEveryChannelIsKeptAsTheInputItself() throws {
        // rho_fw 0 keeps all 8 channels: the stored input is conv1's output buffer (an alias), 2 x 128 x 4 = 1,024 B,
        // beside the 32 B of scores, as the trainer keeps it.
        let cost = try model.adaptation(of: plan([2: .attended(MetaAttentionRatios(forward: .none)), 5: .full]),
                                        workload: Workload(samplesPerStep: 2, microBatch: 2))
        let saved = cost.steps[0].savedTensors[2]
        #expect(saved.map(\.kind) == [.input, .attentionScores])
        #expect(saved[0].alias == .input(0))
        #expect(cost.steps[0].storedBytes[2] == 1_056)
    }
}
