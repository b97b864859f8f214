import PMetaPlan
@testable import PMetaTrainer
import Testing

@Suite struct MetaAttentionTests {
    @Test func clipZeroesTheSmallestScoresUpToRhoAndRescalesToTheChannelCount() {
        // Hand count: sorted 0.1, 0.2 reach 0.3 = ρ, so both go; 0.3 and 0.4 remain, renormalized to 3/7 and 4/7,
        // then times C = 4.
        let clipped = MetaAttention.clip([0.2, 0.1, 0.4, 0.3], ratio: 0.3)
        let expected: [Float] = [0, 0, 16.0 / 7, 12.0 / 7]
        #expect(zip(clipped, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        // ρ = 0 keeps everything: γ = C·π.
        #expect(MetaAttention.clip([0.25, 0.25, 0.5], ratio: 0) == [0.75, 0.75, 1.5])
        // One channel with nearly all the mass stays (the others reach ρ only together with it).
        #expect(MetaAttention.clip([0, 1, 0], ratio: 0.3) == [0, 3, 0])
    }

    static func setup(rho: Float) throws -> (MetaLearner, FewShotTask) {
        let network = try TestNetworks.network(TestNetworks.twoConvTiny)
        var generator = SplitMix64(seed: 73)
        let configuration = MetaTrainingConfiguration(method: .pMeta, innerSteps: 1, innerStepSize: 0.3, kernels: .scratchFree)
        let parameters = network.initialParameters(using: &generator)
        var attention = MetaAttention(network: network, forwardClipRatio: rho, using: &generator)
        // Larger module weights than the default, so the scores vary and the gradient is not tiny.
        attention.modules = NetworkParameters(layers: attention.modules.layers.map { $0.map { $0.map { $0 * 30 } } })
        let learner = MetaLearner(network: network, configuration: configuration, parameters: parameters,
                                  stepSizes: configuration.method.initialStepSizes(for: network, innerSteps: 1, stepSize: 0.3),
                                  attention: attention)
        let family = PrototypeImageTasks(height: 6, width: 6, ways: 3, shots: 2, queriesPerClass: 2,
                                         trainingClasses: 5, validationClasses: 3, testClasses: 3)
        return (learner, family.task(from: .training, using: &generator))
    }

    /// With ρ = 0 and one inner step the attention gradient is exact: γ = C·softmax(W·means + b) and neither the
    /// inner gradient nor the channel means depend on W.
    @Test func attentionGradientsMatchFiniteDifferences() throws {
        let (learner, task) = try Self.setup(rho: 0)
        #expect(MetaAttention.attendedLayers(of: learner.network) == [true, false, false, false, true, false, false, false, false, false])
        let analytic = try #require(learner.metaGradients(for: task).attention)
        let step: Float = 1e-2
        // The gradients checked are not all negligible.
        #expect([0, 4].contains { layer in analytic.layers[layer].contains { $0.maximumAbsoluteValue() > 1e-3 } })
        for layer in [0, 4] {
            for tensor in 0..<4 {
                for element in [0, 2] {
                    func loss(_ delta: Float) -> Double {
                        var attention = learner.attention!
                        attention.modules.layers[layer][tensor].values[element] += delta
                        return MetaLearner(network: learner.network, configuration: learner.configuration, parameters: learner.parameters,
                                           stepSizes: learner.stepSizes, attention: attention).metaGradients(for: task).loss
                    }
                    let numeric = (loss(step) - loss(-step)) / Double(2 * step)
                    let value = Double(analytic.layers[layer][tensor].values[element])
                    #expect(abs(value - numeric) <= 2e-2 * max(1e-3, abs(numeric)) + 1e-5,
                            "layer \(layer) tensor \(tensor)[\(element)]: analytic \(value), numeric \(numeric)")
                }
            }
        }
    }

    @Test func onTheDeviceAttentionStoresOnlyTheSelectedChannelsAndWeighsTheGradient() throws {
        let (learner, task) = try Self.setup(rho: 0.3)
        let network = learner.network
        let attention = learner.attention!
        let plan = UpdatePlan(steps: [StepUpdates(layers: network.operations.map { $0.parameterShapes.isEmpty ? .frozen : .full })])
        var adapted = learner.parameters
        let report = network.adaptationStep(&adapted, updates: plan.steps[0], stepSizes: learner.stepSizes[0], support: task.support,
                                            microBatchSize: task.support.count, attention: attention)
        // block2.conv (layer 4) reads 3 channels; ρ = 0.3 drops at least one, so its saved input is smaller than
        // the block1.pool output it came from (3 x 3 x 3 per sample).
        let savedBytes = report.meter.buffersAtPeak.filter { $0.kind == .savedInput && $0.layer == 4 }.map(\.bytes)
        #expect(savedBytes.allSatisfy { $0 < 4 * 6 * 27 })
        // The update is the dense gradient weighted by the scores of this batch.
        let dense = network.gradientsAndChannelMeans(for: task.support, parameters: learner.parameters, scope: .everything(of: network),
                                                     kernels: .scratchFree, recordsChannelMeans: true)
        for layer in 0..<network.layerCount {
            guard let gradient = dense.gradients[layer] else { continue }
            var expected = learner.parameters.layers[layer]
            let applied = attention.attends(layer)
                ? gradient.weighted(forward: attention.scores(layer: layer, means: dense.inputMeans[layer]!, isForward: true).scores,
                                    backward: attention.scores(layer: layer, means: dense.outputGradientMeans[layer]!, isForward: false).scores)
                : gradient
            applied.apply(to: &expected, scaledBy: -learner.stepSizes[0][layer])
            for (tensor, reference) in zip(adapted.layers[layer], expected) {
                #expect(tensor.maximumAbsoluteDifference(from: reference) < 1e-5, "layer \(layer)")
            }
        }
    }
}
