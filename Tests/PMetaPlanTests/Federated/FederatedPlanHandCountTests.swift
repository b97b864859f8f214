import Testing
@testable import PMetaPlan

/// TinyMetaFed's plan on a network small enough to count by hand (the cost model's hand-count network).
///
/// input [2, 4, 4] float32 -> conv 3x3 pad 1 to 3 channels (bias) -> ReLU -> max pool 2 -> flatten -> head fc 12 -> 2.
/// Parameters: conv 3 x 2 x 9 = 54 weights + 3 bias = 57; head 12 x 2 = 24 weights + 2 bias = 26; 83 in all.
/// With `--local head`: n = 57 global weights, 26 local.
@Suite struct FederatedPlanHandCountTests {
    static let json = #"""
    {"format": 1, "name": "tiny", "input": {"shape": [2, 4, 4], "element_bytes": 4}, "layers": [
      {"name": "conv", "op": "conv2d", "out_channels": 3, "kernel": 3, "padding": 1},
      {"name": "relu", "op": "relu"}, {"name": "pool", "op": "max_pool", "kernel": 2}, {"op": "flatten"},
      {"name": "head", "op": "linear", "out_features": 2}
    ]}
    """#

    let model: CostModel
    let partition: ParameterPartition
    let plan: FederatedPlan

    init() throws {
        model = try CostModel(try ShapedGraph(jsonBytes: Array(Self.json.utf8)))
        partition = try ParameterPartition(model: model, local: LayerSelector(parsing: "head"))
        let setup = FederatedSetup(topPercentage: Percentage(percent: 10), clients: 3, rounds: 5, reconstructionSteps: 1,
                                   workload: Workload(samplesPerStep: 4, microBatch: 2),
                                   energy: DeviceEnergyProfile(perByteSent: Energy(joules: 1), perMAC: Energy(joules: 0.001)))
        plan = try FederatedPlan(model: model, partition: partition, setup: setup)
    }

    @Test func partitionCountsParametersByHand() {
        #expect(partition.globalParameterCount == 57)
        #expect(partition.localParameterCount == 26)
        #expect(partition.localNames == ["head"])
        #expect(partition.globalSegments == [ParameterPartition.Segment(name: "conv", range: 0..<57)])
        #expect(partition.isLocal == [false, false, false, false, true])
    }

    @Test func bytesPerRoundByHand() {
        // k = ceil(10% x 57) = ceil(5.7) = 6 values, 24 B. Indices: 32-bit 24 B; varint: the 6 gaps sum to
        // at most 57 - 6 = 51 < 128, so 6 B; bitmap ceil(57 / 8) = 8 B. Varint is the cheapest.
        #expect(plan.upload.count == 6)
        #expect(plan.upload.worstCaseIndexBytes == [.absolute32: ByteCount(24), .deltaVarint: ByteCount(6), .bitmap: ByteCount(8)])
        #expect(plan.upload.encoding == .deltaVarint)
        // One client, one round: down 57 x 4 = 228 B; up 24 + 6 = 30 B.
        #expect(plan.clientRound == Traffic(downBytes: ByteCount(228), upValueBytes: ByteCount(24), upIndexBytes: ByteCount(6)))
        // Three clients: 684 down, 72 + 18 up. Five rounds: 3,420 down, 450 up.
        #expect(plan.fleetRound == Traffic(downBytes: ByteCount(684), upValueBytes: ByteCount(72), upIndexBytes: ByteCount(18)))
        #expect(plan.total == Traffic(downBytes: ByteCount(3_420), upValueBytes: ByteCount(360), upIndexBytes: ByteCount(90)))
        #expect(plan.total.totalBytes == ByteCount(3_870))
        // The full model: 83 x 4 = 332 B each way per client and round; 332 x 3 x 5 = 4,980 each way in all.
        #expect(plan.baselineClientRound == Traffic(downBytes: ByteCount(332), upValueBytes: ByteCount(332), upIndexBytes: .zero))
        #expect(plan.baselineTotal.downBytes == ByteCount(4_980))
        #expect(plan.baselineTotal.upBytes == ByteCount(4_980))
    }

    @Test func reconstructionMemoryIsTheCostModelsFigureForTheLocalOnlyPlan() throws {
        // Reconstructing the head alone is ANIL's plan: the same peak as the cost model gives it.
        let anil = try model.adaptation(of: AdaptationMethod.anil.plan(for: model.graph), workload: Workload(samplesPerStep: 4, microBatch: 2))
        #expect(plan.reconstruction.plan == AdaptationMethod.anil.plan(for: model.graph))
        #expect(plan.reconstruction.batched.peak == anil.peak)
        // By hand (PhysicalProfileHandCountTests): 584 B. Online (one sample, no accumulation): the pool holds
        // its input and output, 60 x 4 = 240 B, before anything is stored; the head then stores 48 + 8 = 56 and
        // its backward pass holds g(y) 8 B and its buffer 26 x 4 = 104 B: 168 B. The peak is the pool's 240 B.
        #expect(plan.reconstruction.batched.peak == ByteCount(584))
        #expect(plan.reconstruction.online.peak == ByteCount(240))
    }

    @Test func globalUpdateMemoryByHand() {
        // The conv updated, the head frozen on the backward path. Micro-batch 2: no conv input (x_0 is the
        // sample, static memory), ReLU mask ceil(2 x 48 / 8) = 12, pool indices ceil(2 x 12 x 2 / 8) = 6,
        // output 2 x 2 x 4 = 16; accumulated conv buffer 57 x 4 = 228. At the pool: 18 + its input and output
        // 2 x 60 x 4 = 480 + 228 = 726.
        #expect(plan.globalUpdate.batched.peak == ByteCount(726))
        // Online, no accumulation: the conv's backward pass holds g(y) 48 x 4 = 192 and its buffer 228 with
        // nothing stored below it: 420 (the pool's forward pass: 6 + 3 + 240 = 249).
        #expect(plan.globalUpdate.online.peak == ByteCount(420))
    }

    @Test func deviceMemoryByHand() {
        // Model 83 x 4 = 332 B; samples 4 x 32 x 4 = 512 B (one: 128 B); snapshot of the global weights 228 B.
        #expect(plan.snapshotBytes == ByteCount(228))
        #expect(plan.onlineDeviceBytes == ByteCount(332 + 128 + 228 + 420))
        #expect(plan.batchedDeviceBytes == ByteCount(332 + 512 + 228 + 726))
        // The baseline: MAML's peak 830 B (PhysicalProfileHandCountTests), no snapshot.
        #expect(plan.baselineDeviceBytes == ByteCount(332 + 512 + 830))
    }

    @Test func macsAndEnergyByHand() throws {
        // Per sample: reconstruction (ANIL) forward 900 + head weight gradient 24; global update forward 900 +
        // conv weight gradient 864 + head input gradient 24. Four samples: 4 x 924 + 4 x 1,788 = 10,848.
        #expect(plan.clientRoundMACs == MACCount(10_848))
        // The full model: (K + 1) x 4 x (900 + 888 + 24) = 14,496.
        #expect(plan.baselineClientRoundMACs == MACCount(14_496))
        // 1 J per byte sent, 1 mJ per MAC: 30 + 10.848 J; the baseline 332 + 14.496 J.
        let energy = try #require(plan.clientRoundEnergy)
        #expect(abs(energy.total.joules - 40.848) < 1e-9)
        #expect(energy.received == .zero)
        #expect(abs(try #require(plan.baselineClientRoundEnergy).total.joules - 346.496) < 1e-9)
    }

    @Test func shippedFourConvReconstructionMatchesTheCostModel() throws {
        let fourConv = try ShippedArchitectures.costModel("4conv")
        let local = try ParameterPartition(model: fourConv, local: LayerSelector(parsing: "block4.*,head"))
        let workload = Workload(samplesPerStep: 25, microBatch: 1)
        let setup = FederatedSetup(topPercentage: Percentage(percent: 10), clients: 10, rounds: 100, workload: workload)
        let federated = try FederatedPlan(model: fourConv, partition: local, setup: setup)
        // The plan written by hand: block4.conv, block4.gn and the head, everything else frozen.
        var updates = [LayerUpdate](repeating: .frozen, count: fourConv.graph.layerCount)
        for (index, layer) in fourConv.graph.layers.enumerated() where ["block4.conv", "block4.gn", "head"].contains(layer.name) {
            updates[index] = .full
        }
        let handPlan = UpdatePlan(steps: [StepUpdates(layers: updates)])
        #expect(federated.reconstruction.plan == handPlan)
        #expect(federated.reconstruction.batched.peak == (try fourConv.adaptation(of: handPlan, workload: workload)).peak)
        #expect(federated.reconstruction.online.peak
            == (try fourConv.adaptation(of: handPlan, workload: Workload(samplesPerStep: 1, microBatch: 1))).peak)
        // 4Conv: 32,901 parameters; block4.conv 9,248 + block4.gn 64 + head 4,005 = 13,317 local.
        #expect(local.localParameterCount == 13_317)
        #expect(local.globalParameterCount == 19_584)
        #expect(federated.clientRound.downBytes == ByteCount(78_336))
    }
}
