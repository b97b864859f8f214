/// What a network is trained to output for a batch.
public enum Targets: Sendable, Hashable {
    /// Class indices, for softmax cross-entropy.
    case classes([Int])
    /// Real values shaped like the output, for mean squared error.
    case values(Tensor)

    /// The number of samples.
    public var count: Int {
        switch self {
        case .classes(let labels): labels.count
        case .values(let values): values.batchSize
        }
    }
}

/// Samples and their targets: a support set, a query set, or one micro-batch of a support set.
public struct Batch: Sendable, Hashable {
    /// `[N] + x_0`.
    public var inputs: Tensor
    /// N targets.
    public var targets: Targets

    /// Creates a batch.
    public init(inputs: Tensor, targets: Targets) {
        precondition(inputs.batchSize == targets.count, "Batch: \(inputs.batchSize) inputs for \(targets.count) targets")
        self.inputs = inputs
        self.targets = targets
    }

    /// The number of samples.
    public var count: Int { inputs.batchSize }

    /// Samples `range`, in order.
    public func samples(_ range: Range<Int>) -> Batch {
        let perSample = inputs.count / max(1, inputs.batchSize)
        let inputs = Tensor(shape: [range.count] + self.inputs.shape.dropFirst(),
                            values: Array(self.inputs.values[(range.lowerBound * perSample)..<(range.upperBound * perSample)]))
        switch targets {
        case .classes(let labels):
            return Batch(inputs: inputs, targets: .classes(Array(labels[range])))
        case .values(let values):
            let width = values.count / max(1, values.batchSize)
            return Batch(inputs: inputs, targets: .values(Tensor(shape: [range.count] + values.shape.dropFirst(),
                                                                 values: Array(values.values[(range.lowerBound * width)..<(range.upperBound * width)]))))
        }
    }

    /// The batch cut into consecutive micro-batches of `size` samples (the last may be smaller), for
    /// gradient accumulation (p-Meta Sec. 3.5.1). One micro-batch is the batch itself (no copy); several are
    /// copies of the samples, which, like the samples, are static memory outside the adaptation ledger.
    public func microBatches(of size: Int) -> [Batch] {
        precondition(size >= 1, "Batch: micro-batch size must be positive")
        if size >= count { return [self] }
        return stride(from: 0, to: count, by: size).map { samples($0..<min(count, $0 + size)) }
    }
}
