/// TinyMetaFed's communication and memory plan against full-model federated meta-learning.
///
/// Every round the server sends each of the N clients the n global weights; each client reconstructs its
/// local layers in K steps, updates its global layers once, and sends back the k = ceil(P n / 100) global
/// weights that changed most, with their indices in the cheapest encoding. The local weights never travel.
/// The baseline (full-model federated meta-learning, FedMeta-style MAML) sends every parameter down and up
/// every round and adapts every layer in K inner steps plus one outer step, on the batch workload.
///
/// All rounds cost the same, so the run's totals are R times a round's, and the fleet's N times a client's.
public struct FederatedPlan: Sendable {
    /// The memory of one way of adapting, in batches and one sample at a time.
    public struct Footprint: Sendable {
        /// The update plan costed.
        public var plan: UpdatePlan
        /// With the setup's batch workload.
        public var batched: AdaptationCost
        /// Online: one sample, micro-batch 1.
        public var online: AdaptationCost
    }

    /// The partition of the parameters.
    public var partition: ParameterPartition
    /// The setup.
    public var setup: FederatedSetup
    /// Each client's Top-P upload.
    public var upload: SparseUpload

    /// One client, one round.
    public var clientRound: Traffic
    /// N clients, one round.
    public var fleetRound: Traffic
    /// N clients, R rounds.
    public var total: Traffic
    /// The baseline: one client, one round (every parameter down and up).
    public var baselineClientRound: Traffic
    /// The baseline: N clients, one round.
    public var baselineFleetRound: Traffic
    /// The baseline: N clients, R rounds.
    public var baselineTotal: Traffic

    /// Partial local reconstruction: only the local layers, K steps.
    public var reconstruction: Footprint
    /// The global update: only the global layers, one step.
    public var globalUpdate: Footprint
    /// The baseline: every layer, K inner steps (MAML).
    public var fullModel: Footprint
    /// The model and the samples of one round, in batches (all samples) and online (one).
    public var staticBatched: StaticMemory
    /// The model and one sample.
    public var staticOnline: StaticMemory
    /// The received global weights, kept through the round to compute each change w_after - w_received.
    public var snapshotBytes: ByteCount

    /// The device memory of a TinyMetaFed client learning online: the model, one sample, the snapshot of the
    /// received global weights, and the larger of the reconstruction and global-update peaks.
    public var onlineDeviceBytes: ByteCount
    /// The same client adapting on the batch workload instead of online.
    public var batchedDeviceBytes: ByteCount
    /// The baseline client's device memory: the model, the round's samples and MAML's peak.
    public var baselineDeviceBytes: ByteCount

    /// One client's MACs in one round: K reconstruction steps and one global update over the round's samples.
    public var clientRoundMACs: MACCount
    /// The baseline's: K + 1 steps of every layer over the round's samples.
    public var baselineClientRoundMACs: MACCount
    /// One client's energy in one round, when the setup has a device profile.
    public var clientRoundEnergy: RoundEnergy?
    /// The baseline's.
    public var baselineClientRoundEnergy: RoundEnergy?

    /// Plans `setup` on `model` split by `partition`.
    /// - Throws: `ArithmeticOverflow` when a figure does not fit in 64 bits.
    /// - Complexity: that of a few `CostModel.adaptation` calls, plus O(min(k, 2^(7t))) for the varint mean.
    public init(model: CostModel, partition: ParameterPartition, setup: FederatedSetup) throws {
        precondition(partition.isLocal.count == model.graph.layerCount, "the partition belongs to another graph")
        let weightBytes = setup.workload.precision.weightBytes
        let global = partition.globalParameterCount
        guard global <= IndexEncoding.maximumPositions else {
            throw ArithmeticOverflow(context: "\(DecimalFormatting.grouped(global)) global weights (more than 2^48 cannot be indexed)")
        }
        self.partition = partition
        self.setup = setup
        let count = try TopPSelection.count(of: global, percentage: setup.topPercentage)
        upload = try SparseUpload(sending: count, of: global, weightBytes: weightBytes)

        clientRound = Traffic(downBytes: ByteCount(try Checked.product(global, weightBytes, context: "global weights")),
                              upValueBytes: upload.valueBytes, upIndexBytes: upload.indexBytes)
        fleetRound = try clientRound.scaled(by: setup.clients, context: "fleet traffic per round")
        total = try fleetRound.scaled(by: setup.rounds, context: "traffic over all rounds")
        let everything = try Checked.product(partition.parameterCount, weightBytes, context: "model weights")
        baselineClientRound = Traffic(downBytes: ByteCount(everything), upValueBytes: ByteCount(everything), upIndexBytes: .zero)
        baselineFleetRound = try baselineClientRound.scaled(by: setup.clients, context: "baseline fleet traffic per round")
        baselineTotal = try baselineFleetRound.scaled(by: setup.rounds, context: "baseline traffic over all rounds")

        let steps = setup.reconstructionSteps
        func footprint(_ plan: UpdatePlan) throws -> Footprint {
            Footprint(plan: plan, batched: try model.adaptation(of: plan, workload: setup.workload, profile: setup.profile),
                      online: try model.adaptation(of: plan, workload: setup.onlineWorkload, profile: setup.profile))
        }
        reconstruction = try footprint(partition.reconstructionPlan(innerSteps: steps))
        globalUpdate = try footprint(partition.globalUpdatePlan())
        fullModel = try footprint(AdaptationMethod.maml.plan(for: model.graph, innerSteps: steps))
        staticBatched = try model.staticMemory(samples: setup.workload.samplesPerStep, precision: setup.workload.precision)
        staticOnline = try model.staticMemory(samples: 1, precision: setup.workload.precision)
        snapshotBytes = clientRound.downBytes
        onlineDeviceBytes = ByteCount(try Checked.sum(
            staticOnline.modelBytes.bytes, staticOnline.sampleBytes.bytes, snapshotBytes.bytes,
            max(reconstruction.online.peak.bytes, globalUpdate.online.peak.bytes), context: "online device memory"))
        batchedDeviceBytes = ByteCount(try Checked.sum(
            staticBatched.modelBytes.bytes, staticBatched.sampleBytes.bytes, snapshotBytes.bytes,
            max(reconstruction.batched.peak.bytes, globalUpdate.batched.peak.bytes), context: "batched device memory"))
        baselineDeviceBytes = ByteCount(try Checked.sum(
            staticBatched.modelBytes.bytes, staticBatched.sampleBytes.bytes, fullModel.batched.peak.bytes, context: "baseline device memory"))

        // MACs are linear in the samples, so streaming them one at a time costs what a batch does.
        clientRoundMACs = MACCount(try Checked.sum(reconstruction.batched.macs.macs, globalUpdate.batched.macs.macs,
                                                   context: "MACs per round"))
        let outer = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: setup.workload, profile: setup.profile)
        baselineClientRoundMACs = MACCount(try Checked.sum(fullModel.batched.macs.macs, outer.macs.macs, context: "baseline MACs per round"))
        clientRoundEnergy = setup.energy?.energy(of: clientRound, macs: clientRoundMACs)
        baselineClientRoundEnergy = setup.energy?.energy(of: baselineClientRound, macs: baselineClientRoundMACs)
    }
}
