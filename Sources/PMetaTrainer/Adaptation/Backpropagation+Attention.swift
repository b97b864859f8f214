/// Meta attention in a pass (p-Meta Sec. 3.3): channel means for meta-training, and on the device the
/// input channels γ^fw keeps and the γ-weighted gradient.
extension Backpropagation {
    /// Whether meta attention selects and weights the gradient of `layer` in this pass.
    func attentionApplies(_ layer: Int) -> Bool {
        guard let attention else { return false }
        return attention.attends(layer) && scope.updates[layer].parameters == .all
    }

    /// Records the input's channel means and, where attention applies, computes γ^fw (kept, on the ledger,
    /// until the backward pass).
    /// - Returns: The input channels attention keeps, or `nil` where it does not apply.
    mutating func forwardAttention(_ input: Tensor, layer: Int) -> [Int]? {
        let applies = attentionApplies(layer)
        guard recordsChannelMeans || applies else { return nil }
        let means = input.channelMeans()
        if recordsChannelMeans { inputMeans[layer] = means }
        guard applies, let attention else { return nil }
        let scores = attention.scores(layer: layer, means: means, isForward: true).scores
        states[layer].forwardScores = scores
        states[layer].ids.append(meter.allocate(.attentionScores, layer: layer, bytes: 4 * scores.count))
        return scores.indices.filter { scores[$0] > 0 }
    }

    /// The gradient of an attended layer: computed for the output channels with γ^bw > 0 and the input channels
    /// kept by γ^fw into a temporary compact buffer, then added into the layer's accumulator weighted by
    /// γ_{ba} = γ^fw_a γ^bw_b (Eq. (13)); the bias gradient is weighted by γ^bw. The accumulator covers every
    /// channel, because each micro-batch's scores may keep others.
    mutating func accumulateAttendedWeightGradient(_ index: Int) {
        guard let attention, let saved = states[index].input else { preconditionFailure("Backpropagation: attention without a saved input") }
        ensureAccumulator(index)
        guard case .weights(var weight, var bias) = accumulators[index]!, weight != nil else { preconditionFailure("Backpropagation: accumulator kind") }
        accumulators[index] = nil
        let outputGradient = gradients[index]!.tensor
        let backwardScores = attention.scores(layer: index, means: outputGradient.channelMeans(), isForward: false).scores
        let forwardScores = states[index].forwardScores
        let outputs = backwardScores.indices.filter { backwardScores[$0] > 0 }
        let scoresID = meter.allocate(.attentionScores, layer: index, bytes: 4 * backwardScores.count)
        var partial = WeightGradient.zeros(weightShape: weight!.weightShape, groupCount: 1, outputChannels: outputs, inputChannels: saved.channels)
        var partialBias: Tensor? = bias == nil ? nil : Tensor(zeros: [backwardScores.count])
        let partialID = meter.allocate(.weightGradient, layer: index, bytes: 4 * (partial.values.count + (partialBias?.count ?? 0)))
        switch network.operations[index] {
        case .conv2d(let conv, _):
            conv.accumulateDirectWeightGradient(outputGradient: outputGradient, saved: saved, into: &partial, biasGradient: &partialBias)
        case .linear(let linear, _):
            linear.accumulateDirectWeightGradient(outputGradient: outputGradient, saved: saved, into: &partial, biasGradient: &partialBias)
        default:
            preconditionFailure("Backpropagation: attention on a layer without weights")
        }
        let kernelElements = partial.kernelElementCount
        let partialValues = partial.values
        weight!.values.withUnsafeMutableBufferPointer { target in
            partial.forEachEntry { output, input, compactOffset, denseOffset in
                let scale = forwardScores[input] * backwardScores[output]
                for element in 0..<kernelElements { target[denseOffset + element] += scale * partialValues[compactOffset + element] }
            }
        }
        if bias != nil, let partialBias {
            for channel in 0..<backwardScores.count { bias!.values[channel] += backwardScores[channel] * partialBias.values[channel] }
        }
        meter.release(partialID)
        meter.release(scoresID)
        accumulators[index] = .weights(weight, bias: bias)
    }
}
