import PMetaPlan
@testable import PMetaTrainer
import Testing

/// Issue 16: plans with meta attention hold the promise of `MeasuredMemoryTests` too. The trainer adapts with
/// meta attention modules, the cost model predicts the plan attended with the same rho_fw and rho_bw
/// (`UpdatePlan.attending(with:on:)`), and the measured peak is never above the prediction and, with near-uniform
/// scores (the modules as initialized, which keep the most channels the clip allows), at most 5% below it.
@Suite struct AttendedMeasuredMemoryTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let network: String
        let plan: String
        let samples: Int
        let microBatch: Int
        let forward: Int
        let backward: Int
        var scale: Float = 1
        var testDescription: String { "\(network) \(plan) S=\(samples) B=\(microBatch) rho=\(forward)/10,\(backward)/10 x\(scale)" }
    }

    static let cases: [Case] = ["maml", "last-conv-half-input", "two-steps"].flatMap { plan in
        [Case(network: "4Conv-small", plan: plan, samples: 5, microBatch: 1, forward: 3, backward: 0),
         Case(network: "4Conv-small", plan: plan, samples: 4, microBatch: 2, forward: 3, backward: 0),
         Case(network: "4Conv-small", plan: plan, samples: 3, microBatch: 3, forward: 5, backward: 2),
         Case(network: "MLP sinusoid", plan: plan, samples: 10, microBatch: 10, forward: 3, backward: 0),
         Case(network: "MLP sinusoid", plan: plan, samples: 10, microBatch: 1, forward: 1, backward: 3),
         // Peaked scores (module weights x 30): the clip keeps fewer channels than the most the budget must hold, so
         // only "never below" is promised.
         Case(network: "4Conv-small", plan: plan, samples: 4, microBatch: 2, forward: 3, backward: 2, scale: 30),
         Case(network: "MLP sinusoid", plan: plan, samples: 10, microBatch: 10, forward: 3, backward: 0, scale: 30)]
    }

    @Test(arguments: cases)
    func anAttendedPlanIsNeverBelowAndAtMostFivePercentAboveTheMeasuredPeak(_ testCase: Case) throws {
        let network = try MeasuredMemoryTests.network(testCase.network)
        let plan = MeasuredMemoryTests.plan(testCase.plan, for: network)
        var generator = SplitMix64(seed: 61)
        var parameters = network.initialParameters(using: &generator)
        var attention = MetaAttention(network: network, forwardClipRatio: Float(testCase.forward) / 10,
                                      backwardClipRatio: Float(testCase.backward) / 10, using: &generator)
        attention.modules = NetworkParameters(layers: attention.modules.layers.map { $0.map { $0.map { $0 * testCase.scale } } })
        let support = MeasuredMemoryTests.support(for: network, samples: testCase.samples)
        var steps: [AdaptationStepReport] = []
        for step in plan.steps {
            steps.append(network.adaptationStep(&parameters, updates: step, stepSizes: Array(repeating: 0.01, count: network.layerCount),
                                                support: support, microBatchSize: testCase.microBatch, attention: attention))
        }
        let ratios = MetaAttentionRatios(forward: ChannelRatio(testCase.forward, 10), backward: ChannelRatio(testCase.backward, 10))
        let attended = plan.attending(with: ratios, on: network.graph)
        #expect(attended.usesAttention)
        let cost = try CostModel(network.graph).adaptation(
            of: attended, workload: Workload(samplesPerStep: testCase.samples, microBatch: testCase.microBatch), profile: .physical)
        let comparison = MemoryComparison(measured: AdaptationReport(steps: steps), predicted: cost)
        MeasuredMemoryTests.expectPromise(comparison.steps.filter { $0.measuredPeakBytes > 0 }, label: "attended memory \(testCase.testDescription)",
                                          isTight: testCase.scale == 1)
    }
}
