/// A moment of one adaptation step, for the memory-over-time timeline.
public struct MemoryEvent: Hashable, Sendable {
    /// Forward or backward pass.
    public enum Phase: String, Hashable, Sendable { case forward, backward }
    /// The pass.
    public var phase: Phase
    /// The layer being computed.
    public var layer: Int
    /// Live dynamic memory while it is computed.
    public var liveBytes: ByteCount
}

/// What makes up the peak of one step.
public struct PeakBreakdown: Hashable, Sendable {
    /// The layer being computed at the peak.
    public var layer: Int
    /// Tensors stored for the backward pass by layers up to `layer` (and, when streamed, by earlier samples).
    public var storedBytes: ByteCount
    /// The working set (input and output of the layer, and tensors later layers need) at `layer`.
    public var workingBytes: ByteCount
    /// Weight-gradient buffers.
    public var gradientBufferBytes: ByteCount
    /// Optimizer state and working copies of the updated weights (`Workload.updateState`), held through the step:
    /// this step's updates' and those of earlier steps that this step no longer updates.
    public var updateStateBytes: ByteCount = .zero
    /// The layer whose stored tensors are the largest part of `storedBytes`.
    public var largestStoredLayer: Int?

    /// The total.
    public var total: ByteCount { ByteCount(storedBytes.bytes + workingBytes.bytes + gradientBufferBytes.bytes + updateStateBytes.bytes) }
}

/// The memory and MACs of one inner step k.
public struct StepCost: Hashable, Sendable {
    /// k - 1.
    public var stepIndex: Int
    /// l_min, the first updated layer in graph order, or nil when the step updates nothing (and costs nothing).
    public var firstUpdatedLayer: Int?
    /// What each layer keeps for the backward pass, per sample.
    public var savedTensors: [[SavedTensor]]
    /// Bytes each layer keeps for the whole micro-batch.
    public var storedBytes: [Int]
    /// Bytes of each layer's weight-gradient buffer (gradient precision); free parameters are not in this list.
    public var gradientBufferBytesPerLayer: [Int]
    /// The weight-gradient buffers counted in the peak (all with accumulation; see `CountingProfile`).
    public var gradientBufferBytes: ByteCount
    /// The peak and what makes it up.
    public var peak: PeakBreakdown
    /// Whether each layer's input gradient is computed.
    public var computesInputGradient: [Bool]
    /// Backward MACs of each layer for one sample: its input gradient (if computed) and weight gradient.
    public var backwardMACsPerSample: [Int]
    /// Forward MACs over all samples of the step.
    public var forwardMACs: MACCount
    /// Input-gradient MACs (including normalization backward) over all samples.
    public var inputGradientMACs: MACCount
    /// Weight-gradient MACs over all samples.
    public var weightGradientMACs: MACCount
    /// Live memory at each layer of the forward pass, then the backward pass down to l_min.
    public var timeline: [MemoryEvent]
    /// Eq. (17), the dominant term: the stored inputs sum alpha-hat_l mu_l m(x_{l-1}) of updated conv/linear layers.
    public var equation17Bytes: ByteCount
    /// Eq. (16) taken literally: the largest working set, every stored tensor and every gradient buffer at once.
    /// It over-counts: late layers' stored tensors and early layers' working sets are never alive together.
    public var equation16Bytes: ByteCount

    /// All MACs of the step.
    public var macs: MACCount

    /// Whether the per-layer lists are here: false for the steps other than the peak step of a cost made with
    /// `CostModel.LayerDetail.peakStepOnly`.
    public var hasLayerDetail: Bool { !storedBytes.isEmpty }

    /// Empties the per-layer lists, keeping the figures.
    mutating func dropLayerDetail() {
        savedTensors = []
        storedBytes = []
        gradientBufferBytesPerLayer = []
        computesInputGradient = []
        backwardMACsPerSample = []
        timeline = []
    }
}

/// The cost of an adaptation plan: every inner step, the peak over steps and the MACs summed over steps.
public struct AdaptationCost: Hashable, Sendable {
    /// Each inner step.
    public var steps: [StepCost]

    /// The step with the largest peak.
    public var peakStep: StepCost {
        steps.max { $0.peak.total < $1.peak.total } ?? steps[0]
    }

    /// The peak dynamic memory of adaptation: the largest step's.
    public var peak: ByteCount { peakStep.peak.total }

    /// MACs of all steps.
    public var macs: MACCount
}
