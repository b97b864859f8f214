import PMetaPlan
import Testing

/// Pad, reversing Slice, Mod and stochastic depth on hand-made graphs, and on the fixtures that use them.
@Suite struct ONNXOperatorMappingTests {
    static let convWeight: [(name: String, dims: [Int64])] = [("w", [4, 3, 3, 3])]

    /// Pad(x, pads) then `consumer`.
    static func padded(_ pads: [Int64], then consumer: ONNXTestModel.Node, mode: String? = nil, weights: [(name: String, dims: [Int64])] = []) -> ONNXTestModel {
        let attributes: [(String, ONNXTestModel.Attribute)] = mode.map { [("mode", .string($0))] } ?? []
        return ONNXTestModel(input: [3, 8, 8], nodes: [ONNXTestModel.Node(op: "Pad", inputs: ["x", "pads"], output: "p", attributes: attributes), consumer],
                             constants: [("pads", pads)], weights: weights)
    }

    @Test func zeroPaddingBecomesTheConvolutionsPadding() throws {
        let conv = ONNXTestModel.Node(op: "Conv", inputs: ["p", "w"], output: "y", attributes: [("pads", .ints([1, 0, 1, 0]))])
        // ONNX pads: begins for N, C, H, W then ends; (top 2, left 1) and (bottom 0, right 3), plus the conv's own (1, 0, 1, 0).
        let document = try Self.padded([0, 0, 2, 1, 0, 0, 0, 3], then: conv, weights: Self.convWeight).imported.get()
        let layers = document["layers"]?.arrayValue ?? []
        #expect(layers.count == 1)
        #expect(layers.first?["padding"] == [3, 1, 1, 3])
        // 8 + 3 + 1 - 3 + 1 = 10 rows and 8 + 1 + 3 - 3 + 1 = 10 columns, as ONNX computes on the padded input.
        let graph = try ShapedGraph(try ArchitectureGraph(json: document))
        #expect(graph.outputShapes.last?.dimensions == [4, 10, 10])
    }

    @Test func paddingAnythingButAConvOrPoolIsRefusedNamingThePad() {
        let relu = ONNXTestModel.Node(op: "Relu", inputs: ["p"], output: "y")
        #expect(Self.padded([0, 0, 1, 1, 0, 0, 1, 1], then: relu).errorText
                == "m.onnx: node 1 '/Relu_1' (Relu, opset 17): reads the output of Pad '/Pad_0'; only constant zero padding that feeds Conv, MaxPool or AveragePool is supported (it becomes their padding)")
        let conv = ONNXTestModel.Node(op: "Conv", inputs: ["p", "w"], output: "y")
        #expect(Self.padded([0, 0, 1, 1, 0, 0, 1, 1], then: conv, mode: "edge", weights: Self.convWeight).errorText?
            .hasSuffix("(Pad, opset 17): edge padding is not supported; only constant zero padding, which the next Conv or pooling takes as its padding") == true)
        #expect(Self.padded([0, 1, 0, 0, 0, 0, 0, 0], then: conv, weights: Self.convWeight).errorText?
            .contains("padding the batch or channel axis is not supported") == true)
        #expect(Self.padded([0, 0, -1, 0, 0, 0, 0, 0], then: conv, weights: Self.convWeight).errorText?.contains("negative pads crop") == true)
    }

    @Test func paddingBeyondHalfAPoolingWindowIsRefused() {
        // A 2x2 max pool holds at most 1 of padding a side; Pad adds 1 and the pool's own pads 1 more.
        let pool = ONNXTestModel.Node(op: "MaxPool", inputs: ["p"], output: "y", attributes: [("kernel_shape", .ints([2, 2])), ("pads", .ints([1, 1, 1, 1]))])
        #expect(Self.padded([0, 0, 1, 1, 0, 0, 1, 1], then: pool).errorText?
            .contains("the zero padding of Pad '/Pad_0' and the pads [1, 1, 1, 1] add up to [2, 2, 2, 2], which a pooling layer of window [2, 2] cannot hold") == true)
    }

    @Test func paddedFixtureFoldsPadsAndFlip() throws {
        let layers = ONNXFixtures.layers(try ONNXFixtures.document("padded_cnn"))
        // ZeroPad2d((0, 1, 0, 1)): F.pad's (left, right, top, bottom), which the exporter reverses with a Slice of
        // step -1 on a [4, 2] table; the conv gets top 0, left 0, bottom 1, right 1.
        #expect(layers[0]["name"] == "conv1" && layers[0]["padding"] == [0, 0, 1, 1])
        #expect(layers.first { $0["op"] == "max_pool" }?["padding"] == 1)
        // torch.flip(x, dims=[3]) on [16, 8, 8]: Slice(starts -1, ends INT64_MIN + 1, steps -1) is [7:-9:-1] of the width.
        #expect(layers.first { $0["op"] == "slice" } == ["name": "slice", "op": "slice", "axis": 2, "start": 7, "end": -9, "step": -1, "inputs": ["pool"]])
        #expect(!layers.contains { $0["op"] == "pad" })
    }

    @Test func reflectPaddingFixtureIsRefused() {
        #expect {
            try ONNXFixtures.document("reflect_pad_cnn")
        } throws: { error in
            "\(error)" == "reflect_pad_cnn.onnx: node 15 '/Pad' (Pad, opset 17): reflect padding is not supported; only constant zero padding, which the next Conv or pooling takes as its padding"
        }
    }

    @Test func modFoldsWithPythonsSignUnlessFmod() throws {
        // Python prints -7 % 3 == 2; C's fmod(-7, 3) is -1. The result is the start of a slice of x's 6 features.
        for (fmod, start) in [(Int64(0), 2), (1, 5)] {
            let model = ONNXTestModel(input: [6], nodes: [
                ONNXTestModel.Node(op: "Mod", inputs: ["a", "b"], output: "start", attributes: [("fmod", .int(fmod))]),
                ONNXTestModel.Node(op: "Slice", inputs: ["x", "start", "end", "axis"], output: "s"),
                ONNXTestModel.Node(op: "Relu", inputs: ["s"], output: "y"),
            ], constants: [("a", [-7]), ("b", [3]), ("end", [6]), ("axis", [1])])
            let layers = try model.imported.get()["layers"]?.arrayValue ?? []
            #expect(layers.first?["start"] == .integer(start), "fmod \(fmod)")
        }
    }

    @Test func stochasticDepthLeavesNoLayerAndAnElementMaskIsRefused() throws {
        let document = try ONNXFixtures.document("efficientnet_b0_training")
        // torchvision's EfficientNet-B0 has 16 MBConv blocks; the 9 with a residual connection apply stochastic depth.
        #expect(document["description"]?.stringValue?.contains("49 BatchNormalization and 1 Dropout layers kept; 9 stochastic-depth factors left out") == true)
        #expect(ONNXFixtures.opCounts(document)["add"] == 9)
        // A random mask of x's own shape is a hand-made dropout: refused.
        let mask = ONNXTestModel(input: [6], nodes: [
            ONNXTestModel.Node(op: "RandomUniformLike", inputs: ["x"], output: "r"),
            ONNXTestModel.Node(op: "Mul", inputs: ["x", "r"], output: "y"),
        ])
        #expect(mask.errorText?.hasSuffix("(Mul, opset 17): Mul by random numbers of shape [\"N\", \"6\"] is not supported; only stochastic depth (a Mul by one random number per sample), or Dropout") == true)
    }

    @Test func decomposedLayerNormIsOneLayer() throws {
        let document = try ONNXFixtures.document("vit_tiny_opset13")
        let counts = ONNXFixtures.opCounts(document)
        #expect(counts["layer_norm"] == 9)
        #expect(counts["reduce_mean"] == nil && counts["scale"] == 4 && counts["add"] == 9)
        #expect(ONNXFixtures.layers(document).first { $0["name"] == "blocks.0.norm1" }?["parameters"] == ["blocks.0.norm1.weight", "blocks.0.norm1.bias"])
    }

    @Test func resizeBecomesUpsamplePinnedToFvcore() throws {
        let model = try ONNXEndToEndTests.costModel("upsampling_cnn")
        let layers = ONNXFixtures.layers(try ONNXFixtures.document("upsampling_cnn"))
        #expect(layers.filter { $0["op"] == "upsample" }.map { [$0["scale"], $0["mode"]] } == [[2, "nearest"], [2, "bilinear"]])
        // fvcore (make_onnx_fixtures.py): conv MACs 2,732,032; upsample_bilinear2d 262,144 "flops", 4 per element of
        // the 16 x 64 x 64 output, which is the bilinear layer's forward MACs; upsample_nearest2d 16,384, one per output
        // element, which the cost model counts as a copy (0 MACs).
        #expect(ONNXEndToEndTests.productMACs(model) == 2_732_032)
        let kinds = model.graph.graph.layers.map(\.operation.kind)
        let upsampled = zip(kinds, model.layerCosts).filter { $0.0 == .upsample }.map(\.1.forwardMACs)
        #expect(upsampled == [0, 262_144])
        #expect(model.graph.outputShapes.last?.dimensions == [4, 64, 64])
    }

    @Test func resizeThatIsNotAWholeUpsamplingIsRefused() throws {
        func resize(scales: [Int64], mode: String = "nearest") -> ONNXTestModel {
            // Float scales are written as integers here and read as reals: 1, 1, s, s.
            ONNXTestModel(input: [3, 8, 8], nodes: [ONNXTestModel.Node(op: "Resize", inputs: ["x", "", "scales"], output: "y",
                                                                         attributes: [("mode", .string(mode))])],
                          constants: [("scales", scales)])
        }
        #expect(resize(scales: [1, 1, 2, 2], mode: "cubic").errorText?.hasSuffix("(Resize, opset 17): cubic resizing is not supported; only nearest and linear (the format's upsample, nearest or bilinear)") == true)
        #expect(resize(scales: [1, 2, 2, 2]).errorText?.contains("resizing the batch or channel axis") == true)
        #expect(resize(scales: [1, 1, 0, 0]).errorText?.contains("resizing by 0.0 is not supported; the format's upsample takes whole factors of at least 1") == true)
        #expect(try resize(scales: [1, 1, 3, 2]).imported.get()["layers"]?.arrayValue?.first?["scale"] == [3, 2])
    }
}
