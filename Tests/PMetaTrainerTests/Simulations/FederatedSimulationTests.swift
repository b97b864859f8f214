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

    static func simulation(rounds: Int = 3) throws -> FederatedSimulation {
        let network = try TestNetworks.network(tinyMLP)
        let partition = try ParameterPartition(model: try CostModel(network.graph), local: try LayerSelector(parsing: "head"))
        var generator = SplitMix64(seed: 5)
        return FederatedSimulation(network: network, partition: partition, initialParameters: network.initialParameters(using: &generator),
                                   family: SinusoidTasks(shots: 5, queryPoints: 10), clientCount: 2, roundCount: rounds,
                                   evaluationTaskCount: 3, reconstructionSteps: 2)
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
            #expect(run.rounds.map(\.round) == [1, 2, 3])
            #expect(run.rounds.allSatisfy { $0.score.mean.isFinite && $0.score.mean >= 0 })
        }
        #expect(comparison.table.contains("Communication saving"))
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
}
