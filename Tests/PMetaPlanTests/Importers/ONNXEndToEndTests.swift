import PMetaPlan
import Testing

/// The imported documents through the decoder and the cost model, the new-operator models (matmul, reshape, silu, ...)
/// included.
@Suite struct ONNXEndToEndTests {
    static func costModel(_ name: String) throws -> CostModel {
        try CostModel(try ShapedGraph(try ArchitectureGraph(json: try ONNXFixtures.document(name))))
    }

    /// conv + linear + matmul forward MACs, the figure fvcore prints (see `PinnedONNXModel`).
    static func productMACs(_ model: CostModel) -> Int {
        zip(model.graph.graph.layers, model.layerCosts).filter { ["conv2d", "conv1d", "linear", "matmul"].contains($0.0.operation.kind.rawValue) }
            .map(\.1.forwardMACs).reduce(0, +)
    }

    /// Models whose imports use only the operators this build already decodes.
    static let oldOperatorModels = PinnedONNXModel.all.filter { ["resnet18", "resnet18_training", "mobilenet_v2", "ds_cnn"].contains($0.name) }
    static let newOperatorModels = PinnedONNXModel.all.filter { !oldOperatorModels.map(\.name).contains($0.name) }

    @Test(arguments: oldOperatorModels)
    func importedMACsEqualFvcore(_ pinned: PinnedONNXModel) throws {
        #expect(Self.productMACs(try Self.costModel(pinned.name)) == pinned.macs)
    }

    @Test(arguments: newOperatorModels)
    func importedMACsEqualFvcoreWithNewOperators(_ pinned: PinnedONNXModel) throws {
        let model = try Self.costModel(pinned.name)
        #expect(Self.productMACs(model) == pinned.macs)
        if pinned.name == "vit_tiny" { #expect(try model.staticMemory(samples: 1).parameterCount == pinned.parameters) }
    }

    @Test func trainingExportParametersEqualPyTorch() throws {
        #expect(try Self.costModel("resnet18_training").staticMemory(samples: 1).parameterCount == 11_689_512)
    }

    @Test func trainingExportCostsEqualTheHandWrittenResNet18() throws {
        let imported = try Self.costModel("resnet18_training")
        let handWritten = try ShippedArchitectures.costModel("resnet18")
        #expect(try imported.staticMemory(samples: 1).parameterCount == handWritten.staticMemory(samples: 1).parameterCount)
        #expect(imported.layerCosts.map(\.forwardMACs) == handWritten.layerCosts.map(\.forwardMACs))
        #expect(imported.layerCosts.map(\.outputElements) == handWritten.layerCosts.map(\.outputElements))
        let workload = Workload(samplesPerStep: 25, microBatch: 1)
        for method in [AdaptationMethod.maml, .anil, .tinyTL] {
            let a = try MethodSummary(method: method, model: imported, workload: workload, innerSteps: 1, profile: .physical)
            let b = try MethodSummary(method: method, model: handWritten, workload: workload, innerSteps: 1, profile: .physical)
            #expect(a.adaptation.peak == b.adaptation.peak, "\(method)")
        }
    }

    /// The ViT export keeps every layer the hand-written file has (no batch norm to fold), so the two descriptions of
    /// one network, one exported by PyTorch and one written by hand, must cost the same under every method.
    @Test func vitExportCostsEqualTheHandWrittenViT() throws {
        let imported = try Self.costModel("vit_tiny")
        let handWritten = try ShippedArchitectures.costModel("vit-tiny")
        #expect(try imported.staticMemory(samples: 1).parameterCount == handWritten.staticMemory(samples: 1).parameterCount)
        let workload = Workload(samplesPerStep: 25, microBatch: 1)
        for method in [AdaptationMethod.maml, .anil, .tinyTL] {
            let a = try MethodSummary(method: method, model: imported, workload: workload, innerSteps: 1, profile: .physical)
            let b = try MethodSummary(method: method, model: handWritten, workload: workload, innerSteps: 1, profile: .physical)
            #expect(a.adaptation.peak == b.adaptation.peak, "\(method)")
            #expect(a.adaptation.macs == b.adaptation.macs, "\(method)")
        }
    }
}
