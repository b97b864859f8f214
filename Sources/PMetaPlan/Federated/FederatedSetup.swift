/// The knobs of a TinyMetaFed run: Top-P, the fleet, the rounds, and each client's local work.
public struct FederatedSetup: Hashable, Sendable {
    /// P: the percentage of the global weights each client sends up, in (0, 100].
    public var topPercentage: Percentage
    /// N: the clients taking part in every round.
    public var clients: Int
    /// R: the communication rounds.
    public var rounds: Int
    /// K: the gradient steps of partial local reconstruction in each round.
    public var reconstructionSteps: Int
    /// The batch workload: `samplesPerStep` is the samples a client sees per round; the batched memory
    /// figures use its micro-batch, the online ones one sample at a time.
    public var workload: Workload
    /// The counting conventions of the memory figures.
    public var profile: CountingProfile
    /// The device's energy constants, when energy is asked for.
    public var energy: DeviceEnergyProfile?

    /// Creates a setup.
    public init(topPercentage: Percentage, clients: Int, rounds: Int, reconstructionSteps: Int = 1,
                workload: Workload, profile: CountingProfile = .physical, energy: DeviceEnergyProfile? = nil) {
        precondition(TopPSelection.isValid(topPercentage), "Top-P needs 0% < P <= 100%, got \(topPercentage)")
        precondition(clients >= 1 && rounds >= 1 && reconstructionSteps >= 1, "a federated setup needs N, R, K >= 1")
        self.topPercentage = topPercentage
        self.clients = clients
        self.rounds = rounds
        self.reconstructionSteps = reconstructionSteps
        self.workload = workload
        self.profile = profile
        self.energy = energy
    }

    /// Online learning: one sample at a time (samples 1, micro-batch 1), at the workload's precision.
    public var onlineWorkload: Workload {
        Workload(samplesPerStep: 1, microBatch: 1, propagation: .batched, precision: workload.precision)
    }
}
