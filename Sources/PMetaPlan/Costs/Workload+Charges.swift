/// When a workload's tensors are alive during a step: the two rules the cost model and the exact planner share.
extension Workload {
    /// When a layer's stored tensors are alive, split by lifetime.
    struct StoredCharge: Sendable {
        /// Stored in the pass that runs now: alive from the layer on, until its backward pass.
        var thisPass: Int
        /// Stored by the micro-batch's earlier samples when streamed: alive at every layer.
        var earlierSamples: Int
    }

    /// When a weight-gradient buffer is alive, split by lifetime.
    struct GradientBufferCharge: Sendable {
        /// Alive through the whole step (accumulation over micro-batches).
        var wholeStep = 0
        /// Applied as soon as computed, the largest held through the step (`accumulatedOrLargestLayer`).
        var largestThroughStep = 0
        /// Alive only while its own layer's backward pass runs (`accumulatedOrEachLayerDuringItsBackward`).
        var duringOwnBackward = 0
        /// Alive from its own layer's backward pass to the end of the step (`accumulatedOrFromEachLayersBackwardOn`).
        var fromOwnBackwardOn = 0
    }

    /// The charge of a layer whose tensors take `perSample` bytes for one sample and `forMicroBatch` for the
    /// micro-batch stored as one tensor.
    /// - Throws: `ArithmeticOverflow`.
    func storedCharge(perSample: Int, forMicroBatch: Int) throws -> StoredCharge {
        switch propagation {
        case .batched: StoredCharge(thisPass: forMicroBatch, earlierSamples: 0)
        case .streamed: StoredCharge(thisPass: perSample, earlierSamples: try Checked.product(perSample, microBatch - 1, context: "stored bytes"))
        }
    }

    /// The charge of a gradient buffer of `bytes` under `profile`.
    func gradientBufferCharge(bytes: Int, profile: CountingProfile) -> GradientBufferCharge {
        if accumulatesGradients { return GradientBufferCharge(wholeStep: bytes) }
        switch profile.gradientBuffers {
        case .onlyWhenAccumulating: return GradientBufferCharge()
        case .accumulatedOrLargestLayer: return GradientBufferCharge(largestThroughStep: bytes)
        case .accumulatedOrEachLayerDuringItsBackward: return GradientBufferCharge(duringOwnBackward: bytes)
        case .accumulatedOrFromEachLayersBackwardOn: return GradientBufferCharge(fromOwnBackwardOn: bytes)
        }
    }

    /// The bytes a learned tensor's gradient (a class token's, a position embedding's) holds from its last reader's
    /// backward pass down to its own: its buffer without accumulation, the gradient its readers wrote beside the
    /// accumulator with it. Only profiles that free each buffer after its layer's backward pass or keep it from
    /// there to the end of the step place it in time.
    func learnedTensorGradientCharge(bytes: Int, charge: GradientBufferCharge, profile: CountingProfile) -> Int {
        switch profile.gradientBuffers {
        case .accumulatedOrEachLayerDuringItsBackward: return bytes
        case .accumulatedOrFromEachLayersBackwardOn: return accumulatesGradients ? bytes : charge.fromOwnBackwardOn
        case .accumulatedOrLargestLayer, .onlyWhenAccumulating: return charge.duringOwnBackward
        }
    }

    /// Backward passes per step: one per micro-batch, the last one holding what is left.
    var backwardPassesPerStep: Int { Checked.divideRoundingUp(samplesPerStep, by: microBatch) }

    /// Forward passes per step: one per micro-batch when batched, one per sample when streamed.
    var forwardPassesPerStep: Int { propagation == .batched ? backwardPassesPerStep : samplesPerStep }

    /// Samples a working set holds: the micro-batch when batched, one sample when streamed.
    var samplesPerPass: Int { propagation == .batched ? microBatch : 1 }

    /// Bytes of one working-set element: forward and backward share it, so the larger precision.
    var workingElementBytes: Int { max(precision.activationBytes, precision.gradientBytes) }
}
