import PMetaPlan
@testable import PMetaTrainer
import Testing

/// The memory an adaptation step really holds against the physical cost model's prediction for the same plan:
/// never below, at most 5% above, for every plan of the small networks.
@Suite struct MeasuredMemoryTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let network: String
        let samples: Int
        let microBatch: Int
        let plan: String
        var testDescription: String { "\(network) S=\(samples) B=\(microBatch) \(plan)" }
    }

    static let plans = ["maml", "anil", "boil", "tinytl", "last-conv-half-input", "middle-conv-half-both", "two-steps", "first-layer-half"]
    static let cases: [Case] =
        plans.flatMap { plan in [Case(network: "4Conv-small", samples: 5, microBatch: 1, plan: plan),
                                 Case(network: "4Conv-small", samples: 4, microBatch: 2, plan: plan),
                                 Case(network: "4Conv-small", samples: 3, microBatch: 3, plan: plan),
                                 Case(network: "MLP sinusoid", samples: 10, microBatch: 10, plan: plan),
                                 Case(network: "MLP sinusoid", samples: 10, microBatch: 1, plan: plan)] }

    /// The issue-11 networks: the shipped small MobileNetV3 and ViT, and the tiny operator networks.
    static let operatorPlans = ["maml", "anil", "tinytl", "last-conv-half-input", "middle-conv-half-both"]
    static let operatorCases: [Case] =
        operatorPlans.flatMap { plan in [Case(network: "mobilenetv3-small-32", samples: 2, microBatch: 1, plan: plan),
                                         Case(network: "vit-tiny-small", samples: 3, microBatch: 1, plan: plan),
                                         Case(network: "vit-tiny-small", samples: 4, microBatch: 2, plan: plan),
                                         Case(network: "se", samples: 3, microBatch: 3, plan: plan),
                                         Case(network: "attention", samples: 2, microBatch: 2, plan: plan)] }

    static func network(_ name: String) throws -> Network {
        switch name {
        case "MLP sinusoid": return try TestNetworks.network(TestNetworks.sinusoidMLP)
        case "4Conv-small": return try TestNetworks.network(TestNetworks.fourConvSmall)
        case "se": return try TestNetworks.network(OperatorNetworks.squeezeExcite)
        case "attention": return try TestNetworks.network(OperatorNetworks.attention)
        default: return try TestNetworks.shipped(name)
        }
    }

    /// The named plan: the paper's methods, and sparse plans like those p-Meta learns.
    static func plan(_ name: String, for network: Network) -> UpdatePlan {
        let graph = network.graph
        let weightLayers = network.operations.indices.filter { network.operations[$0].isWeightLayer }
        let head = weightLayers.last!
        func single(_ updates: [Int: LayerUpdate]) -> StepUpdates {
            var layers = [LayerUpdate](repeating: .frozen, count: network.layerCount)
            for (layer, update) in updates { layers[layer] = update }
            return StepUpdates(layers: layers)
        }
        switch name {
        case "maml": return AdaptationMethod.maml.plan(for: graph)
        case "anil": return AdaptationMethod.anil.plan(for: graph)
        case "boil": return AdaptationMethod.boil.plan(for: graph)
        case "tinytl": return AdaptationMethod.tinyTL.plan(for: graph)
        case "last-conv-half-input":
            let last = weightLayers[weightLayers.count - 2]
            return UpdatePlan(steps: [single([last: LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2)), head: .full])])
        case "middle-conv-half-both":
            let middle = weightLayers[weightLayers.count / 2]
            return UpdatePlan(steps: [single([middle: LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2),
                                                                  outputChannelRatio: ChannelRatio(1, 2)),
                                              middle + 1: LayerUpdate(parameters: .biasOnly), head: .full])])
        case "two-steps":
            return UpdatePlan(steps: [AdaptationMethod.maml.plan(for: graph).steps[0], single([head: .full])])
        case "first-layer-half":
            return UpdatePlan(steps: [single([0: LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2)),
                                              head: LayerUpdate(parameters: .all, outputChannelRatio: ChannelRatio(1, 2))])])
        default: preconditionFailure("unknown plan \(name)")
        }
    }

    static func support(for network: Network, samples: Int) -> Batch {
        var generator = SplitMix64(seed: 41)
        if network.graph.graph.name == "MLP sinusoid" {
            return Batch(inputs: Tensor(randomUniform: [samples, 1], in: -5...5, using: &generator),
                         targets: .values(Tensor(randomNormal: [samples, 1], using: &generator)))
        }
        return TestNetworks.classificationBatch(for: network, samples: samples, seed: 43)
    }

    @Test(arguments: cases + operatorCases)
    func predictionIsNeverBelowAndAtMostFivePercentAboveTheMeasuredPeak(_ testCase: Case) throws {
        let network = try Self.network(testCase.network)
        let plan = Self.plan(testCase.plan, for: network)
        var generator = SplitMix64(seed: 47)
        var parameters = network.initialParameters(using: &generator)
        let stepSizes = Array(repeating: Array(repeating: Float(0.01), count: network.layerCount), count: plan.innerStepCount)
        let report = network.adapt(&parameters, plan: plan, stepSizes: stepSizes, support: Self.support(for: network, samples: testCase.samples),
                                   microBatchSize: testCase.microBatch)
        let cost = try CostModel(network.graph).adaptation(
            of: plan, workload: Workload(samplesPerStep: testCase.samples, microBatch: testCase.microBatch), profile: .physical)
        let comparison = MemoryComparison(measured: report, predicted: cost)
        #expect(comparison.measuredPeakBytes > 0)
        Self.expectPromise(comparison.steps, label: "memory \(testCase.testDescription)")
    }

    /// The promise, step by step: predicted never below measured and, when `isTight`, at most 5% above; each step's
    /// figures printed after `label`.
    static func expectPromise(_ steps: [MemoryComparison.Step], label: String, isTight: Bool = true,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        for step in steps {
            print("\(label) step \(step.index): measured \(step.measuredPeakBytes) B, predicted \(step.predictedPeakBytes) B")
            #expect(step.predictedPeakBytes >= step.measuredPeakBytes, "step \(step.index): predicted below measured", sourceLocation: sourceLocation)
            if isTight {
                #expect(Double(step.predictedPeakBytes) <= 1.05 * Double(step.measuredPeakBytes), "step \(step.index): more than 5% above",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test func aFrozenPrefixHoldsNothingForTheBackwardPass() throws {
        // Update only the last conv and the head: below block4.conv nothing is stored, masked or back-propagated.
        let network = try Self.network("4Conv-small")
        let plan = Self.plan("last-conv-half-input", for: network)
        var generator = SplitMix64(seed: 53)
        var parameters = network.initialParameters(using: &generator)
        let report = network.adapt(&parameters, plan: plan, stepSizes: [Array(repeating: 0.01, count: network.layerCount)],
                                   support: Self.support(for: network, samples: 2), microBatchSize: 1)
        let meter = report.steps[0].meter
        let lastConv = 12
        // Two micro-batches, each back-propagated from the head down to block4.conv.
        let backward = Array((lastConv...17).reversed())
        #expect(meter.spans.filter { $0.phase == .backward }.map(\.layer) == backward + backward)
        #expect(meter.spans.allSatisfy { $0.phase != .backward || $0.layer >= lastConv })
        // Hand count of the peak: block1.relu's 8 x 16 x 16 x 4 = 8,192 B output and block1.pool's 8 x 8 x 8 x 4
        // = 2,048 B output alive together, plus the accumulated buffers: block4.conv 8 x 4 x 9 + 8 = 296 and
        // the head 5 x 8 + 5 = 45 floats, (296 + 45) x 4 = 1,364 B.
        #expect(meter.peakBytes == 8_192 + 2_048 + 1_364)
        #expect(Set(meter.buffersAtPeak.map(\.kind)) == [.activation, .weightGradient])
    }

    @Test func theSameStepWithTheSameSeedUpdatesTheWeightsTheSameWayAsTheDenseGradient() throws {
        // One micro-batch (applied layer by layer) and five (accumulated) give the SGD step of the dense gradient.
        let network = try Self.network("4Conv-small")
        var generator = SplitMix64(seed: 59)
        let initial = network.initialParameters(using: &generator)
        let support = Self.support(for: network, samples: 5)
        let gradients = network.gradients(for: support, parameters: initial, scope: .everything(of: network)).gradients
        var expected = initial
        for layer in 0..<network.layerCount { gradients[layer]?.apply(to: &expected.layers[layer], scaledBy: -0.1) }
        for microBatch in [5, 1] {
            var adapted = initial
            _ = network.adaptationStep(&adapted, updates: AdaptationMethod.maml.plan(for: network.graph).steps[0],
                                       stepSizes: Array(repeating: 0.1, count: network.layerCount), support: support, microBatchSize: microBatch)
            for layer in 0..<network.layerCount {
                for (tensor, reference) in zip(adapted.layers[layer], expected.layers[layer]) {
                    #expect(tensor.maximumAbsoluteDifference(from: reference) < 1e-5, "layer \(layer), micro-batch \(microBatch)")
                }
            }
        }
    }
}
