import PMetaPlan
@testable import PMetaTrainer
import Testing

@Suite struct MetaLearnerTests {
    static func tinySetup(method: MetaLearningMethod, innerSteps: Int) throws -> (MetaLearner, FewShotTask) {
        let network = try TestNetworks.network(TestNetworks.twoConvTiny)
        let family = PrototypeImageTasks(height: 6, width: 6, ways: 3, shots: 2, queriesPerClass: 2,
                                         trainingClasses: 5, validationClasses: 3, testClasses: 3)
        var generator = SplitMix64(seed: 61)
        let configuration = MetaTrainingConfiguration(method: method, innerSteps: innerSteps, innerStepSize: 0.3,
                                                      kernels: .scratchFree)
        let learner = MetaLearner(network: network, configuration: configuration, using: &generator)
        return (learner, family.task(from: .training, using: &generator))
    }

    /// With one inner step the first-order step-size gradient is exact: ℓ(w − α_l g_l; Q) depends on α_l only
    /// through the step, and g does not depend on α.
    @Test func stepSizeGradientsMatchFiniteDifferencesForOneInnerStep() throws {
        let (learner, task) = try Self.tinySetup(method: .mamlPlusPlus, innerSteps: 1)
        let analytic = learner.metaGradients(for: task).stepSizes[0]
        let step: Float = 1e-3
        for layer in 0..<learner.network.layerCount where !learner.network.operations[layer].parameterShapes.isEmpty {
            func loss(_ delta: Float) -> Double {
                var sizes = learner.stepSizes
                sizes[0][layer] += delta
                let probe = MetaLearner(network: learner.network, configuration: learner.configuration,
                                        parameters: learner.parameters, stepSizes: sizes)
                return probe.metaGradients(for: task).loss
            }
            let numeric = (loss(step) - loss(-step)) / Double(2 * step)
            let error = abs(Double(analytic[layer]) - numeric) / max(1e-2, abs(numeric))
            #expect(error < 2e-2, "layer \(layer): analytic \(analytic[layer]), numeric \(numeric)")
        }
    }

    /// With K = 2 the formula is the exact gradient of the first-order surrogate ℓ(θ − Σ_k α^k ⊙ g^k; Q) with
    /// the inner gradients g^k held at their values.
    @Test func stepSizeGradientsOfTwoStepsMatchTheFirstOrderSurrogate() throws {
        let (learner, task) = try Self.tinySetup(method: .pMeta, innerSteps: 2)
        let analytic = learner.metaGradients(for: task).stepSizes
        let (_, inner) = learner.innerLoop(task, from: learner.parameters)
        let network = learner.network
        func surrogate(_ sizes: [[Float]]) -> Double {
            var weights = learner.parameters
            for step in 0..<2 {
                for layer in 0..<network.layerCount { inner[step].gradients[layer]?.apply(to: &weights.layers[layer], scaledBy: -sizes[step][layer]) }
            }
            return Double(network.gradients(for: task.query, parameters: weights, scope: .everything(of: network)).loss)
        }
        let step: Float = 1e-3
        for stepIndex in 0..<2 {
            for layer in [0, 4, 9] {
                var up = learner.stepSizes
                var down = learner.stepSizes
                up[stepIndex][layer] += step
                down[stepIndex][layer] -= step
                let numeric = (surrogate(up) - surrogate(down)) / Double(2 * step)
                let error = abs(Double(analytic[stepIndex][layer]) - numeric) / max(1e-2, abs(numeric))
                #expect(error < 2e-2, "k=\(stepIndex + 1) layer \(layer): analytic \(analytic[stepIndex][layer]), numeric \(numeric)")
            }
        }
    }

    @Test func theLassoProximalStepSetsStepSizesExactlyToZero() throws {
        let (learner, task) = try Self.tinySetup(method: .pMeta, innerSteps: 2)
        var configuration = learner.configuration
        // λ·m(x) times the step-size rate must exceed α = 0.3 for every layer: the smallest m(x) here is
        // the head's 3 features; 1e-3 x 1e3 x 3 = 3 > 0.3.
        configuration.lassoStrength = 1e3
        var heavy = MetaLearner(network: learner.network, configuration: configuration, parameters: learner.parameters,
                                stepSizes: learner.stepSizes)
        let report = heavy.step(on: [task])
        #expect(report.activeLayerSteps == 0)
        #expect(heavy.stepSizes.joined().allSatisfy { $0 == 0 })
        #expect(!heavy.deployedPlan.steps.contains { $0.updatesAnything })

        configuration.method = .mamlPlusPlus
        var plain = MetaLearner(network: learner.network, configuration: configuration, parameters: learner.parameters,
                                stepSizes: learner.stepSizes)
        #expect(plain.step(on: [task]).activeLayerSteps == 2 * 5)
        #expect(plain.stepSizes.joined().allSatisfy { $0 >= 0 })
    }

    @Test func stepSizesRoundTripThroughTheImportanceFile() throws {
        let (learner, _) = try Self.tinySetup(method: .pMeta, innerSteps: 2)
        var sizes = learner.stepSizes
        sizes[1][4] = 0
        let importance = ImportanceScores(stepSizes: sizes, source: "test")
        let decoded = try ImportanceScores(json: importance.json(for: learner.network.graph), for: learner.network.graph, source: "file")
        #expect(decoded.stepSizes == sizes)
        let plan = UpdatePlan(nonzeroStepSizes: sizes, of: learner.network)
        #expect(plan.steps[0].layers.filter(\.isUpdated).count == 5)
        #expect(!plan.steps[1].layers[4].isUpdated && plan.steps[1].layers[5].isUpdated)
    }

    @Test func mamlLearnsSinusoidsWithinAHundredSteps() throws {
        let network = try TestNetworks.network(TestNetworks.sinusoidMLP)
        var generator = SplitMix64(seed: 67)
        var learner = MetaLearner(network: network,
                                  configuration: MetaTrainingConfiguration(method: .maml, innerSteps: 1, innerStepSize: 0.01,
                                                                           outerLearningRate: 1e-2, tasksPerBatch: 4),
                                  using: &generator)
        let family = SinusoidTasks(shots: 10, queryPoints: 20)
        var testStream = SplitMix64(seed: 71)
        let tests = (0..<10).map { _ in family.task(from: .test, using: &testStream) }
        let before = learner.validate(on: tests).mean
        let summary = try learner.train(on: family, iterations: 100, validationInterval: 100, validationTasks: 5, using: &generator)
        let after = learner.validate(on: tests).mean
        #expect(summary.metric == .meanSquaredError)
        // The untrained net predicts about 0 (MSE near E[A²]/2 ≈ 4.2); after meta-training it should be well below.
        #expect(after < 0.6 * before, "MSE before \(before), after \(after)")
    }
}
