import PMetaPlan
import Testing
@testable import PMetaTrainer

@Suite struct FederatedSimulationTests {
    /// 1 -> 8 -> ReLU -> 1: 8 + 8 = 16 global weights in fc1, 8 + 1 = 9 local ones in the head.
    static let tinyMLP = """
        {"format": 1, "name": "MLP tiny", "input": {"shape": [1], "element_bytes": 4},
         "layers": [
           {"name": "fc1", "op": "linear", "out_features": 8},
           {"name": "relu1", "op": "relu"},
           {"name": "head", "op": "linear", "out_features": 1}]}
        """

    static func simulation(rounds: Int = 3, evaluationInterval: Int = 1) throws -> FederatedSimulation {
        let network = try TestNetworks.network(tinyMLP)
        let partition = try ParameterPartition(model: try CostModel(network.graph), local: try LayerSelector(parsing: "head"))
        var generator = SplitMix64(seed: 5)
        return FederatedSimulation(network: network, partition: partition, initialParameters: network.initialParameters(using: &generator),
                                   family: SinusoidTasks(shots: 5, queryPoints: 10), clientCount: 2, roundCount: rounds,
                                   evaluationTaskCount: 3, evaluationInterval: evaluationInterval, reconstructionSteps: 2)
    }

    @Test func theHeadIsLocalAndFc1Global() throws {
        let simulation = try Self.simulation()
        #expect(simulation.partition.globalParameterCount == 16)
        #expect(simulation.partition.localParameterCount == 9)
    }

    @Test func serverStepSizeAnnealsFromBetaZeroAlongACosine() throws {
        let simulation = try Self.simulation(rounds: 4)
        // ½(1 + cos(π r / 4)) for r = 0, 2: 1 and ½.
        #expect(simulation.serverStepSize(round: 0) == 1)
        #expect(abs(simulation.serverStepSize(round: 2) - 0.5) < 1e-12)
    }

    @Test func topTwentyFivePercentRunsEndToEndAndSendsFewerBytes() throws {
        let simulation = try Self.simulation()
        var generator = SplitMix64(seed: 9)
        let comparison = try FederatedComparison(simulation, topPercentage: try Percentage(parsing: "25"), using: &generator)
        // k = ⌈0.25 · 16⌉ = 4 of 16.
        #expect(comparison.selective.sentPerClient == 4)
        #expect(comparison.full.sentPerClient == 16)
        // Full: 2 clients x 3 rounds x (64 down + 64 up) bytes.
        #expect(comparison.full.rounds.last!.totalBytes == 2 * 3 * 128)
        // Selective: the same 64 down, 16 bytes of values plus at least one byte of indices up.
        let selectiveUpload = comparison.selective.rounds.last!.uploadedBytes
        #expect(selectiveUpload > 2 * 3 * 16 && selectiveUpload < 2 * 3 * 64)
        #expect(comparison.saving.total > 0 && comparison.saving.upload > comparison.saving.total)
        for run in [comparison.selective, comparison.full] {
            #expect(run.rounds.map(\.round) == [0, 1, 2, 3])
            #expect(run.rounds[0].totalBytes == 0)
            #expect(run.rounds.allSatisfy { $0.score.mean.isFinite && $0.score.mean >= 0 })
        }
        #expect(comparison.table().contains("Communication saving"))
    }

    /// Issue 16: the whole-model baseline has every layer global: 16 + 9 = 25 weights, sent densely both ways by
    /// 2 clients in 3 rounds, 2 x 3 x (100 + 100) = 1,200 B; nothing is reconstructed, so its round-0 score is the
    /// initial weights adapted online alone, and it is the run a caller gets from the empty local selector.
    @Test func theWholeModelBaselineSendsEveryWeightAndKeepsNothingLocal() throws {
        let simulation = try Self.simulation()
        var generator = SplitMix64(seed: 9)
        let comparison = try FederatedComparison(simulation, topPercentage: Percentage(percent: 25), using: &generator)
        #expect(comparison.wholeModel.globalWeights == 25 && comparison.wholeModel.sentPerClient == 25)
        #expect(comparison.wholeModel.rounds.last!.uploadedBytes == 600 && comparison.wholeModel.rounds.last!.downloadedBytes == 600)
        var whole = simulation
        whole.partition = try ParameterPartition(model: try CostModel(simulation.network.graph), local: LayerSelector([]))
        #expect(whole.partition.localParameterCount == 0)
        var again = SplitMix64(seed: 9)
        var wholeGenerator = SplitMix64(seed: again.next())
        #expect(try whole.run(topPercentage: Percentage(percent: 100), using: &wholeGenerator) == comparison.wholeModel)
        let saving = comparison.saving(against: comparison.wholeModel)
        #expect(abs(saving.total - (1 - Double(comparison.selective.rounds.last!.totalBytes) / 1_200)) < 1e-12)
        #expect(comparison.table().contains("Whole model (every layer global"))
    }

    @Test func sameSeedGivesTheSameRun() throws {
        let simulation = try Self.simulation(rounds: 2)
        var first = SplitMix64(seed: 4)
        var second = SplitMix64(seed: 4)
        let a = try simulation.run(topPercentage: Percentage(percent: 50), using: &first)
        let b = try simulation.run(topPercentage: Percentage(percent: 50), using: &second)
        #expect(a == b)
    }

    @Test func globalWeightsRoundTripThroughTheFlatOrder() throws {
        let simulation = try Self.simulation()
        let flat = simulation.flattenGlobal(simulation.initialParameters)
        // fc1's weight [8, 1] then its bias [8].
        #expect(flat == simulation.initialParameters.layers[0][0].values + simulation.initialParameters.layers[0][1].values)
    }

    @Test func bytesCountedEqualThePlannersFederatedPlan() throws {
        let simulation = try Self.simulation()
        var generator = SplitMix64(seed: 9)
        let percentage = try Percentage(parsing: "25")
        let comparison = try FederatedComparison(simulation, topPercentage: percentage, using: &generator)
        let setup = FederatedSetup(topPercentage: percentage, clients: 2, rounds: 3, reconstructionSteps: 2,
                                   workload: Workload(samplesPerStep: 5, microBatch: 5))
        let plan = try FederatedPlan(model: try CostModel(simulation.network.graph), partition: simulation.partition, setup: setup)
        let selective = comparison.selective.rounds.last!
        #expect(selective.downloadedBytes == plan.total.downBytes.bytes)
        #expect(selective.uploadedBytes == plan.total.upBytes.bytes)
        #expect(selective.totalBytes == plan.total.totalBytes.bytes)
        // Full communication sends the 16 global weights densely both ways, without indices: 2 x 3 x 64 B each way.
        #expect(plan.total.downBytes.bytes == 384)
        #expect(comparison.full.rounds.last!.uploadedBytes == 384 && comparison.full.rounds.last!.downloadedBytes == 384)
    }

    @Test func heldOutMSEFallsOverRounds() throws {
        var simulation = try Self.simulation(rounds: 30, evaluationInterval: 10)
        (simulation.learningRate, simulation.serverStepSize, simulation.gradientClipNorm, simulation.reconstructionSteps) = (0.002, 5, 50, 5)
        simulation.evaluationTaskCount = 10
        var generator = SplitMix64(seed: 5)
        let comparison = try FederatedComparison(simulation, topPercentage: Percentage(percent: 25), using: &generator)
        for run in [comparison.selective, comparison.full] {
            #expect(run.rounds.map(\.round) == [0, 10, 20, 30])
            let (first, last) = (run.rounds.first!.score.mean, run.rounds.last!.score.mean)
            #expect(last < 0.8 * first, "P = \(run.percentage): MSE \(first) at round 0, \(last) at round 30")
        }
        // Every run reaches the worse of the two final scores, and the report says with how many bytes.
        let target = comparison.commonTarget
        #expect(comparison.selective.firstRound(reaching: target) != nil && comparison.full.firstRound(reaching: target) != nil)
        #expect(comparison.table().contains("Bytes to reach mean MSE <= "))
    }

    @Test func firstRoundReachingATargetReadsTheMetricsDirection() {
        func round(_ number: Int, _ mean: Double) -> FederatedRun.Round {
            .init(round: number, uploadedBytes: 10 * number, downloadedBytes: 20 * number, score: MeanWithInterval([mean]))
        }
        let rounds = [round(0, 4), round(1, 2), round(2, 3), round(3, 1)]
        let mse = FederatedRun(percentage: Percentage(percent: 10), sentPerClient: 1, globalWeights: 10, rounds: rounds, metric: .meanSquaredError)
        #expect(mse.firstRound(reaching: 2.5)?.round == 1)
        #expect(mse.firstRound(reaching: 0.5) == nil)
        let accuracy = FederatedRun(percentage: Percentage(percent: 10), sentPerClient: 1, globalWeights: 10, rounds: rounds, metric: .accuracy)
        #expect(accuracy.firstRound(reaching: 2.5)?.round == 0)
        #expect(accuracy.firstRound(reaching: 3.5)?.round == 0)
        #expect(accuracy.firstRound(reaching: 5) == nil)
    }

    @Test func squaredNormSumsEveryComputedEntry() {
        // Bias (3, 4): 9 + 16 = 25; scale (1, 2) and shift (2): 1 + 4 + 4 = 9.
        #expect(LayerGradient.weights(nil, bias: Tensor(shape: [2], values: [3, 4])).squaredNorm == 25)
        #expect(LayerGradient.normalization(scale: Tensor(shape: [2], values: [1, 2]), shift: Tensor(shape: [1], values: [2])).squaredNorm == 9)
    }
}
