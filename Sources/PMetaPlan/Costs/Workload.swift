/// Bytes per element of each kind of tensor.
public struct Precision: Hashable, Sendable {
    /// Model weights (static memory), and everything stored with them but conv/linear biases when `biasBytes` is set.
    public var weightBytes: Int
    /// Conv and linear biases as the model stores them (4 for the int32 biases of an int8 model); nil stores them
    /// at `weightBytes`.
    public var biasBytes: Int?
    /// Activations: stored inputs, normalized inputs, the working set of the forward pass.
    public var activationBytes: Int
    /// Gradients: weight-gradient buffers and the working set of the backward pass.
    public var gradientBytes: Int

    /// Creates a precision.
    public init(weightBytes: Int = 4, activationBytes: Int = 4, gradientBytes: Int = 4, biasBytes: Int? = nil) {
        self.weightBytes = weightBytes
        self.biasBytes = biasBytes
        self.activationBytes = activationBytes
        self.gradientBytes = gradientBytes
    }

    /// float32 everywhere, the paper's 32-bit words.
    public static let float32 = Precision()
}

/// How samples travel through the network within one micro-batch.
public enum Propagation: String, Hashable, Sendable, CaseIterable {
    /// All samples of a micro-batch are one tensor: every activation scales with the micro-batch.
    case batched
    /// Samples go through one at a time (RL observations along an episode), but the tensors each stores for
    /// the backward pass pile up until the micro-batch's backward pass.
    case streamed
}

/// What one adaptation step processes, and how.
public struct Workload: Hashable, Sendable {
    /// Support samples per inner step (5 for 5-way 1-shot, 25 for 5-shot; 4,000 observations for 20 episodes of 200).
    public var samplesPerStep: Int
    /// Samples per forward/backward pass; gradients are accumulated over `samplesPerStep / microBatch` passes.
    public var microBatch: Int
    /// How samples travel within a micro-batch.
    public var propagation: Propagation
    /// Bytes per element of each tensor kind.
    public var precision: Precision
    /// Samples per inference pass, for the inference peak and its MACs.
    public var inferenceBatch: Int
    /// What each updated element holds besides its gradient (optimizer state, a working copy on a device).
    public var updateState: UpdateState

    /// Creates a workload.
    public init(samplesPerStep: Int, microBatch: Int, propagation: Propagation = .batched,
                precision: Precision = .float32, inferenceBatch: Int = 1, updateState: UpdateState = .none) {
        precondition(samplesPerStep >= 1 && microBatch >= 1 && microBatch <= samplesPerStep && inferenceBatch >= 1,
                     "a workload needs 1 <= microBatch <= samplesPerStep and inferenceBatch >= 1")
        self.samplesPerStep = samplesPerStep
        self.microBatch = microBatch
        self.propagation = propagation
        self.precision = precision
        self.inferenceBatch = inferenceBatch
        self.updateState = updateState
    }

    /// Whether gradients are accumulated over several micro-batches before the step is applied.
    public var accumulatesGradients: Bool { microBatch < samplesPerStep }

    /// The paper's few-shot default: 5-way 5-shot, gradient accumulation with micro-batch 1 (Table 2).
    public static let fewShotAccumulated = Workload(samplesPerStep: 25, microBatch: 1)
}
