/// The per-layer primitives of the adaptation cost: what a layer stores, holds while it runs, buffers and
/// computes under one update. `adaptation(of:workload:profile:)` and the exact planner's option costs are both
/// built from these, so they count the same bytes.
extension CostModel {
    /// What decides the tensors layer `index` keeps under `update`.
    func backwardContext(ofLayerAt index: Int, update: LayerUpdate, isOnBackwardPath: Bool, precision: Precision,
                         profile: CountingProfile) -> BackwardContext {
        let inputs = layerInputs[index]
        return BackwardContext(
            update: update, isOnBackwardPath: isOnBackwardPath, inputIsNetworkInput: inputs.isNetworkInput,
            inputIsLearnedTensor: inputs.isLearnedTensor, inputElements: inputs.elements, cost: layerCosts[index], profile: profile,
            activationBits: precision.activationBytes * 8)
    }

    /// The tensors layer `index` stores for one sample in a step with `update`: its operator's, and the network
    /// output x_L for the loss gradient when the step updates anything.
    func savedTensors(ofLayerAt index: Int, update: LayerUpdate, isOnBackwardPath: Bool, isOutput: Bool,
                      stepUpdatesAnything: Bool, precision: Precision, profile: CountingProfile) -> [SavedTensor] {
        let context = backwardContext(ofLayerAt: index, update: update, isOnBackwardPath: isOnBackwardPath, precision: precision, profile: profile)
        var saved = graph.layers[index].operation.accept(SavedTensorsVisitor(context: context))
        if isOutput && stepUpdatesAnything {
            saved.append(SavedTensor(kind: .networkOutput, elements: layerCosts[index].outputElements, bitsPerElement: context.activationBits,
                                     alias: .output))
        }
        return saved
    }

    /// The weight elements whose gradients an update accumulates: mu_fw mu_bw m(w_l) for a conv/linear layer (every
    /// weight for an attended one, whose passes may each keep other channels), every weight for others, none unless
    /// the weights are updated.
    /// - Throws: `ArithmeticOverflow`.
    func selectedWeightElements(ofLayerAt index: Int, update: LayerUpdate) throws -> Int {
        guard update.parameters == .all else { return 0 }
        let cost = layerCosts[index]
        guard !update.isAttended else { return try weightElements(ofLayerAt: index, inputs: cost.inputChannels, outputs: cost.outputChannels) }
        return try weightElements(ofLayerAt: index, inputs: update.inputChannelRatio.selectedCount(of: cost.inputChannels),
                                  outputs: update.outputChannelRatio.selectedCount(of: cost.outputChannels))
    }

    /// The weight elements that link `inputs` selected input channels with `outputs` selected output channels (the
    /// first ones, as the trainer keeps them) of layer `index`; every weight for layers that select no channels.
    /// - Throws: `ArithmeticOverflow`.
    func weightElements(ofLayerAt index: Int, inputs: Int, outputs: Int) throws -> Int {
        try graph.layers[index].operation.accept(SelectedWeightsVisitor(selectedInputs: inputs, selectedOutputs: outputs,
                                                                        cost: layerCosts[index])).get()
    }

    /// The working set of layer `index` under `update`, in the forward pass and in its backward pass, when no
    /// earlier layer keeps a buffer it holds (see `workingBytes(ofLayerAt:saved:earlierKept:...)`).
    /// - Throws: `ArithmeticOverflow`.
    func workingBytes(ofLayerAt index: Int, update: LayerUpdate, inputNeedsGradient: Bool, workload: Workload,
                      profile: CountingProfile) throws -> (forward: Int, backward: Int) {
        guard profile.workingSet == .inPlaceLayersOnly else {
            return try workingBytes(ofLayerAt: index, saved: [], inputNeedsGradient: inputNeedsGradient, workload: workload, profile: profile)
        }
        let context = backwardContext(ofLayerAt: index, update: update, isOnBackwardPath: inputNeedsGradient, precision: workload.precision, profile: profile)
        return try workingBytes(ofLayerAt: index, saved: graph.layers[index].operation.accept(SavedTensorsVisitor(context: context)),
                                inputNeedsGradient: inputNeedsGradient, workload: workload, profile: profile)
    }

    /// The working set of layer `index` that stores `saved` (what `savedTensors` gives for its update with the
    /// path `inputNeedsGradient`, `heldBy` marked), in the forward pass and in its backward pass.
    ///
    /// Forward: the layer's inputs and output (shared or separate as the profile says) plus the tensors later
    /// layers still need. Under `inPlaceLayersOnly`, a tensor the layer stores whole (a conv/linear input kept
    /// for g(w_l), an activation's input or output, a product's operands) is one buffer, counted as stored, and
    /// so are the tensors earlier layers keep whole (`earlierKept`); an in-place layer cannot write its output
    /// over an input another layer keeps. The backward pass writes g(x) over an input this layer is the last to
    /// keep, but needs g(y) beside a stored output, and a new g(x) beside an input an earlier layer still keeps.
    /// A layer whose input needs no gradient (it computes no g(x)) does not hold the inputs that die with it in
    /// its backward pass, only g(y) where y was.
    /// - Parameter inputNeedsGradient: Whether a gradient flows into the layer's input (an updated layer or
    ///   anything downstream of one feeds it). Only `inPlaceLayersOnly` profiles read it.
    /// - Throws: `ArithmeticOverflow`.
    func workingBytes(ofLayerAt index: Int, saved: [SavedTensor], earlierKept: EarlierKeptElements = .none, inputNeedsGradient: Bool,
                      workload: Workload, profile: CountingProfile) throws -> (forward: Int, backward: Int) {
        let elements = profile.workingSet == .inputAndOutputShare ? workingElements[index] : separateWorkingElements[index]
        let working = try Checked.product(elements, workload.samplesPerPass, workload.workingElementBytes, context: "working set")
        guard profile.workingSet == .inPlaceLayersOnly else { return (working, working) }
        let kept = try storedForwardTensorBytes(ofLayerAt: index, saved: saved, workload: workload)
        var forward = working - kept.inputs - kept.output
        if earlierKept != .none {
            forward -= try activationBytes(earlierKept.live, workload: workload)
            let operation = graph.layers[index].operation
            if operation.computesInPlace && earlierKept.dying > 0 {
                // The output shared the dying inputs' memory (max{dying, output}); kept ones are not its to take.
                let dying = dyingInputElements[index], output = activationElements(ofLayerAt: index)
                let own = max(dying - earlierKept.dying, output) - max(dying, output) + earlierKept.dying
                forward += try Checked.product(own, workload.samplesPerPass, workload.workingElementBytes, context: "working set")
            }
        }
        // The backward pass mirrors the forward working set with gradients; g(y) handed to a sum's inputs is one buffer.
        let shared = try Checked.product(sharedOutputGradientElements[index], workload.samplesPerPass, workload.workingElementBytes,
                                         context: "working set")
        let backward = working - kept.overwrittenByInputGradient - shared
        guard !inputNeedsGradient && !graph.layers[index].operation.computesInPlace else { return (forward, backward) }
        let dying = try Checked.product(dyingInputElements[index], workload.samplesPerPass, workload.workingElementBytes, context: "working set")
        return (forward, max(0, backward - max(0, dying - kept.overwrittenByInputGradient)))
    }

    /// Bytes of `elements` activations of one pass.
    private func activationBytes(_ elements: Int, workload: Workload) throws -> Int {
        try Checked.product(elements, workload.samplesPerPass, workload.precision.activationBytes, context: "working set")
    }

    /// What a layer stores whole of its own forward tensors and holds itself (not what an earlier layer holds).
    private struct KeptForwardTensors {
        /// Its inputs, each buffer once.
        var inputs = 0
        /// Kept inputs that die with the layer and whose buffer g(x) takes (`Operation.keptInputGradient`).
        var overwrittenByInputGradient = 0
        /// Its output.
        var output = 0
    }

    /// The bytes of the layer's inputs and of its output that it stores whole and holds itself, and of the kept
    /// inputs whose buffer its backward pass reuses for g(x).
    private func storedForwardTensorBytes(ofLayerAt index: Int, saved: [SavedTensor], workload: Workload) throws -> KeptForwardTensors {
        guard saved.contains(where: { $0.alias != nil }) else { return KeptForwardTensors() }
        let layer = graph.layers[index]
        let gradientWrite = layer.operation.keptInputGradient
        var producers: [Int] = []
        var overwritten: [Int] = []
        var outputElements = 0
        for tensor in saved {
            switch tensor.alias {
            case .input(let position):
                guard case .layer(let producer) = layer.inputs[position], graph.layers[producer].operation.producesActivation else { continue }
                if tensor.heldBy == nil && !producers.contains(producer) { producers.append(producer) }
                guard graph.lastReader[producer] == index, !overwritten.contains(producer) else { continue }
                switch gradientWrite {
                case .overKeptInput:
                    if tensor.heldBy == nil { overwritten.append(producer) }
                case .overOutputGradientOrOperand:
                    // One operand of the output's shape: over g(y), or over the operand when g(y) is shared.
                    if overwritten.isEmpty, graph.inputShapes[index][position] == graph.outputShapes[index],
                       !outputGradientIsShared[index] || tensor.heldBy == nil {
                        overwritten.append(producer)
                    }
                case .newBuffer: break
                }
            case .output: if tensor.heldBy == nil { outputElements = layerCosts[index].outputElements }
            case nil: break
            }
        }
        let elements = { (producers: [Int]) in
            try Checked.sum(of: producers.map { self.graph.outputShapes[$0].elementCount }, context: "working set")
        }
        return KeptForwardTensors(inputs: try activationBytes(try elements(producers), workload: workload),
                                  overwrittenByInputGradient: try activationBytes(try elements(overwritten), workload: workload),
                                  output: try activationBytes(outputElements, workload: workload))
    }

    /// The bytes `tensors` take for one sample and for the workload's micro-batch (batched: one tensor of
    /// the micro-batch, rounded up to whole bytes; streamed: each sample's tensors separately).
    /// - Throws: `ArithmeticOverflow`.
    func storedBytes(of tensors: [SavedTensor], workload: Workload) throws -> (perSample: Int, forMicroBatch: Int) {
        var perSample = 0
        var forMicroBatch = 0
        for tensor in tensors {
            let one = try tensor.bytes(samples: 1)
            perSample = try Checked.sum(perSample, one, context: "stored bytes")
            let batch = workload.propagation == .batched
                ? try tensor.bytes(samples: workload.microBatch)
                : try Checked.product(one, workload.microBatch, context: "stored bytes")
            forMicroBatch = try Checked.sum(forMicroBatch, batch, context: "stored bytes")
        }
        return (perSample, forMicroBatch)
    }

    /// The elements of layer `index`'s weight-gradient buffer under `update`: selected weights (mu_fw mu_bw
    /// m(w_l)) and, where the profile counts them, biases; a normalization's gamma and beta.
    /// - Throws: `ArithmeticOverflow`.
    func gradientBufferElements(ofLayerAt index: Int, update: LayerUpdate, profile: CountingProfile) throws -> Int {
        let cost = layerCosts[index]
        switch update.parameters {
        case .none:
            return 0
        case .biasOnly:
            return cost.biasElements
        case .all:
            let selected = try selectedWeightElements(ofLayerAt: index, update: update)
            let bias = (graph.layers[index].operation.isNormalization || profile.countsBiasGradientBuffers) ? cost.biasElements : 0
            return try Checked.sum(selected, bias, context: "gradient buffer")
        }
    }

    /// The weight-gradient MACs of layer `index` under `update` for one sample: mu_fw mu_bw H_l W_l m(w_l) in
    /// Eq. (18) for conv/linear (each selected weight once per position; bias gradients count 0), per-element
    /// terms for normalizations. An attended update computes g(w_l) for the channels its scores keep (at most) and
    /// averages g(y_l) per channel for gamma^bw (`attentionMACs`).
    /// - Throws: `ArithmeticOverflow`.
    func weightGradientMACsPerSample(ofLayerAt index: Int, update: LayerUpdate, profile: CountingProfile) throws -> Int {
        let cost = layerCosts[index]
        let operation = graph.layers[index].operation
        switch update.parameters {
        case .none:
            return 0
        case .biasOnly:
            return operation.isNormalization ? cost.weightGradientMACs / 2 : 0
        case .all:
            guard operation.isWeightLayer else { return cost.weightGradientMACs }
            if let attention = try attentionMACs(ofLayerAt: index, update: update, profile: profile) { return attention.backwardPerSample }
            return try Checked.product(cost.weightPositions, try selectedWeightElements(ofLayerAt: index, update: update),
                                       context: "weight-gradient MACs")
        }
    }
}
