/// What meta attention adds to an attended conv/linear update (p-Meta Sec. 3.3.2, Appendix A.1), counted as the
/// reference trainer holds and computes it. What it stores (the kept input channels and gamma^fw) is the operator's
/// (`WeightLayerBackward`); what its backward pass holds and what it computes are here, read by
/// `adaptation(of:workload:profile:)` and the exact planner's option costs alike.
///
/// The counts are worst cases over the data: the scores keep at most `MetaAttentionRatios.mostKeptInputChannels(of:)`
/// input and `mostKeptOutputChannels(of:)` output channels, and the budget must hold whatever a pass keeps.
extension CostModel {
    /// The channels an attended update's g(w_l) covers at most, or nil for an update without attention: the input
    /// channels gamma^fw keeps (every one when the layer reads the sample x_0 where it is: kept whole, its compact
    /// gradient spans every input channel) and the output channels gamma^bw keeps.
    func attendedChannels(ofLayerAt index: Int, update: LayerUpdate, profile: CountingProfile) -> (inputs: Int, outputs: Int)? {
        guard let attention = update.attention, update.parameters == .all, graph.layers[index].operation.isWeightLayer else { return nil }
        let cost = layerCosts[index]
        let readsSampleInPlace = (layerInputs[index].isNetworkInput.first ?? false) && !profile.storesNetworkInput
        return (readsSampleInPlace ? cost.inputChannels : attention.mostKeptInputChannels(of: cost.inputChannels),
                attention.mostKeptOutputChannels(of: cost.outputChannels))
    }

    /// The bytes an attended update holds only while its own backward pass computes g(w_l), beside its dense gradient
    /// buffer: gamma^bw (C_l scores, at the activation precision) and the compact g(w_l) of the kept channels with the
    /// bias gradient of every output channel (at the gradient precision), which the pass computes before adding it,
    /// weighted by gamma^fw_a gamma^bw_b (Eq. (13)), into the buffer. One pass's, whatever its samples; 0 without attention.
    /// - Throws: `ArithmeticOverflow`.
    func attentionBackwardBytes(ofLayerAt index: Int, update: LayerUpdate, workload: Workload, profile: CountingProfile) throws -> Int {
        guard let channels = attendedChannels(ofLayerAt: index, update: update, profile: profile) else { return 0 }
        let cost = layerCosts[index]
        let partial = try weightElements(ofLayerAt: index, inputs: channels.inputs, outputs: channels.outputs)
        let bias = profile.countsBiasGradientBuffers ? cost.biasElements : 0
        let scores = try Checked.product(cost.outputChannels, workload.precision.activationBytes, context: "attention scores")
        let partialBytes = try Checked.product(try Checked.sum(partial, bias, context: "attention gradient"), workload.precision.gradientBytes,
                                               context: "attention gradient")
        return try Checked.sum(scores, partialBytes, context: "attention gradient")
    }

    /// The backward working set of layer `index` with its attended update's extra bytes (`attentionBackwardBytes`),
    /// given the working set `backward` without them. The reference trainer computes g(w_l) before g(x) and frees the
    /// scores and the compact gradient before it allocates g(x), so where g(x) is a buffer of its own (the layer keeps
    /// a compact copy of its input, not the input itself, under `inPlaceLayersOnly`) the two are never alive together:
    /// max(backward, backward - g(x) + extra). Elsewhere the extra bytes are added to the whole working set.
    /// - Throws: `ArithmeticOverflow`.
    func attendedBackwardWorkingBytes(ofLayerAt index: Int, backward: Int, update: LayerUpdate, inputNeedsGradient: Bool,
                                      workload: Workload, profile: CountingProfile) throws -> Int {
        let extra = try attentionBackwardBytes(ofLayerAt: index, update: update, workload: workload, profile: profile)
        guard extra > 0 else { return backward }
        let keepsCompactCopy = attendedChannels(ofLayerAt: index, update: update, profile: profile).map { $0.inputs < layerCosts[index].inputChannels } ?? false
        guard profile.workingSet == .inPlaceLayersOnly, inputNeedsGradient, keepsCompactCopy else {
            return try Checked.sum(backward, extra, context: "working set")
        }
        let inputGradient = min(backward, try Checked.product(layerCosts[index].inputElements, workload.samplesPerPass, workload.workingElementBytes,
                                                              context: "working set"))
        return max(backward, try Checked.sum(backward - inputGradient, extra, context: "working set"))
    }

    /// The MACs of an attended update, by what they scale with.
    struct AttentionMACs {
        /// Per sample in the forward pass: the channel means of x_{l-1} (one addition per input element).
        var forwardPerSample: Int
        /// Per forward pass: the forward module's C_{l-1} x C_{l-1} product.
        var forwardPerPass: Int
        /// Per sample in the backward pass: the channel means of g(y_l) and g(w_l) of the kept channels at every position.
        var backwardPerSample: Int
        /// Per backward pass: the backward module's C_l x C_l product and the weighted accumulation of the compact
        /// gradient (and the bias gradient) into the buffer.
        var backwardPerPass: Int
    }

    /// The MACs of an attended update of layer `index` (Appendix A.1 counts C_I H_I W_I + 2 C_I^2 + C_O H_O W_O + 2 C_O^2
    /// for the scales: two fully connected layers per module where the trainer has one), or nil without attention.
    /// Softmax and Alg. 1's clip are not counted, as no element-wise softmax is.
    /// - Throws: `ArithmeticOverflow`.
    func attentionMACs(ofLayerAt index: Int, update: LayerUpdate, profile: CountingProfile) throws -> AttentionMACs? {
        guard let channels = attendedChannels(ofLayerAt: index, update: update, profile: profile) else { return nil }
        let cost = layerCosts[index]
        let partial = try weightElements(ofLayerAt: index, inputs: channels.inputs, outputs: channels.outputs)
        let weightGradient = try Checked.product(cost.weightPositions, partial, context: "weight-gradient MACs")
        return AttentionMACs(
            forwardPerSample: cost.inputElements,
            forwardPerPass: try Checked.product(cost.inputChannels, cost.inputChannels, context: "attention MACs"),
            backwardPerSample: try Checked.sum(cost.outputElements, weightGradient, context: "weight-gradient MACs"),
            backwardPerPass: try Checked.sum(try Checked.product(cost.outputChannels, cost.outputChannels, context: "attention MACs"),
                                             partial, cost.biasElements, context: "attention MACs"))
    }
}
