import Foundation
import Testing
@testable import PMetaPlan

/// The `torch-helper` profile against what python/pmeta_torch.py measurably holds in PyTorch.
@Suite struct TorchHelperProfileTests {
    /// One plan applied in PyTorch at batch 1 and the peak of live tensor bytes measured.
    struct Run: Sendable, CustomTestStringConvertible {
        var graph: String
        var plan: String
        var measuredPeak: Int
        init(_ graph: String, _ plan: String, measuredPeak: Int) {
            self.graph = graph
            self.plan = plan
            self.measuredPeak = measuredPeak
        }
        var testDescription: String { plan }
    }

    /// Measured by
    ///     nice -n 19 python3 python/measure_plans.py --pmeta-plan .build/debug/pmeta-plan
    /// (torch 2.15.0 CPU, one thread; output in reports/pytorch-plans/measured.txt): each plan of python/plans/ run once
    /// with pmeta_torch.measure on one random sample, peak over the step's ops of the tensor storages it created.
    static let runs = [
        Run("architectures/resnet18.json", "python/plans/resnet18-pmeta.json", measuredPeak: 8_521_228),
        Run("architectures/resnet18.json", "python/plans/resnet18-bias.json", measuredPeak: 10_838_024),
        Run("architectures/resnet18.json", "python/plans/resnet18-last.json", measuredPeak: 9_865_740),
        Run("architectures/mobilenetv2.json", "python/plans/mobilenetv2-pmeta.json", measuredPeak: 14_006_240),
        Run("architectures/mobilenetv2.json", "python/plans/mobilenetv2-bias.json", measuredPeak: 31_547_968),
        Run("architectures/mobilenetv2.json", "python/plans/mobilenetv2-last.json", measuredPeak: 6_021_120),
        Run("architectures/ds-cnn.json", "python/plans/ds-cnn-pmeta.json", measuredPeak: 237_292),
        Run("architectures/ds-cnn.json", "python/plans/ds-cnn-bias.json", measuredPeak: 394_572),
        Run("architectures/ds-cnn.json", "python/plans/ds-cnn-last.json", measuredPeak: 176_780),
        Run("Tests/PMetaPlanTests/Fixtures/ONNX/resnet18_training.onnx", "python/plans/resnet18_training-onnx-pmeta.json", measuredPeak: 8_521_228),
        Run("Tests/PMetaPlanTests/Fixtures/ONNX/resnet18_training.onnx", "python/plans/resnet18_training-onnx-bias.json", measuredPeak: 10_838_024),
        Run("Tests/PMetaPlanTests/Fixtures/ONNX/resnet18_training.onnx", "python/plans/resnet18_training-onnx-last.json", measuredPeak: 9_865_740),
        Run("Tests/PMetaPlanTests/Fixtures/ONNX/mobilenet_v2.onnx", "python/plans/mobilenet_v2-onnx-pmeta.json", measuredPeak: 8_986_760),
        Run("Tests/PMetaPlanTests/Fixtures/ONNX/mobilenet_v2.onnx", "python/plans/mobilenet_v2-onnx-bias.json", measuredPeak: 8_028_556),
        Run("Tests/PMetaPlanTests/Fixtures/ONNX/mobilenet_v2.onnx", "python/plans/mobilenet_v2-onnx-last.json", measuredPeak: 6_021_120),
        Run("Tests/PMetaPlanTests/Fixtures/ONNX/ds_cnn.onnx", "python/plans/ds_cnn-onnx-pmeta.json", measuredPeak: 148_652),
        Run("Tests/PMetaPlanTests/Fixtures/ONNX/ds_cnn.onnx", "python/plans/ds_cnn-onnx-bias.json", measuredPeak: 128_268),
        Run("Tests/PMetaPlanTests/Fixtures/ONNX/ds_cnn.onnx", "python/plans/ds_cnn-onnx-last.json", measuredPeak: 200_652),
    ]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func graph(_ path: String) throws -> ShapedGraph {
        let bytes = Array(try Data(contentsOf: root.appendingPathComponent(path)))
        if path.hasSuffix(".onnx") {
            return try ShapedGraph(try ArchitectureGraph(json: try ONNXImporter.architectureDocument(bytes: bytes, file: path)))
        }
        return try ShapedGraph(jsonBytes: bytes, file: path)
    }

    /// The issue's target: measured within [0.95, 1.05] x predicted (0.990 to 1.001 today; ResNet-18's p-Meta plan was
    /// 0.954 before the cost model stored a residual block's input once, as PyTorch does).
    @Test(arguments: runs)
    func theMeasuredPeakIsWithinFivePercentOfThePrediction(_ run: Run) throws {
        let graph = try Self.graph(run.graph)
        let planText = try String(contentsOf: Self.root.appendingPathComponent(run.plan), encoding: .utf8)
        let plan = try UpdatePlan(json: try JSONParser.parse(planText), for: graph)
        let cost = try CostModel(graph).adaptation(of: plan, workload: Workload(samplesPerStep: 1, microBatch: 1), profile: .torchHelper)
        let ratio = Double(run.measuredPeak) / Double(cost.peak.bytes)
        #expect(ratio >= 0.95 && ratio <= 1.05, "measured \(run.measuredPeak) B, predicted \(cost.peak.bytes) B: \(ratio)")
    }

    @Test func masksAreBytesAndPoolIndicesInt64() throws {
        // CostModelHandCountTests' network (conv 3x3 -> ReLU -> max pool 2x2 -> flatten -> fc), MAML on micro-batches
        // of 2 of 4 samples. Stored for the micro-batch: ReLU mask 2 x 48 elements x 1 B = 96, pool indices
        // 2 x 12 outputs x 8 B = 192, fc input 2 x 12 x 4 = 96 and output 2 x 2 x 4 = 16 (the physical profile: 12, 6,
        // 112). Gradient buffers (weights + biases) (57 + 26) x 4 = 332. The peak is the pool: 96 + 192 + its input and
        // output 2 x (48 + 12) x 4 = 480, + 332 = 1,100.
        let model = try CostModel(try ShapedGraph(jsonBytes: Array(CostModelHandCountTests.json.utf8)))
        let cost = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: Workload(samplesPerStep: 4, microBatch: 2),
                                        profile: .torchHelper)
        #expect(cost.steps[0].storedBytes == [0, 96, 192, 0, 112])
        #expect(cost.peak == ByteCount(1_100))
        #expect(cost.steps[0].peak.layer == 2)
    }

    @Test func batchNormKeepsOneInverseStdPerChannelForTheMicroBatch() throws {
        // conv 3x3 to 4 channels on [3, 4, 4], batch norm, ReLU, fc; the head and the batch norm updated, micro-batches
        // of 4. The batch norm keeps x-hat, 4 samples x 64 elements x 4 B = 1,024 B, and 1/std: per channel once,
        // 4 x 4 B = 16 B (the physical profile counts one per sample and channel, 4 x 4 x 4 B = 64 B).
        let json = #"""
        {"format": 1, "name": "bn", "input": {"shape": [3, 4, 4], "element_bytes": 4}, "layers": [
          {"op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1}, {"name": "bn", "op": "batch_norm"},
          {"op": "relu"}, {"op": "flatten"}, {"name": "head", "op": "linear", "out_features": 2}]}
        """#
        let model = try CostModel(try ShapedGraph(jsonBytes: Array(json.utf8)))
        let plan = UpdatePlan(steps: [StepUpdates(layers: [.frozen, .full, .frozen, .frozen, .full])])
        let workload = Workload(samplesPerStep: 4, microBatch: 4)
        #expect(try model.adaptation(of: plan, workload: workload, profile: .torchHelper).steps[0].storedBytes[1] == 1_024 + 16)
        #expect(try model.adaptation(of: plan, workload: workload, profile: .physical).steps[0].storedBytes[1] == 1_024 + 64)
    }

    @Test func theProfileIsNamedOnTheCommandLine() {
        #expect(CountingProfile.named("torch-helper") == .torchHelper)
        var physical = CountingProfile.physical
        physical.name = "torch-helper"
        physical.activationMaskBits = 8
        physical.fixedPoolIndexBits = 64
        physical.keepsBatchNormStatisticsOncePerMicroBatch = true
        #expect(physical == .torchHelper, "physical's memory over time; only what three tensors take differs")
    }
}
