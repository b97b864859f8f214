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
            saved.append(SavedTensor(kind: .networkOutput, elements: layerCosts[index].outputElements, bitsPerElement: context.activationBits))
        }
        return saved
    }

    /// The weight elements whose gradients an update computes: mu_fw mu_bw m(w_l) for a conv/linear layer,
    /// every weight for others, none unless the weights are updated.
    /// - Throws: `ArithmeticOverflow`.
    func selectedWeightElements(ofLayerAt index: Int, update: LayerUpdate) throws -> Int {
        guard update.parameters == .all else { return 0 }
        let cost = layerCosts[index]
        return try graph.layers[index].operation.accept(SelectedWeightsVisitor(
            selectedInputs: update.inputChannelRatio.selectedCount(of: cost.inputChannels),
            selectedOutputs: update.outputChannelRatio.selectedCount(of: cost.outputChannels), cost: cost)).get()
    }

    /// The working set of layer `index` under `update`, in the forward pass and in its backward pass.
    ///
    /// Forward: the layer's inputs and output (shared or separate as the profile says) plus the tensors later
    /// layers still need. Under `inPlaceLayersOnly`, a tensor the layer stores whole (a conv/linear input kept
    /// for g(w_l), an activation's input or output, a product's operands) is one buffer, counted as stored;
    /// the backward pass writes g(x) over a stored input, but needs g(y) beside a stored output. A layer whose
    /// input needs no gradient (it computes no g(x)) does not hold the inputs that die with it in its backward
    /// pass, only g(y) where y was.
    /// - Parameter inputNeedsGradient: Whether a gradient flows into the layer's input (an updated layer or
    ///   anything downstream of one feeds it). Only `inPlaceLayersOnly` profiles read it.
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

    /// The same for a layer that stores `saved` (what `savedTensors` gives for its update with the path
    /// `inputNeedsGradient`), so a caller that has them does not compute them again.
    func workingBytes(ofLayerAt index: Int, saved: [SavedTensor], inputNeedsGradient: Bool, workload: Workload,
                      profile: CountingProfile) throws -> (forward: Int, backward: Int) {
        let elements = profile.workingSet == .inputAndOutputShare ? workingElements[index] : separateWorkingElements[index]
        let working = try Checked.product(elements, workload.samplesPerPass, workload.workingElementBytes, context: "working set")
        guard profile.workingSet == .inPlaceLayersOnly else { return (working, working) }
        let (inputShared, outputShared) = try storedForwardTensorBytes(ofLayerAt: index, saved: saved, workload: workload)
        let forward = working - inputShared - outputShared
        let backward = working - inputShared
        guard !inputNeedsGradient && !graph.layers[index].operation.computesInPlace else { return (forward, backward) }
        let dying = try Checked.product(dyingInputElements[index], workload.samplesPerPass, workload.workingElementBytes, context: "working set")
        return (forward, max(0, backward - max(0, dying - inputShared)))
    }

    /// The bytes of the layer's inputs and of its output that it stores whole (each input buffer once).
    private func storedForwardTensorBytes(ofLayerAt index: Int, saved: [SavedTensor], workload: Workload) throws -> (inputs: Int, output: Int) {
        guard saved.contains(where: { $0.alias != nil }) else { return (0, 0) }
        var producers: [Int] = []
        var outputElements = 0
        for tensor in saved {
            switch tensor.alias {
            case .input(let position):
                if case .layer(let producer) = graph.layers[index].inputs[position], graph.layers[producer].operation.producesActivation,
                   !producers.contains(producer) {
                    producers.append(producer)
                }
            case .output: outputElements = layerCosts[index].outputElements
            case nil: break
            }
        }
        let inputElements = try Checked.sum(of: producers.map { graph.outputShapes[$0].elementCount }, context: "working set")
        let bytes = { (elements: Int) in
            try Checked.product(elements, workload.samplesPerPass, workload.precision.activationBytes, context: "working set")
        }
        return (try bytes(inputElements), try bytes(outputElements))
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
    /// terms for normalizations.
    /// - Throws: `ArithmeticOverflow`.
    func weightGradientMACsPerSample(ofLayerAt index: Int, update: LayerUpdate) throws -> Int {
        let cost = layerCosts[index]
        let operation = graph.layers[index].operation
        switch update.parameters {
        case .none:
            return 0
        case .biasOnly:
            return operation.isNormalization ? cost.weightGradientMACs / 2 : 0
        case .all:
            guard operation.isWeightLayer else { return cost.weightGradientMACs }
            return try Checked.product(cost.weightPositions, try selectedWeightElements(ofLayerAt: index, update: update),
                                       context: "weight-gradient MACs")
        }
    }
}
