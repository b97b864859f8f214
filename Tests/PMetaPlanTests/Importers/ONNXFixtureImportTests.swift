import PMetaPlan
import Testing

/// A fixture and the figures PyTorch and fvcore printed for the same model.
///
/// Printed by `python3 scripts/make_onnx_fixtures.py` (torch 2.15.0, torchvision 0.29.2, fvcore 0.1.5, opset 17):
/// `parameters` is `sum(p.numel() for p in model.parameters())`; `macs` is fvcore's FlopCountAnalysis summed over
/// conv, linear, addmm, matmul, bmm and einsum (one "flop" per MAC); `parameterUses` is the script's
/// `onnx_parameter_uses`: the float initializer elements each exported node reads. An inference export folds
/// BatchNorm into the conv before it, so its uses are the PyTorch count minus the folded BN weight and bias (plus the
/// conv biases folding adds); the training-mode export and the BN-free ViT equal the PyTorch count.
struct PinnedONNXModel: Sendable, CustomStringConvertible {
    var name: String
    var parameters: Int
    var macs: Int
    var parameterUses: Int
    var description: String { name }

    static let all: [PinnedONNXModel] = [
        PinnedONNXModel(name: "resnet18", parameters: 11_689_512, macs: 1_814_073_344, parameterUses: 11_684_712),
        PinnedONNXModel(name: "resnet18_training", parameters: 11_689_512, macs: 1_814_073_344, parameterUses: 11_689_512),
        PinnedONNXModel(name: "mobilenet_v2", parameters: 3_504_872, macs: 300_774_272, parameterUses: 3_487_816),
        PinnedONNXModel(name: "mobilenet_v3_small", parameters: 2_542_856, macs: 56_510_400, parameterUses: 2_536_800),
        PinnedONNXModel(name: "efficientnet_b0", parameters: 5_288_548, macs: 385_814_752, parameterUses: 5_267_540),
        PinnedONNXModel(name: "shufflenet_v2_x0_5", parameters: 1_366_792, macs: 40_476_448, parameterUses: 1_362_816),
        // DS-CNN by hand: stem 1*64*10*4 + 64 = 2,624, BN 128; 4 blocks of dw 640 + BN 128 + pw 4,160 + BN 128; fc 780.
        // Folded: each conv keeps its own bias, so the 5 BNs' 2 * 64 elements go: 23,756 - 1,152 = 22,604.
        PinnedONNXModel(name: "ds_cnn", parameters: 23_756, macs: 2_656_768, parameterUses: 22_604),
        PinnedONNXModel(name: "vit_tiny", parameters: 1_212_490, macs: 83_758_464, parameterUses: 1_212_490),
        // Training-mode exports (BatchNormalization and Dropout kept), seeded apart (`later_fixtures`): every
        // parameter PyTorch counts is read, so the uses equal the PyTorch count.
        PinnedONNXModel(name: "mobilenet_v3_small_training", parameters: 2_542_856, macs: 56_510_400, parameterUses: 2_542_856),
        PinnedONNXModel(name: "efficientnet_b0_training", parameters: 5_288_548, macs: 385_814_752, parameterUses: 5_288_548),
        PinnedONNXModel(name: "shufflenet_v2_x0_5_training", parameters: 1_366_792, macs: 40_476_448, parameterUses: 1_366_792),
        PinnedONNXModel(name: "vit_tiny_training", parameters: 1_212_490, macs: 83_758_464, parameterUses: 1_212_490),
        // The ViT at opset 13, before LayerNormalization: the exporter spells each layer norm out in 9 nodes.
        PinnedONNXModel(name: "vit_tiny_opset13", parameters: 1_212_490, macs: 83_758_464, parameterUses: 1_212_490),
        // PaddedCNN (no batch norm, so the uses are the PyTorch count), by hand: input 3 x 33 x 33, zero pad
        // (0, 1, 0, 1) to 34 x 34, conv1 3x3 stride 2 to 16 x 16 x 16: 4,096 x 27 = 110,592 MACs, 448 parameters;
        // zero pad 1 to 18 x 18, max pool 3 stride 2 to 8 x 8; flip; conv2 3x3 pad 1 to 32 x 8 x 8: 2,048 x 144 =
        // 294,912 MACs, 4,640 parameters; fc 32 -> 10: 320 MACs, 330 parameters. 405,824 MACs, 5,418 parameters.
        PinnedONNXModel(name: "padded_cnn", parameters: 5_418, macs: 405_824, parameterUses: 5_418),
        // UpsamplingCNN by hand: conv1 3 -> 16, 3x3 stride 2 pad 1 on 32 x 32: 4,096 x 27 = 110,592 MACs, 448 parameters;
        // nearest 2x to 32 x 32; conv2 16 -> 16, 3x3 pad 1: 16,384 x 144 = 2,359,296 MACs, 2,320 parameters; bilinear
        // 2x to 64 x 64; conv3 1x1 16 -> 4: 16,384 x 16 = 262,144 MACs, 68 parameters. 2,732,032 MACs, 2,836 parameters.
        PinnedONNXModel(name: "upsampling_cnn", parameters: 2_836, macs: 2_732_032, parameterUses: 2_836),
        // torchvision's MobileNetV3, MBConv and ShuffleNetV2 blocks, tiny (the fuzzers' seeds): inference (BN folded)
        // and training-mode exports; and a one-block ViT at opsets 17 and 13.
        PinnedONNXModel(name: "blocks_micro", parameters: 3_518, macs: 150_816, parameterUses: 3_366),
        PinnedONNXModel(name: "blocks_micro_training", parameters: 3_518, macs: 150_816, parameterUses: 3_518),
        PinnedONNXModel(name: "vit_micro", parameters: 3_204, macs: 14_176, parameterUses: 3_204),
        PinnedONNXModel(name: "vit_micro_opset13", parameters: 3_204, macs: 14_176, parameterUses: 3_204),
    ]
}

@Suite struct ONNXFixtureImportTests {
    @Test(arguments: PinnedONNXModel.all)
    func fixtureKeepsEveryParameterWithItsLayer(_ pinned: PinnedONNXModel) throws {
        #expect(try ONNXFixtures.parameterUses(pinned.name) == pinned.parameterUses)
    }

    @Test func everyFixtureIsAFewKilobytesAndImports() throws {
        for name in ONNXFixtures.names {
            #expect(try ONNXFixtures.bytes(name).count < 250_000, "\(name)")
            let document = try ONNXFixtures.document(name)
            #expect(document["format"] == 1)
            #expect(!ONNXFixtures.layers(document).isEmpty)
        }
    }

    @Test func resnet18IsTheTorchvisionLayout() throws {
        let document = try ONNXFixtures.document("resnet18")
        // 20 convs (17 in the stem and blocks, 3 projection shortcuts), 17 ReLUs, 8 residual adds, one pool each, one fc.
        #expect(ONNXFixtures.opCounts(document) == ["conv2d": 20, "relu": 17, "add": 8, "max_pool": 1, "global_avg_pool": 1, "linear": 1])
        let layers = ONNXFixtures.layers(document)
        #expect(document["input"] == ["shape": [3, 224, 224], "element_bytes": 4])
        #expect(layers[0] == ["name": "conv1", "op": "conv2d", "out_channels": 64, "kernel": 7, "stride": 2, "padding": 3, "bias": true,
                              "inputs": ["input"], "parameters": layers[0]["parameters"]!])
        #expect(layers.contains { $0["name"] == "layer1.0.conv1" })
        #expect(layers.contains { $0["name"] == "layer2.0.downsample.0" && $0["stride"] == 2 })
        #expect(layers.last?["name"] == "fc")
        #expect(layers.last?["parameters"] == ["fc.weight", "fc.bias"])
        #expect(document["description"]?.stringValue?.contains("inference export") == true)
    }

    @Test func trainingExportKeepsBatchNormWithItsModuleNames() throws {
        let document = try ONNXFixtures.document("resnet18_training")
        #expect(ONNXFixtures.opCounts(document)["batch_norm"] == 20)
        let layers = ONNXFixtures.layers(document)
        #expect(layers.first { $0["name"] == "layer1.0.bn1" }?["parameters"] == ["layer1.0.bn1.weight", "layer1.0.bn1.bias"])
        #expect(layers.first { $0["name"] == "layer1.0.conv1" }?["bias"] == false)
        #expect(document["description"]?.stringValue?.contains("training-mode export (20 BatchNormalization") == true)
    }

    @Test func mobileNetV2MapsClipToRelu6() throws {
        let counts = ONNXFixtures.opCounts(try ONNXFixtures.document("mobilenet_v2"))
        #expect(counts["relu6"] == 35)
        #expect(counts["conv2d"] == 52)
        #expect(counts["add"] == 10)
    }

    @Test func mobileNetV3SmallHasHardSwishAndSqueezeExcite() throws {
        let document = try ONNXFixtures.document("mobilenet_v3_small")
        let counts = ONNXFixtures.opCounts(document)
        #expect(counts["hard_swish"] == 19)
        #expect(counts["hard_sigmoid"] == 9)
        #expect(counts["mul"] == 9)
        // 9 squeeze-excite pools keep [C, 1, 1] for their 1x1 convs; the last one feeds the classifier as [C].
        #expect(counts["reduce_mean"] == 9)
        #expect(counts["global_avg_pool"] == 1)
        #expect(ONNXFixtures.layers(document).contains { $0["op"] == "reduce_mean" && $0["axes"] == [1, 2] && $0["keep_dims"] == true })
        #expect(counts["linear"] == 2)
    }

    @Test func efficientNetSiLUIsOneLayerAndTheGateStaysASigmoid() throws {
        let counts = ONNXFixtures.opCounts(try ONNXFixtures.document("efficientnet_b0"))
        // 65 Sigmoid/Mul pairs: 49 SiLU activations (x * sigmoid(x)) and 16 squeeze-excite gates (x * sigmoid(se(x))).
        #expect(counts["silu"] == 49)
        #expect(counts["sigmoid"] == 16)
        #expect(counts["mul"] == 16)
        #expect(counts["conv2d"] == 81)
    }

    @Test func shuffleNetChannelShuffleAndChunksFold() throws {
        let document = try ONNXFixtures.document("shufflenet_v2_x0_5")
        let counts = ONNXFixtures.opCounts(document)
        // 16 units: each shuffles once; the 13 stride-1 units chunk their input into two halves (two slices each).
        #expect(counts["shuffle"] == 16)
        #expect(counts["slice"] == 26)
        #expect(counts["concat"] == 16)
        #expect(counts["reshape"] == nil && counts["transpose"] == nil)
        #expect(ONNXFixtures.layers(document).contains { $0["op"] == "shuffle" && $0["groups"] == 2 })
        #expect(counts["global_avg_pool"] == 1)
    }

    @Test func dsCNNKeepsItsAsymmetricStem() throws {
        let document = try ONNXFixtures.document("ds_cnn")
        #expect(document["input"]?["shape"] == [1, 49, 10])
        let stem = ONNXFixtures.layers(document)[0]
        #expect(stem["kernel"] == [10, 4])
        #expect(stem["padding"] == [5, 1])
        #expect(ONNXFixtures.opCounts(document) == ["conv2d": 9, "relu": 9, "avg_pool": 1, "flatten": 1, "linear": 1])
    }

    @Test func vitShapeArithmeticFoldsIntoPlainLayers() throws {
        let document = try ONNXFixtures.document("vit_tiny")
        let layers = ONNXFixtures.layers(document)
        let counts = ONNXFixtures.opCounts(document)
        // Per block: q, k, v, proj and 2 MLP linears; 2 matmuls; one softmax, scale and GELU; 2 layer norms and 2 adds.
        #expect(counts["linear"] == 4 * 6 + 1)
        #expect(counts["matmul"] == 8)
        #expect(counts["softmax"] == 4)
        #expect(counts["scale"] == 4)
        #expect(counts["gelu"] == 4)
        #expect(counts["layer_norm"] == 9)
        #expect(counts["parameter"] == 2)
        #expect(counts["gather"] == 1)
        #expect(layers.contains { $0["name"] == "cls_token" && $0["shape"] == [1, 192] })
        #expect(layers.contains { $0["name"] == "pos_embed" && $0["shape"] == [65, 192] })
        #expect(layers.contains { $0["op"] == "reshape" && $0["shape"] == [192, 64] })
        #expect(layers.contains { $0["op"] == "reshape" && $0["shape"] == [65, 3, 64] })
        #expect(layers.contains { $0["op"] == "scale" && $0["factor"] == .double(0.125) })
        #expect(layers.first { $0["name"] == "blocks.0.attn.q" }?["parameters"]?.arrayValue?.last == "blocks.0.attn.q.bias")
        #expect(layers.last?["name"] == "head")
        #expect(counts["concat"] == 1)
    }

    @Test func unsupportedOperatorNamesNodeOpsetAndTheSupportedList() throws {
        var bytes = ONNXSyntheticModels.chain(nodeCount: 2)
        // Rename the Relu to an operator the importer does not know: same length keeps every length prefix valid.
        // The op_type field is tag 0x22 (field 4, wire type 2), length 4, then the name.
        let relu: [UInt8] = [0x22, 0x04] + Array("Relu".utf8), fake: [UInt8] = [0x22, 0x04] + Array("Ruel".utf8)
        let position = try #require((0...(bytes.count - 6)).first { Array(bytes[$0..<$0 + 6]) == relu })
        bytes.replaceSubrange(position..<position + 6, with: fake)
        #expect {
            try ONNXImporter.architectureDocument(bytes: bytes, file: "chain.onnx")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("chain.onnx: node 1 '/block0/relu/Relu' (Ruel, opset 17): unsupported operator Ruel; supported: Add, ")
        }
    }

    @Test func truncatedFileNamesTheByteOffsetAndField() throws {
        let bytes = Array(try ONNXFixtures.bytes("resnet18").prefix(5_000))
        #expect {
            try ONNXImporter.architectureDocument(bytes: bytes, file: "cut.onnx")
        } throws: { error in
            "\(error)".hasPrefix("cut.onnx: byte ") && "\(error)".contains("ModelProto")
        }
    }

    @Test func contentDecidesBetweenJSONAndONNX() throws {
        #expect(Array("  {\"format\": 1}".utf8).withUnsafeBytes(ONNXImporter.looksLikeONNX) == false)
        #expect(try ONNXFixtures.bytes("ds_cnn").withUnsafeBytes(ONNXImporter.looksLikeONNX))
    }

    @Test func chainOfAThousandNodesImportsAsAThousandLayers() throws {
        let document = try ONNXImporter.architectureDocument(bytes: ONNXSyntheticModels.chain(nodeCount: 1_000), file: "chain.onnx")
        #expect(ONNXFixtures.opCounts(document) == ["linear": 500, "relu": 500])
        #expect(ONNXFixtures.layers(document)[0]["name"] == "block0.fc")
    }
}
