import Foundation
import Testing
@testable import PMetaPlan

/// The physical profile's memory and MACs for the new operators, counted by hand (one sample, float32,
/// no accumulation: each gradient buffer lives during its own layer's backward pass).
@Suite struct OperatorCostTests {
    static func model(_ json: String) throws -> CostModel {
        try CostModel(try ShapedGraph(jsonBytes: Array(json.utf8), file: "t.json"))
    }

    static let one = Workload(samplesPerStep: 1, microBatch: 1)

    /// A class token, a token-wise linear layer, GELU and a head on 4 tokens of 8 features.
    static let tokens = """
        {"format": 1, "name": "tokens", "input": {"shape": [4, 8]}, "layers": [
          {"name": "cls", "op": "parameter", "shape": [1, 8]},
          {"name": "seq", "op": "concat", "axis": 0, "inputs": ["cls", "input"]},
          {"name": "fc", "op": "linear", "out_features": 8},
          {"name": "act", "op": "gelu"},
          {"name": "head", "op": "linear", "out_features": 2}]}
        """

    @Test func classTokenLinearOnTokensAndGELU() throws {
        let model = try Self.model(Self.tokens)
        // Parameters: cls 8, fc 8 x 8 + 8 = 72, head 8 x 2 + 2 = 18.
        #expect(try model.staticMemory(samples: 1).parameterCount == 98)
        // Working elements (only in-place layers share): the class token is model memory (0); concat writes 5 x 8 = 40;
        // fc, GELU (it keeps its input, so it cannot overwrite it) hold 40 + 40; head 40 + 5 x 2.
        #expect(model.separateWorkingElements == [0, 40, 80, 80, 50])
        let cost = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: Self.one, profile: .physical)
        let step = cost.steps[0]
        // Stored: fc's whole input 40 x 4 = 160 (x_0 is concatenated first, so it is no longer the network input), GELU's
        // input 160, the head's input 160 and the output 10 x 4 = 40.
        #expect(step.storedBytes == [0, 0, 160, 160, 200])
        // Each stored input is the layer's own input buffer: fc and GELU hold 160 + 160 - 160, the head 160 + 40 - 160 - 40
        // (its output is x_L, stored). Backward at the head: stored 520 + g(y) 40 + its buffer (16 + 2) x 4 = 72 = 632;
        // at fc: 160 + 160 + 288 = 608; at the concat: g(seq) 160 + the class token's gradient 8 x 4 = 32, which the
        // concat's backward writes and the token's own backward applies (32).
        #expect(cost.peak == ByteCount(632))
        #expect(step.peak.layer == 4)
        #expect(step.timeline.map(\.liveBytes.bytes) == [0, 160, 320, 480, 520, 632, 480, 608, 192, 32])
        // MACs: forward fc 5 rows x 64 = 320, GELU 2 x 40 = 80, head 5 x 16 = 80; input gradients of fc and the head
        // (the class token carries a gradient into the sequence) 320 + 80; weight gradients 320 + 80 (the token's is a copy).
        #expect(step.forwardMACs == MACCount(480))
        #expect(step.inputGradientMACs == MACCount(400))
        #expect(step.weightGradientMACs == MACCount(400))
    }

    /// Squeeze-excite on 2 x 4 x 4: a 1x1 conv, a per-channel gate and the product, then a frozen head.
    static let squeezeExcite = """
        {"format": 1, "name": "se", "input": {"shape": [2, 4, 4]}, "layers": [
          {"name": "c1", "op": "conv2d", "out_channels": 2, "kernel": 1, "bias": false},
          {"name": "squeeze", "op": "reduce_mean", "axes": [1, 2]},
          {"name": "gate", "op": "sigmoid"},
          {"name": "excite", "op": "mul", "inputs": ["c1", "gate"]},
          {"op": "flatten"},
          {"name": "head", "op": "linear", "out_features": 2}]}
        """

    @Test func squeezeExciteKeepsTheProductsOperandsAndTheSigmoidsOutput() throws {
        let model = try Self.model(Self.squeezeExcite)
        // c1 32 (x_0 is static); the mean 32 + 2 (c1 stays for the product); the sigmoid in place 34; the product reads
        // c1 and the gate, both dying, and writes 32: 66; flatten 32; head 32 + 2.
        #expect(model.separateWorkingElements == [32, 34, 34, 66, 32, 34])
        var updates = [LayerUpdate](repeating: .frozen, count: 6)
        updates[0] = .full
        let cost = try model.adaptation(of: UpdatePlan(steps: [StepUpdates(layers: updates)]), workload: Self.one, profile: .physical)
        let step = cost.steps[0]
        // c1 reads x_0: nothing stored. The gate keeps its output 2 x 4 = 8; the product keeps c1 (128) and the gate (8);
        // the frozen head stores nothing (a frozen linear layer needs no input); the output 8. The gate's output and the
        // product's operand are one buffer, stored once by the gate.
        #expect(step.storedBytes == [0, 0, 8, 128, 0, 8])
        // Forward at the head: stored 144 + working 136 - 8 (its output is x_L, stored) = 272. Backward at the head:
        // stored 144 + g(y) 8 + g(x) 128 = 280, the peak (x_L is still counted there; the trainer frees it after the
        // loss, 8 B less).
        #expect(cost.peak == ByteCount(280))
        #expect(step.peak.layer == 5)
        // Backward at c1: its weight-gradient buffer 2 x 2 x 4 = 16 B beside its working set 128.
        #expect(step.timeline.last == MemoryEvent(phase: .backward, layer: 0, liveBytes: ByteCount(144)))
        // MACs: conv 16 x 4 = 64, sigmoid 2, product 32, head 64 forward; the head's input gradient 64; c1's weight gradient 64.
        #expect(step.macs == MACCount(162 + 64 + 64))
    }

    @Test func matmulCountsBothProductsBackward() throws {
        let model = try Self.model("""
            {"format": 1, "name": "mm", "input": {"shape": [4, 6]}, "layers": [
              {"name": "q", "op": "linear", "out_features": 6},
              {"name": "kt", "op": "transpose", "perm": [1, 0]},
              {"name": "scores", "op": "matmul", "inputs": ["q", "kt"]},
              {"op": "softmax"},
              {"op": "flatten"}]}
            """)
        // [4, 6] x [6, 4]: 4 x 4 outputs of 6 products = 96 forward; g(A) and g(B) 96 each.
        #expect(model.layerCosts[2].forwardMACs == 96)
        #expect(model.layerCosts[2].inputGradientMACs == 192)
        let cost = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: Self.one, profile: .physical)
        // q's input is x_0 (static); the product keeps q (24 x 4) and kt (24 x 4); softmax keeps its output 16 x 4;
        // the network output 16 x 4.
        #expect(cost.steps[0].storedBytes == [0, 0, 192, 64, 64])
        #expect(cost.steps[0].inputGradientMACs == MACCount(192))
    }

    @Test func dropoutAndPiecewiseLinearActivationsKeepOneBit() throws {
        let model = try Self.model("""
            {"format": 1, "name": "bits", "input": {"shape": [16]}, "layers": [
              {"name": "fc", "op": "linear", "out_features": 16},
              {"op": "hard_sigmoid"}, {"op": "dropout", "p": 0.2}, {"op": "hard_swish"}, {"op": "tanh"}]}
            """)
        let step = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: Self.one, profile: .physical).steps[0]
        // 16 elements each: hard-sigmoid's mask and dropout's mask 16 bits = 2 B; hard-swish keeps its input 64 B;
        // tanh its output 64 B, which is the network output too: one buffer, stored once.
        #expect(step.storedBytes == [0, 2, 2, 64, 64])
        #expect(step.savedTensors[2].map(\.kind) == [.dropoutMask])
    }

    /// A 1x1 conv to 2 channels, bilinear 2x upsampling and a 1x1 conv to 1 channel on 1 x 2 x 2.
    static let upsampling = """
        {"format": 1, "name": "up", "input": {"shape": [1, 2, 2]}, "layers": [
          {"name": "c1", "op": "conv2d", "out_channels": 2, "kernel": 1, "bias": false},
          {"name": "up", "op": "upsample", "scale": 2, "mode": "bilinear"},
          {"name": "c2", "op": "conv2d", "out_channels": 1, "kernel": 1, "bias": false}]}
        """

    @Test func upsamplingKeepsNothingAndCountsFourMACsAnOutputWhenBilinear() throws {
        let model = try Self.model(Self.upsampling)
        #expect(model.graph.outputShapes.map(\.dimensions) == [[2, 2, 2], [2, 4, 4], [1, 4, 4]])
        // Working elements: c1 writes 8 (x_0 is static); the upsample holds its 8 and its 32 (never in place); c2 32 + 16.
        #expect(model.separateWorkingElements == [8, 40, 48])
        let cost = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: Self.one, profile: .physical)
        let step = cost.steps[0]
        // Stored: c1's input is x_0 (never stored again); the upsample keeps nothing; c2 its input 32 x 4 = 128 B and
        // the network output 16 x 4 = 64 B.
        #expect(step.storedBytes == [0, 0, 192])
        // Forward: c1 4 positions x 2 weights = 8, the upsample 4 x 32 outputs = 128, c2 16 x 2 = 32. Input gradients:
        // c2's 32 and the upsample's 128 (c1 is updated, so the gradient reaches it; c1's own input is x_0). Weights: 8 + 32.
        #expect(step.forwardMACs == MACCount(168))
        #expect(step.inputGradientMACs == MACCount(160))
        #expect(step.weightGradientMACs == MACCount(40))
        // Nearest upsampling is a copy: no MACs either way.
        let nearest = try Self.model(Self.upsampling.replacingOccurrences(of: "bilinear", with: "nearest"))
        #expect(nearest.layerCosts[1].forwardMACs == 0)
        #expect(nearest.layerCosts[1].inputGradientMACs == 0)
    }
}
