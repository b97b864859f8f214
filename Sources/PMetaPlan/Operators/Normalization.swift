/// Group, batch and layer normalization: per-channel gamma and beta; x̂ and 1/std kept for the backward pass.
///
/// Channels are the first axis of `[C, H, W]` and `[C, L]`; layer normalization of features `[D]` and tokens
/// `[N, D]` normalizes over the last axis (one set of statistics per token) with gamma and beta of size D, and of
/// an image over the whole sample with gamma and beta per channel.
struct Normalization: OperatorDefinition {
    enum Kind: Hashable, Sendable {
        case group(count: Int)
        case batch
        case layer
    }

    var kind: Kind

    var arity: InputArity { .one }
    var role: ParameterRole { .normalization }
    /// x̂ and then the output overwrite x.
    var computesInPlace: Bool { true }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        let input = inputs[0]
        if case .group(let count) = kind {
            guard input.channels % count == 0 else {
                throw ShapeMismatch(message: "groups \(count) must divide the \(input.channels) input channels")
            }
        }
        return input
    }

    /// (affine size, statistics per sample).
    private func affineAndStatistics(of input: TensorShape) -> (Int, Int) {
        switch kind {
        case .group(let count): (input.channels, count)
        case .batch: (input.channels, input.channels)
        case .layer where input.dimensions.count == 2: (input.dimensions[1], input.dimensions[0])
        case .layer: (input.channels, 1)
        }
    }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        let (affine, statistics) = affineAndStatistics(of: inputs[0])
        var counts = OperatorCounts()
        counts.weightElements = affine
        counts.biasElements = affine
        if kind == .batch { counts.bufferElements = try Checked.product(2, affine, context: "running statistics") }
        counts.statisticElements = statistics
        counts.selectableChannels = affine
        let elements = output.elementCount
        counts.forwardMACs = try Checked.product(ElementwiseMACs.normalizationForward, elements, context: "MACs")
        counts.inputGradientMACs = try Checked.product(ElementwiseMACs.normalizationInputGradient, elements, context: "MACs")
        counts.weightGradientMACs = try Checked.product(ElementwiseMACs.normalizationParameterGradient, elements, context: "MACs")
        return counts
    }

    /// x̂ (and 1/std where the profile counts it) when gamma is updated or a gradient flows through; under
    /// autograd's records the input itself, the mean and 1/std whenever the backward node exists.
    func savedTensors(_ context: BackwardContext) -> [SavedTensor] {
        if context.profile.normalizationsKeepInput {
            guard context.hasBackwardNode else { return [] }
            return [SavedTensor(.layerInput, elements: context.cost.inputElements, in: context, alias: context.inputAlias(0)),
                    autogradStatistics(context)]
        }
        guard context.update.parameters == .all || context.isOnBackwardPath else { return [] }
        var saved = [SavedTensor(.normalizedInput, elements: context.cost.inputElements, in: context)]
        if context.profile.countsNormalizationStatistics {
            var statistics = SavedTensor(.normalizationStatistics, elements: context.cost.statisticElements, in: context)
            statistics.isPerMicroBatch = kind == .batch && context.profile.keepsBatchNormStatisticsOncePerMicroBatch
            saved.append(statistics)
        }
        return saved
    }

    /// The mean and 1/std autograd's normalization writes: per channel over the whole batch for batch norm, per
    /// sample and group (or token) otherwise.
    func autogradStatistics(_ context: BackwardContext) -> SavedTensor {
        var statistics = SavedTensor(.normalizationStatistics, elements: 2 * context.cost.statisticElements, in: context)
        statistics.isPerMicroBatch = kind == .batch
        return statistics
    }

    var jsonAttributes: [(key: String, value: JSONValue)] {
        if case .group(let count) = kind { return [(key: "groups", value: .integer(count))] }
        return []
    }
}
