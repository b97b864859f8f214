import PMetaPlan
import Testing
@testable import PMetaTrainer

@Suite struct DynamicChannelSimulationTests {
    /// 3x16x16, two conv blocks of 4 channels, a 3-way head: small enough for a debug build.
    static let tinyFourConv = """
        {"format": 1, "name": "4Conv-tiny", "input": {"shape": [3, 16, 16], "element_bytes": 4},
         "layers": [
           {"repeat": 2, "name": "block", "layers": [
             {"name": "conv", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
             {"name": "gn", "op": "group_norm", "groups": 2},
             {"name": "relu", "op": "relu"},
             {"name": "pool", "op": "max_pool", "kernel": 2}]},
           {"op": "flatten"},
           {"name": "head", "op": "linear", "out_features": 3}]}
        """

    static func simulation(seed: UInt64) throws -> (DynamicChannelSimulation, SplitMix64) {
        let network = try TestNetworks.network(tinyFourConv)
        var generator = SplitMix64(seed: seed)
        let parameters = network.initialParameters(using: &generator)
        let family = PrototypeImageTasks(height: 16, width: 16, ways: 3, shots: 2, queriesPerClass: 3,
                                         trainingClasses: 3, validationClasses: 3, testClasses: 6)
        let simulation = DynamicChannelSimulation(network: network, parameters: parameters, family: family, taskCount: 3,
                                                  epochs: 2, channelBudget: 0.5, batchSize: 3)
        return (simulation, generator)
    }

    @Test func halfBudgetPlansTwoOfFourChannelsOfEveryConvAndTheHead() throws {
        let (simulation, _) = try Self.simulation(seed: 1)
        let plan = try simulation.plan()
        // conv 1 reads 3 channels (⌈1.5⌉ = 2), conv 2 reads 4 (2), the head 4·4·4 = 64 features (32).
        #expect(plan.layers.map(\.selectedCount) == [2, 2, 32])
        #expect(plan.layers.map(\.channelCount) == [3, 4, 64])
    }

    /// Issue 16: the planner's per-layer counts under a byte budget. Every draw of them fits (the cost model's peak of
    /// the counts, recomputed here for one step of 3 samples), a budget below the smallest peak plans nothing, a larger
    /// budget never plans fewer channels, and the simulation runs on the planned counts.
    @Test func aByteBudgetGivesThePlannersCountsToEveryStrategy() throws {
        var (simulation, generator) = try Self.simulation(seed: 3)
        let model = try CostModel(simulation.network.graph)
        let workload = Workload(samplesPerStep: 3, microBatch: 3)
        let maml = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: workload).peak
        #expect(try simulation.plannedChannels(budget: ByteCount(100)) == nil)
        var previous = 0
        for fraction in [0.8, 0.9, 1.0] {
            let budget = ByteCount(Int(Double(maml.bytes) * fraction))
            guard let planned = try simulation.plannedChannels(budget: budget) else { continue }
            let peak = try model.adaptation(of: planned.updatePlan, workload: workload).peak
            #expect(peak <= budget, "budget \(budget): peak \(peak)")
            let channels = planned.layers.reduce(0) { $0 + $1.selectedCount }
            #expect(channels >= previous)
            previous = channels
        }
        let planned = try #require(try simulation.plannedChannels(budget: maml))
        simulation.plannedChannels = planned
        simulation.taskCount = 1
        #expect(try simulation.plan().layers.map(\.selectedCount) == planned.layers.map(\.selectedCount))
        #expect(try simulation.run(using: &generator).plan.layers.map(\.selectedCount) == planned.layers.map(\.selectedCount))
    }

    @Test func comparisonRunsEndToEndWithSaneAccuraciesAndIntervals() throws {
        var (simulation, generator) = try Self.simulation(seed: 7)
        let comparison = try simulation.run(using: &generator)
        #expect(comparison.rows.map(\.strategy) == ChannelStrategy.allCases)
        for value in comparison.rows.map(\.accuracy) + [comparison.before] {
            #expect((0...1).contains(value.mean))
            #expect(value.lowerBound <= value.mean && value.mean <= value.upperBound)
            #expect(value.count == 3)
        }
        #expect(comparison.table.contains("static top-k"))
    }

    @Test func sameSeedGivesTheSameAccuracies() throws {
        var (first, firstGenerator) = try Self.simulation(seed: 3)
        var (second, secondGenerator) = try Self.simulation(seed: 3)
        first.epochs = 1
        second.epochs = 1
        let a = try first.run(using: &firstGenerator)
        let b = try second.run(using: &secondGenerator)
        #expect(a.rows == b.rows)
        #expect(a.before == b.before)
    }

    @Test func topChannelsKeepTheLargestWeightsSortedWithTiesToTheLowerIndex() throws {
        let plan = DynamicChannelPlan(layers: [.init(layer: 0, name: "conv", channelCount: 4, selectedCount: 2)], graphLayerCount: 1,
                                      innerSteps: 1, cost: try Self.simulation(seed: 1).0.plan().cost, value: 0)
        // Weights 0.5, 2, 0.5, 1: channel 1 first, then channel 3.
        #expect(DynamicChannelSimulation.topChannels([0: [0.5, 2, 0.5, 1]], plan: plan) == [0: [1, 3]])
        // All tied: the first two.
        #expect(DynamicChannelSimulation.topChannels([0: [1, 1, 1, 1]], plan: plan) == [0: [0, 1]])
    }

    @Test func deadLayersFallBackToUniformWeights() {
        #expect(DynamicChannelSimulation.weights(fromSummedMeans: [0, 0, 0]) == [1, 1, 1])
        #expect(DynamicChannelSimulation.weights(fromSummedMeans: [-2, 0, 1]) == [2, 0, 1])
    }

    @Test func aChosenChannelStepChangesOnlyTheChosenInputColumnsOfTheWeight() throws {
        let (simulation, _) = try Self.simulation(seed: 2)
        let network = simulation.network
        let plan = try simulation.plan()
        // Layer 4 is block2.conv, 4 input channels; choose 1 and 3 instead of the first two.
        let scope = StepScope(network: network, step: plan.updatePlan.steps[0], inputChannels: [4: [1, 3]])
        #expect(scope.savedInputChannels[4] == [1, 3])
        let batch = TestNetworks.classificationBatch(for: network, samples: 3, seed: 11)
        var parameters = simulation.parameters
        let gradients = network.gradients(for: batch, parameters: parameters, scope: scope).gradients
        gradients[4]?.apply(to: &parameters.layers[4], scaledBy: -1)
        let before = simulation.parameters.layers[4][0]
        let after = parameters.layers[4][0]
        // Weight [4, 4, 3, 3]: element (f, c, i) sits at (f * 4 + c) * 9 + i.
        for output in 0..<4 {
            for input in 0..<4 {
                let range = ((output * 4 + input) * 9)..<((output * 4 + input + 1) * 9)
                let changed = range.contains { before.values[$0] != after.values[$0] }
                #expect(changed == [1, 3].contains(input), "output \(output), input \(input)")
            }
        }
    }

    @Test func adaptationStartsFromTheGivenWeights() throws {
        var (simulation, generator) = try Self.simulation(seed: 4)
        // A zero head (layer 9) scores every class 0: the arg max is class 0, right for exactly 1 of the 3 balanced
        // query classes, so every task scores 1/3 before adaptation.
        simulation.parameters.layers[9] = simulation.parameters.layers[9].map { Tensor(zeros: $0.shape) }
        simulation.epochs = 1
        let comparison = try simulation.run(using: &generator)
        #expect(comparison.before == MeanWithInterval([1.0 / 3, 1.0 / 3, 1.0 / 3]))
        #expect(comparison.before.halfWidth == 0)
    }

    @Test func pairedDifferencesAreDynamicMinusEachOtherStrategy() throws {
        var (simulation, generator) = try Self.simulation(seed: 7)
        simulation.epochs = 1
        let comparison = try simulation.run(using: &generator)
        #expect(comparison.dynamicAdvantages.map(\.strategy) == [.staticTopK, .uniform])
        let dynamic = comparison.rows[0].accuracy.mean
        for (advantage, row) in zip(comparison.dynamicAdvantages, comparison.rows.dropFirst()) {
            // The mean of the differences is the difference of the means.
            #expect(abs(advantage.accuracy.mean - (dynamic - row.accuracy.mean)) < 1e-12)
        }
        #expect(comparison.table.contains("dynamic - static"))
    }
}
