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

    @Test(arguments: PinnedONNXModel.all)
    func importedMACsEqualFvcore(_ pinned: PinnedONNXModel) throws {
        let model = try Self.costModel(pinned.name)
        #expect(Self.productMACs(model) == pinned.macs)
        // Nothing folded away (no batch norm, or a training-mode export): the model holds what PyTorch counts.
        if pinned.parameterUses == pinned.parameters {
            #expect(try model.staticMemory(samples: 1).parameterCount == pinned.parameters)
        }
    }

    /// An export and the hand-written architecture file of the same network.
    struct HandWrittenPair: Sendable, CustomStringConvertible {
        var fixture: String
        var architecture: String
        var description: String { "\(fixture) = \(architecture).json" }
    }

    /// The exports that keep every layer the hand-written file has: training-mode exports (batch norm kept; stochastic
    /// depth, which stores one number per sample, left out) and the BN-free ViT at opset 17 and at opset 13.
    static let handWrittenPairs = [
        HandWrittenPair(fixture: "resnet18_training", architecture: "resnet18"),
        HandWrittenPair(fixture: "mobilenet_v3_small_training", architecture: "mobilenetv3-small"),
        HandWrittenPair(fixture: "efficientnet_b0_training", architecture: "efficientnet-b0"),
        HandWrittenPair(fixture: "shufflenet_v2_x0_5_training", architecture: "shufflenetv2-x0.5"),
        HandWrittenPair(fixture: "vit_tiny", architecture: "vit-tiny"),
        HandWrittenPair(fixture: "vit_tiny_training", architecture: "vit-tiny"),
        HandWrittenPair(fixture: "vit_tiny_opset13", architecture: "vit-tiny"),
    ]

    /// Two descriptions of one network, one exported by PyTorch and one written by hand, must cost the same under
    /// every method: parameters, the multiset of per-layer forward MACs and outputs, and the adaptation peaks and MACs.
    /// (The input's element bytes differ: float32 in the export, 1-byte samples in the hand-written files; the
    /// workload here fixes them.)
    @Test(arguments: handWrittenPairs)
    func exportCostsEqualTheHandWrittenFile(_ pair: HandWrittenPair) throws {
        let imported = try Self.costModel(pair.fixture)
        let handWritten = try ShippedArchitectures.costModel(pair.architecture)
        #expect(try imported.staticMemory(samples: 1).parameterCount == handWritten.staticMemory(samples: 1).parameterCount)
        #expect(imported.layerCosts.map(\.forwardMACs).sorted() == handWritten.layerCosts.map(\.forwardMACs).sorted())
        #expect(imported.layerCosts.map(\.outputElements).sorted() == handWritten.layerCosts.map(\.outputElements).sorted())
        let workload = Workload(samplesPerStep: 25, microBatch: 1)
        for method in [AdaptationMethod.maml, .anil, .tinyTL] {
            let a = try MethodSummary(method: method, model: imported, workload: workload, innerSteps: 1, profile: .physical)
            let b = try MethodSummary(method: method, model: handWritten, workload: workload, innerSteps: 1, profile: .physical)
            #expect(a.adaptation.peak == b.adaptation.peak, "\(method)")
            #expect(a.adaptation.macs == b.adaptation.macs, "\(method)")
        }
    }
}
