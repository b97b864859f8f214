import Testing
@testable import PMetaPlan

/// Inputs at the edge of what is valid still decode and cost, with figures counted by hand.
@Suite struct ExtremeInputTests {
    static func model(_ text: String) throws -> CostModel {
        try CostModel(try ShapedGraph(jsonBytes: Array(text.utf8), file: "extreme.json"))
    }

    /// 5,000 x (fc 4 -> 4, ReLU) on a 4-feature input: 10,000 layers.
    static let chain = """
    {"format": 1, "name": "chain", "input": {"shape": [4], "element_bytes": 4}, "layers": [
      {"repeat": 5000, "layers": [{"op": "linear", "out_features": 4}, {"op": "relu"}]}
    ]}
    """

    @Test func tenThousandLayerChainDecodesAndCosts() throws {
        let model = try Self.model(Self.chain)
        #expect(model.graph.layerCount == 10_000)
        #expect(model.graph.layers.last?.name == "block5000.relu1")
        // 5,000 x (16 weights + 4 biases).
        #expect(try model.staticMemory(samples: 1).parameterCount == 100_000)
        // Every fc but the first (its input is the sample, static memory) holds its input and its output at
        // once: 8 words, 32 B, first at layer 2; 5,000 x 16 MACs.
        #expect(try model.inference() == InferenceCost(peak: ByteCount(32), peakLayer: 2, macs: MACCount(80_000)))
        // MAML, one sample, no accumulation. Stored: the inputs of every fc but the first (x_0 is the sample),
        // 4,999 x 16 B = 79,984; 5,000 masks of ceil(4 bits) = 1 B; the output 16 B: 85,000 in all. The peak is
        // the last fc's backward pass: what layers <= it stored, 79,984 + 4,999 masks = 84,983; its working set,
        // input and output 32 B less the stored input it reads in place, 16 B; its gradient buffer
        // (16 + 4) x 4 = 80 B: 85,079. (The last ReLU's forward pass holds 85,000 + 16 = 85,016.)
        // MACs: forward 80,000, weight gradients 80,000, input gradients of every fc but the first 4,999 x 16 = 79,984.
        let workload = Workload(samplesPerStep: 1, microBatch: 1)
        let cost = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: workload)
        #expect(cost.peak == ByteCount(85_079))
        #expect(cost.steps[0].peak.layer == 9_998)
        #expect(cost.macs == MACCount(239_984))
    }

    @Test func aThousandInnerStepsOfTheChainShareOneStepsFigures() throws {
        let model = try Self.model(Self.chain)
        let workload = Workload(samplesPerStep: 1, microBatch: 1)
        let cost = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph, innerSteps: 1_000), workload: workload)
        #expect(cost.steps.count == 1_000)
        #expect(cost.steps.map(\.stepIndex) == Array(0..<1_000))
        #expect(cost.peak == ByteCount(85_079))
        #expect(cost.macs == MACCount(1_000 * 239_984))
    }

    @Test func oneByOneImagesDecodeAndCost() throws {
        // [3, 1, 1] -> conv 3x3 pad 1 -> [8, 1, 1] -> BN -> ReLU -> max pool 1 -> GAP -> fc 8 -> 2.
        let model = try Self.model("""
        {"format": 1, "name": "pixel", "input": {"shape": [3, 1, 1]}, "layers": [
          {"op": "conv2d", "out_channels": 8, "kernel": 3, "padding": 1}, {"op": "batch_norm"}, {"op": "relu"},
          {"op": "max_pool", "kernel": 1}, {"op": "conv2d", "out_channels": 8, "kernel": 1, "stride": 2},
          {"op": "global_avg_pool"}, {"op": "linear", "out_features": 2}
        ]}
        """)
        #expect(model.graph.outputShapes.map(\.dimensions) == [[8, 1, 1], [8, 1, 1], [8, 1, 1], [8, 1, 1], [8, 1, 1], [8], [2]])
        // conv 8 x 3 x 9 + 8 = 224, BN 8 + 8, conv 8 x 8 + 8 = 72, fc 16 + 2 = 18.
        #expect(try model.staticMemory(samples: 1).parameterCount == 330)
        // conv 1 x 216, BN 4 x 8, max pool 8, conv 64, fc 16.
        #expect(try model.inference().macs == MACCount(336))
        // A 1x1 window has one position: its index takes 0 bits and max pool stores nothing.
        let cost = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: Workload(samplesPerStep: 1, microBatch: 1))
        #expect(cost.steps[0].savedTensors[3].isEmpty)
    }

    @Test func hundredThousandChannelsDecodeAndCost() throws {
        // [3, 2, 2] -> conv 1x1 to 100,000 -> GN(100,000 groups) -> ReLU -> depthwise 1x1 -> GAP -> fc 100,000 -> 10.
        let model = try Self.model("""
        {"format": 1, "name": "wide", "input": {"shape": [3, 2, 2]}, "layers": [
          {"op": "conv2d", "out_channels": 100000, "kernel": 1}, {"op": "group_norm", "groups": 100000}, {"op": "relu"},
          {"op": "conv2d", "out_channels": 100000, "kernel": 1, "groups": 100000, "bias": false},
          {"op": "global_avg_pool"}, {"op": "linear", "out_features": 10}
        ]}
        """)
        // conv 300,000 + 100,000; GN 200,000; depthwise 100,000; fc 1,000,000 + 10.
        #expect(try model.staticMemory(samples: 1).parameterCount == 1_700_010)
        // conv 4 x 300,000; GN 4 x 400,000; depthwise 4 x 100,000; fc 1,000,000.
        let inference = try model.inference()
        #expect(inference.macs == MACCount(4_200_000))
        // Every image tensor is 400,000 words: 1.6 MB while the first layer runs (its input is the sample);
        // the depthwise conv holds its input and its output at once, 3.2 MB.
        #expect(inference.peak == ByteCount(3_200_000))
        #expect(inference.peakLayer == 3)
    }
}
