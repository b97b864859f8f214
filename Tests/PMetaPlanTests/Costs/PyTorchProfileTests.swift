import Foundation
import Testing
@testable import PMetaPlan

/// The `pytorch` profile against what stock PyTorch 2.15 autograd holds in one standard step
/// (docs/pytorch-memory.md): the measured live-tensor peaks and saved bytes, pinned, and a hand count.
@Suite struct PyTorchProfileTests {
    /// How the measurement froze the network (python/measure_pytorch_memory.py's `--update`).
    enum Update: String, Sendable {
        /// Every parameter.
        case full
        /// Every parameter of the last layer with parameters (the head): ANIL.
        case last
        /// Every tensor named `bias` (conv/linear biases, normalization betas): TinyTL.
        case bias

        var method: AdaptationMethod {
            switch self {
            case .full: .full
            case .last: .anil
            case .bias: .tinyTL
            }
        }
    }

    /// One measured step: `batch` samples in one pass, SGD without momentum, cross-entropy.
    struct Run: Sendable, CustomTestStringConvertible {
        var architecture: String
        var update: Update
        var batch: Int
        /// The peak of live tensor bytes over the step's ops (parameters, the input batch and labels excluded).
        var measuredPeak: Int
        /// autograd's saved activation bytes, deduplicated by storage (the input batch excluded).
        var measuredSaved: Int
        init(_ architecture: String, _ update: Update, batch: Int, peak: Int, saved: Int) {
            self.architecture = architecture
            self.update = update
            self.batch = batch
            measuredPeak = peak
            measuredSaved = saved
        }
        var testDescription: String { "\(architecture) \(update.rawValue) batch \(batch)" }
    }

    /// Measured by (torch 2.15.0 CPU, one thread; reports/pytorch-memory/run-all.txt, `peak_live_bytes` and
    /// `saved_activation_bytes` of each JSON line; the per-layer timelines in reports/pytorch-memory/timeline.txt)
    ///     python3 python/measure_pytorch_memory.py architectures/4conv.json architectures/resnet12.json \
    ///       architectures/resnet18.json architectures/mobilenetv2.json architectures/mcunet-style.json \
    ///       architectures/mlp-sinusoid.json architectures/mobilenetv3-small.json architectures/efficientnet-b0.json \
    ///       architectures/ds-cnn.json architectures/vit-tiny.json --update full --update last --update bias --batch 1 --batch 8
    /// (the MLP's runs are left out: its loss is MSE, not the cross-entropy the profile counts; docs/cost-model.md).
    static let runs = [
        Run("4conv", .full, batch: 1, peak: 3_740_528, saved: 3_291_416),
        Run("4conv", .full, batch: 8, peak: 29_029_820, saved: 26_331_300),
        Run("4conv", .last, batch: 1, peak: 1_806_400, saved: 3_224),
        Run("4conv", .last, batch: 8, peak: 14_451_200, saved: 25_764),
        Run("4conv", .bias, batch: 1, peak: 3_613_552, saved: 3_288_216),
        Run("4conv", .bias, batch: 8, peak: 28_902_844, saved: 26_305_700),
        Run("resnet12", .full, batch: 1, peak: 60_611_184, saved: 36_103_704),
        Run("resnet12", .full, batch: 8, peak: 300_040_892, saved: 288_829_604),
        Run("resnet12", .last, batch: 1, peak: 5_419_072, saved: 2_072),
        Run("resnet12", .last, batch: 8, peak: 43_352_576, saved: 16_548),
        Run("resnet12", .bias, batch: 1, peak: 36_357_680, saved: 36_101_656),
        Run("resnet12", .bias, batch: 8, peak: 290_861_244, saved: 288_813_220),
        Run("resnet18", .full, batch: 1, peak: 64_107_848, saved: 21_620_132),
        Run("resnet18", .full, batch: 8, peak: 205_873_832, saved: 172_692_228),
        Run("resnet18", .last, batch: 1, peak: 6_423_040, saved: 6_052),
        Run("resnet18", .last, batch: 8, peak: 51_380_736, saved: 48_388),
        Run("resnet18", .bias, batch: 1, peak: 21_822_792, saved: 21_618_084),
        Run("resnet18", .bias, batch: 8, peak: 174_285_480, saved: 172_675_844),
        Run("mobilenetv2", .full, batch: 1, peak: 85_495_880, saved: 77_742_756),
        Run("mobilenetv2", .full, batch: 8, peak: 630_084_008, saved: 620_986_884),
        Run("mobilenetv2", .last, batch: 1, peak: 9_634_560, saved: 9_124),
        Run("mobilenetv2", .last, batch: 8, peak: 77_071_104, saved: 72_964),
        Run("mobilenetv2", .bias, batch: 1, peak: 78_243_400, saved: 77_737_636),
        Run("mobilenetv2", .bias, batch: 8, peak: 624_964_008, saved: 620_945_924),
        Run("mcunet-style", .full, batch: 1, peak: 10_846_136, saved: 9_924_492),
        Run("mcunet-style", .full, batch: 8, peak: 80_061_808, saved: 79_395_908),
        Run("mcunet-style", .last, batch: 1, peak: 1_048_608, saved: 684),
        Run("mcunet-style", .last, batch: 8, peak: 8_388_864, saved: 5_444),
        Run("mcunet-style", .bias, batch: 1, peak: 9_961_368, saved: 9_923_852),
        Run("mcunet-style", .bias, batch: 8, peak: 79_686_128, saved: 79_390_788),
        Run("mobilenetv3-small", .full, batch: 1, peak: 23_369_576, saved: 15_620_164),
        Run("mobilenetv3-small", .full, batch: 8, peak: 132_775_144, saved: 124_622_148),
        Run("mobilenetv3-small", .last, batch: 1, peak: 4_112_104, saved: 8_100),
        Run("mobilenetv3-small", .last, batch: 8, peak: 14_451_264, saved: 64_772),
        Run("mobilenetv3-small", .bias, batch: 1, peak: 15_839_464, saved: 15_613_764),
        Run("mobilenetv3-small", .bias, batch: 8, peak: 126_319_848, saved: 124_570_948),
        Run("efficientnet-b0", .full, batch: 1, peak: 97_990_056, saved: 87_763_972),
        Run("efficientnet-b0", .full, batch: 8, peak: 709_991_464, saved: 700_935_300),
        Run("efficientnet-b0", .last, batch: 1, peak: 9_634_560, saved: 9_124),
        Run("efficientnet-b0", .last, batch: 8, peak: 77_071_104, saved: 72_964),
        Run("efficientnet-b0", .bias, batch: 1, peak: 88_259_496, saved: 87_758_852),
        Run("efficientnet-b0", .bias, batch: 8, peak: 704_871_464, saved: 700_894_340),
        Run("ds-cnn", .full, batch: 1, peak: 647_784, saved: 580_916),
        Run("ds-cnn", .full, batch: 8, peak: 5_128_120, saved: 4_615_044),
        Run("ds-cnn", .last, batch: 1, peak: 64_512, saved: 308),
        Run("ds-cnn", .last, batch: 8, peak: 512_512, saved: 2_436),
        Run("ds-cnn", .bias, batch: 1, peak: 644_712, saved: 580_660),
        Run("ds-cnn", .bias, batch: 8, peak: 5_125_048, saved: 4_612_996),
        Run("vit-tiny", .full, batch: 1, peak: 5_060_192, saved: 2_703_524),
        Run("vit-tiny", .full, batch: 8, peak: 22_328_304, saved: 21_628_164),
        Run("vit-tiny", .last, batch: 1, peak: 250_380, saved: 49_964),
        Run("vit-tiny", .last, batch: 8, peak: 2_801_760, saved: 399_684),
        Run("vit-tiny", .bias, batch: 1, peak: 1_855_944, saved: 1_655_204),
        Run("vit-tiny", .bias, batch: 8, peak: 14_836_464, saved: 13_241_604),
    ]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func model(_ path: String) throws -> CostModel {
        try CostModel(try ShapedGraph(jsonBytes: Array(try Data(contentsOf: root.appendingPathComponent(path)))))
    }

    static func step(_ run: Run) throws -> (model: CostModel, cost: AdaptationCost) {
        let model = try model("architectures/\(run.architecture).json")
        let cost = try model.adaptation(of: run.update.method.plan(for: model.graph),
                                        workload: Workload(samplesPerStep: run.batch, microBatch: run.batch), profile: .pytorch)
        return (model, cost)
    }

    /// The issue's target: predicted within [1.00, 1.05] x measured. With PRINT_PYTORCH_PROFILE_TABLE=1 each run
    /// prints its row of docs/pytorch-memory.md's table:
    ///     PRINT_PYTORCH_PROFILE_TABLE=1 swift test --filter PyTorchProfileTests/thePredictedPeakIsAtMostFivePercentAboveTheMeasured
    @Test(arguments: runs)
    func thePredictedPeakIsAtMostFivePercentAboveTheMeasured(_ run: Run) throws {
        let (model, cost) = try Self.step(run)
        let ratio = Double(cost.peak.bytes) / Double(run.measuredPeak)
        #expect(ratio >= 1 && ratio <= 1.05, "predicted \(cost.peak.bytes) B, measured \(run.measuredPeak) B: \(ratio)")
        if ProcessInfo.processInfo.environment["PRINT_PYTORCH_PROFILE_TABLE"] != nil {
            let layer = model.graph.layers[cost.peakStep.peak.layer].name
            print("| \(run.architecture) | \(run.update.rawValue) | \(run.batch) | \(Self.grouped(run.measuredPeak)) | \(Self.grouped(cost.peak.bytes)) | "
                  + "\(String(format: "%.4f", ratio)) | \(layer) |")
        }
    }

    /// What the profile stores is what autograd saves, plus the network output, which the caller holds (the
    /// measurement counts it apart, as not saved): every byte, on every run.
    @Test(arguments: runs)
    func theStoredBytesAreWhatAutogradSavesAndTheOutput(_ run: Run) throws {
        let (model, cost) = try Self.step(run)
        let output = run.batch * model.graph.outputShapes.last!.elementCount * 4
        #expect(cost.steps[0].storedBytes.reduce(0, +) == run.measuredSaved + output)
    }

    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var text = ""
        for (position, digit) in digits.enumerated() {
            if position > 0 && (digits.count - position) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }

    /// The network of Fixtures/PyTorch: conv 1->2 3x3 (bias) on [1, 4, 4] -> batch norm -> ReLU -> max pool 2 ->
    /// flatten -> linear 8->2, TinyTL (bias only) at batch 2, counted by hand. Each activation [2, 2, 4, 4] is
    /// 256 B, the pooled [2, 2, 2, 2] 64 B, the logits 16 B. Stored: the conv keeps x_0 (the input batch, not
    /// counted); batch norm its input 256 + mean and 1/std of 2 channels 16 = 272; ReLU its output 256; the pool
    /// its input (ReLU's output, held once) + int64 indices 2 x 8 x 8 = 128; the linear layer, whose weight is
    /// frozen, nothing but the logits 16, log_softmax's copy 16 and nll_loss's total weight 4 = 36.
    /// Forward: conv 256 (its output); bn 272 + its output 256 = 528; relu 528 + 256 (its input) = 784;
    /// pool 656 + its output 64 = 720; flatten 720 (a view); fc 692 + its input 64 = 756.
    /// Backward (g(y) and a new g(x) at each layer; the caller's logits, loss and seed 24 below the head; `.grad` of
    /// the biases from their layer's backward pass on): fc 692 + g(x) 64 + g(y) 16 + loss and seed 8 + its bias
    /// gradient 8 = 788 - the loss's copies 20 = 768; flatten 656 + 64 + 24 + 8 = 752; pool 656 + 256 + 64 + 24 + 8
    /// = 1,008; relu 528 + 256 + 256 + 24 + 8 = 1,072 (the peak); bn 272 + 512 + 24 + 16 = 824; conv (no g(x):
    /// x_0 needs none) 256 + its dropped weight gradient 18 x 4 = 72 + 24 + 24 = 376.
    /// Measured (reports/pytorch-memory/small-network.txt) by
    ///     nice -n 19 python3 python/measure_pytorch_memory.py Tests/PMetaPlanTests/Fixtures/PyTorch/conv-bn-relu-pool-fc.json \
    ///       --update full --update last --update bias --batch 2 --timeline --layers
    /// every backward event above and the forward ones but the head's (736: the loss's copies come after it).
    @Test func aSmallNetworkCountedByHand() throws {
        let model = try Self.model("Tests/PMetaPlanTests/Fixtures/PyTorch/conv-bn-relu-pool-fc.json")
        let workload = Workload(samplesPerStep: 2, microBatch: 2)
        let bias = try model.adaptation(of: AdaptationMethod.tinyTL.plan(for: model.graph), workload: workload, profile: .pytorch)
        #expect(bias.steps[0].storedBytes == [0, 272, 256, 128, 0, 36])
        #expect(bias.steps[0].timeline.map(\.liveBytes.bytes) == [256, 528, 784, 720, 720, 756, 768, 752, 1_008, 1_072, 824, 376])
        #expect(bias.peak == ByteCount(1_072))
        // The same network measured under every parameter and under the head alone: 1,136 B and 528 B.
        let full = try model.adaptation(of: AdaptationMethod.full.plan(for: model.graph), workload: workload, profile: .pytorch)
        let last = try model.adaptation(of: AdaptationMethod.anil.plan(for: model.graph), workload: workload, profile: .pytorch)
        #expect(full.peak == ByteCount(1_136))
        #expect(last.peak == ByteCount(528))
    }

    /// Stock PyTorch freezes whole tensors only: an update of half a layer's input channels runs as the whole
    /// layer's, so it costs what the whole layer's update costs.
    @Test func aChannelRatioBelowOneCostsTheWholeLayer() throws {
        let model = try Self.model("architectures/4conv.json")
        let head = model.graph.layers.count - 1
        var half = [LayerUpdate](repeating: .frozen, count: model.graph.layers.count)
        half[head] = LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2))
        var whole = half
        whole[head] = .full
        let workload = Workload(samplesPerStep: 1, microBatch: 1)
        let halfCost = try model.adaptation(of: UpdatePlan(steps: [StepUpdates(layers: half)]), workload: workload, profile: .pytorch)
        let wholeCost = try model.adaptation(of: UpdatePlan(steps: [StepUpdates(layers: whole)]), workload: workload, profile: .pytorch)
        #expect(halfCost.peak == wholeCost.peak)
        #expect(halfCost.steps[0].gradientBufferBytesPerLayer == wholeCost.steps[0].gradientBufferBytesPerLayer)
        let physical = try model.adaptation(of: UpdatePlan(steps: [StepUpdates(layers: half)]), workload: workload, profile: .physical)
        #expect(physical.steps[0].gradientBufferBytesPerLayer[head] < wholeCost.steps[0].gradientBufferBytesPerLayer[head])
    }

    @Test func theProfileIsNamedOnTheCommandLine() {
        #expect(CountingProfile.named("pytorch") == .pytorch)
        #expect(CountingProfile.all.contains(.pytorch))
    }
}
