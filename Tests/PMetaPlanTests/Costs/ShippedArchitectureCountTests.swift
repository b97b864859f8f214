import Testing
@testable import PMetaPlan

/// The issue-11 architectures against PyTorch's counts of the same networks.
///
/// Every figure was printed by `python3 scripts/count_torchvision.py` (torch 2.15.0, torchvision 0.29.2,
/// fvcore 0.1.5; batch 1, eval mode): parameters are `sum(p.numel() for p in model.parameters())` of
/// torchvision's model (weights=None) or of the plain-torch DS-CNN / ViT in that script, and MACs are
/// fvcore's FlopCountAnalysis restricted to conv, linear, addmm, matmul and bmm (one multiply-accumulate
/// per "flop"), equal to a forward-hook count printed beside it.
@Suite struct ShippedArchitectureCountTests {
    /// One shipped file and PyTorch's figures for it.
    struct PyTorchCount: Sendable, CustomTestStringConvertible {
        let file: String
        let parameters: Int
        let convLinearMatmulMACs: Int
        var testDescription: String { file }
    }

    static let counts: [PyTorchCount] = [
        PyTorchCount(file: "mobilenetv3-small", parameters: 2_542_856, convLinearMatmulMACs: 56_510_400),
        PyTorchCount(file: "efficientnet-b0", parameters: 5_288_548, convLinearMatmulMACs: 385_814_752),
        PyTorchCount(file: "shufflenetv2-x0.5", parameters: 1_366_792, convLinearMatmulMACs: 40_476_448),
        PyTorchCount(file: "ds-cnn", parameters: 23_756, convLinearMatmulMACs: 2_656_768),
        PyTorchCount(file: "vit-tiny", parameters: 1_212_490, convLinearMatmulMACs: 83_758_464),
        PyTorchCount(file: "mobilenetv3-small-32", parameters: 1_528_106, convLinearMatmulMACs: 2_169_792),
        PyTorchCount(file: "vit-tiny-small", parameters: 41_722, convLinearMatmulMACs: 719_520),
    ]

    @Test(arguments: counts)
    func parametersEqualPyTorchs(_ count: PyTorchCount) throws {
        let model = try ShippedArchitectures.costModel(count.file)
        #expect(try model.staticMemory(samples: 1).parameterCount == count.parameters)
    }

    @Test(arguments: counts)
    func convLinearAndMatmulMACsEqualFvcores(_ count: PyTorchCount) throws {
        let model = try ShippedArchitectures.costModel(count.file)
        let counted = zip(model.graph.layers, model.layerCosts)
            .filter { [.conv2d, .conv1d, .linear, .matmul].contains($0.0.operation.kind) }
            .reduce(0) { $0 + $1.1.forwardMACs }
        #expect(counted == count.convLinearMatmulMACs)
    }
}
