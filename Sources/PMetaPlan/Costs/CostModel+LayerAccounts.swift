/// The per-layer primitives of the adaptation cost: what a layer stores, holds while it runs, buffers and
/// computes under one update. `adaptation(of:workload:profile:)` and the exact planner's option costs are both
/// built from these, so they count the same bytes.
extension CostModel {
    /// What decides the tensors layer `index` keeps under `update`, with `samplesPerPass` samples in each pass.
    func backwardContext(ofLayerAt index: Int, update: LayerUpdate, isOnBackwardPath: Bool, precision: Precision,
                         samplesPerPass: Int, profile: CountingProfile) -> BackwardContext {
        let inputs = layerInputs[index]
        var context = BackwardContext(
            update: update, isOnBackwardPath: isOnBackwardPath, inputIsNetworkInput: inputs.isNetworkInput,
            inputIsLearnedTensor: inputs.isLearnedTensor, inputElements: inputs.elements, cost: layerCosts[index], profile: profile,
            activationBits: precision.activationBytes * 8)
        if profile.matrixProductsCopyStridedOperands {
            context.copiesInput = stridedLayouts.copiesInput(ofLayerAt: index, samplesPerPass: samplesPerPass)
        }
        return context
    }

    /// The tensors layer `index` stores for one sample in a step with `update`: its operator's, and the network
    /// output x_L for the loss gradient when the step updates anything (with the loss's copy of it where the
    /// profile counts one).
    func savedTensors(ofLayerAt index: Int, update: LayerUpdate, isOnBackwardPath: Bool, isOutput: Bool,
                      stepUpdatesAnything: Bool, workload: Workload, profile: CountingProfile) -> [SavedTensor] {
        let context = backwardContext(ofLayerAt: index, update: update, isOnBackwardPath: isOnBackwardPath, precision: workload.precision,
                                      samplesPerPass: workload.samplesPerPass, profile: profile)
        var saved = graph.layers[index].operation.accept(SavedTensorsVisitor(context: context))
        if profile.workingSet == .viewsOnly {
            // A tensor kept whole that is a view keeps its base's whole storage (a class token keeps every token).
            for position in saved.indices {
                guard case .input(let input) = saved[position].alias, case .layer(let producer) = graph.layers[index].inputs[input] else { continue }
                saved[position].elements = stridedLayouts.storageElements[producer]
            }
        }
        if isOutput && stepUpdatesAnything {
            saved.append(SavedTensor(kind: .networkOutput, elements: layerCosts[index].outputElements, bitsPerElement: context.activationBits,
                                     alias: .output))
            if profile.lossKeepsLogSoftmax {
                // log_softmax's result, and nll_loss's total weight (one element for the pass).
                saved.append(SavedTensor(kind: .lossInput, elements: layerCosts[index].outputElements, bitsPerElement: context.activationBits))
                saved.append(SavedTensor(kind: .lossInput, elements: 1, bitsPerElement: context.activationBits, isPerMicroBatch: true))
            }
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
        guard profile.workingSet != .inputAndOutputShare else {
            return try workingBytes(ofLayerAt: index, saved: [], update: update, inputNeedsGradient: inputNeedsGradient, workload: workload,
                                    profile: profile)
        }
        let saved = savedTensors(ofLayerAt: index, update: profile.realized(update), isOnBackwardPath: inputNeedsGradient, isOutput: false,
                                 stepUpdatesAnything: true, workload: workload, profile: profile)
        return try workingBytes(ofLayerAt: index, saved: saved, update: profile.realized(update), inputNeedsGradient: inputNeedsGradient,
                                workload: workload, profile: profile)
    }

    /// The working set of layer `index` that stores `saved` (what `savedTensors` gives for its update with the
    /// path `inputNeedsGradient`, `heldBy` marked), in the forward pass and in its backward pass.
    ///
    /// Forward: the layer's inputs and output (shared or separate as the profile says) plus the tensors later
    /// layers still need. Under `inPlaceLayersOnly` and `viewsOnly`, a tensor the layer stores whole (a conv/linear
    /// input kept for g(w_l), an activation's input or output, a product's operands) is one buffer, counted as
    /// stored, and so are the tensors earlier layers keep whole (`earlierKept`); an in-place layer cannot write its
    /// output over an input another layer keeps. The backward pass writes g(x) over an input this layer is the last
    /// to keep (where the profile allows it), but needs g(y) beside a stored output, and a new g(x) beside an input
    /// an earlier layer still keeps. A layer whose input needs no gradient (it computes no g(x)) does not hold the
    /// inputs that die with it in its backward pass, only g(y) where y was. The autograd profile adds what its
    /// framework holds besides: records the forward pass writes without a backward node, the sums of fork
    /// gradients, and the caller's output and loss through the backward pass.
    /// - Parameters:
    ///   - update: The layer's update (only the autograd profile's backward pass reads it).
    ///   - inputNeedsGradient: Whether a gradient flows into the layer's input (an updated layer or anything
    ///     downstream of one feeds it). Only `inPlaceLayersOnly` and `viewsOnly` profiles read it.
    /// - Throws: `ArithmeticOverflow`.
    func workingBytes(ofLayerAt index: Int, saved: [SavedTensor], earlierKept: EarlierKeptElements = .none, update: LayerUpdate,
                      inputNeedsGradient: Bool, workload: Workload, profile: CountingProfile) throws -> (forward: Int, backward: Int) {
        let elements = forwardWorkingElements(under: profile)[index]
        // The forward pass holds activations; the backward pass's mirror holds gradients where they were, so its
        // slots take the larger of the two precisions.
        let forwardWorking = try activationBytes(elements, workload: workload)
        let working = try Checked.product(elements, workload.samplesPerPass, workload.workingElementBytes, context: "working set")
        guard profile.workingSet != .inputAndOutputShare else { return (forwardWorking, working) }
        let sharesInput = sharesInputMemory(index, profile: profile)
        let kept = try storedForwardTensorBytes(ofLayerAt: index, saved: saved, workload: workload, profile: profile)
        var forward = forwardWorking - kept.inputs - kept.output
        if earlierKept != .none {
            forward -= try activationBytes(earlierKept.live, workload: workload)
            if sharesInput && earlierKept.dying > 0 {
                // The output shared the dying inputs' memory (max{dying, output}); kept ones are not its to take.
                let dying = dyingElements(ofLayerAt: index, profile: profile), output = storageElements(ofLayerAt: index, profile: profile)
                let own = max(dying - earlierKept.dying, output) - max(dying, output) + earlierKept.dying
                forward += try activationBytes(own, workload: workload)
            }
        }
        if profile.forwardWritesRecords {
            forward = try Checked.sum(forward, try unkeptForwardRecordBytes(ofLayerAt: index, saved: saved, workload: workload, profile: profile),
                                      context: "working set")
        }
        // The backward pass mirrors the forward working set with gradients; g(y) handed to a sum's inputs is one buffer.
        let sharedElements = profile.workingSet == .viewsOnly
            ? viewWorkingSets.sharedOutputGradientElements[index] : sharedOutputGradientElements[index]
        let shared = try Checked.product(sharedElements, workload.samplesPerPass, workload.workingElementBytes, context: "working set")
        var backward = working - kept.overwrittenByInputGradient - shared
        if inputNeedsGradient || sharesInput {
            if profile.sumsForkGradientsInNewBuffers && inputNeedsGradient {
                backward = try Checked.sum(backward, try forkGradientSumBytes(ofLayerAt: index, workload: workload, profile: profile),
                                           context: "working set")
            }
        } else {
            let dying = try Checked.product(dyingElements(ofLayerAt: index, profile: profile), workload.samplesPerPass, workload.workingElementBytes,
                                            context: "working set")
            backward = max(0, backward - max(0, dying - kept.overwrittenByInputGradient))
        }
        let autograd = try autogradBackwardBytes(ofLayerAt: index, update: update, inputNeedsGradient: inputNeedsGradient,
                                                 workload: workload, profile: profile)
        guard autograd != 0 else { return (forward, backward) }
        return (forward, max(0, try Checked.sum(backward, autograd, context: "working set")))
    }

    /// What an autograd framework's backward pass of layer `index` holds beyond the mirror of its forward working
    /// set (negative where less): a reshape's copy or view of g(y), a bias-only convolution's dropped weight
    /// gradient, a broadcast product's full-size gradient, and the caller's output and loss.
    private func autogradBackwardBytes(ofLayerAt index: Int, update: LayerUpdate, inputNeedsGradient: Bool, workload: Workload,
                                       profile: CountingProfile) throws -> Int {
        let operation = graph.layers[index].operation
        var elements = 0
        if profile.workingSet == .viewsOnly && inputNeedsGradient {
            switch stridedLayouts.backwardReshape[index] {
            case .asForward: break
            case .copiesWhereForwardViewed: elements += layerCosts[index].inputElements
            case .viewsWhereForwardCopied:
                elements -= min(dyingElements(ofLayerAt: index, profile: profile), storageElements(ofLayerAt: index, profile: profile))
            }
        }
        if profile.broadcastProductsFormFullSizeGradients && inputNeedsGradient, case .mul = operation,
           graph.inputShapes[index].contains(where: { $0 != graph.outputShapes[index] }) {
            elements += layerCosts[index].outputElements
        }
        var bytes = try Checked.product(elements, workload.samplesPerPass, workload.workingElementBytes, context: "working set")
        if profile.biasOnlyConvolutionsComputeWeightGradients && update.parameters == .biasOnly, operation.isConvolution {
            bytes += try Checked.product(layerCosts[index].weightElements, workload.precision.gradientBytes, context: "working set")
        }
        if profile.callerHoldsOutputThroughBackward && index < graph.layerCount - 1 {
            bytes = try Checked.sum(bytes, try callerHeldBytes(workload: workload), context: "working set")
        }
        if index == graph.layerCount - 1 {
            // The loss's backward pass has run: its copy of the output is gone, the caller's loss and seed are not.
            if profile.callerHoldsOutputThroughBackward { bytes += 2 * workload.precision.activationBytes }
            if profile.lossKeepsLogSoftmax {
                let copy = try Checked.sum(try Checked.product(layerCosts[index].outputElements, workload.samplesPerPass, context: "working set"), 1,
                                           context: "working set")
                bytes -= try Checked.product(copy, workload.precision.activationBytes, context: "working set")
            }
        }
        return bytes
    }

    /// Bytes of `elements` activations of one pass.
    private func activationBytes(_ elements: Int, workload: Workload) throws -> Int {
        try Checked.product(elements, workload.samplesPerPass, workload.precision.activationBytes, context: "working set")
    }

    /// What the forward pass writes beside the output even with no backward node to keep it (batch statistics, pool
    /// indices, a dropout mask, a product's operand copies), when the layer keeps none of it: the records its
    /// node would keep.
    private func unkeptForwardRecordBytes(ofLayerAt index: Int, saved: [SavedTensor], workload: Workload, profile: CountingProfile) throws -> Int {
        let kinds: Set<SavedTensor.Kind> = [.normalizationStatistics, .poolIndices, .dropoutMask, .operandCopy]
        guard !saved.contains(where: { kinds.contains($0.kind) }) else { return 0 }
        let context = backwardContext(ofLayerAt: index, update: .frozen, isOnBackwardPath: true, precision: workload.precision,
                                      samplesPerPass: workload.samplesPerPass, profile: profile)
        var bytes = 0
        for record in graph.layers[index].operation.accept(SavedTensorsVisitor(context: context)) where kinds.contains(record.kind) {
            bytes = try Checked.sum(bytes, try record.bytes(samples: workload.samplesPerPass), context: "working set")
        }
        return bytes
    }

    /// What autograd's engine adds at a layer that reads a tensor a later layer reads too: the gradient pending
    /// from the later readers stays beside this layer's new g(x), and their sum is a new buffer once g(y) is gone.
    /// The mirror holds one slot for such a tensor; the new g(x) of each (none for a view or a sum, which hand g(y)
    /// on) and the largest sum over g(y) come on top.
    private func forkGradientSumBytes(ofLayerAt index: Int, workload: Workload, profile: CountingProfile) throws -> Int {
        var total = 0
        var largest = 0
        var seen: [Int] = []
        for case .layer(let producer) in graph.layers[index].inputs where graph.lastReader[producer] > index && !seen.contains(producer) {
            seen.append(producer)
            let elements = storageElements(ofLayerAt: producer, profile: profile)
            total += elements
            largest = max(largest, elements)
        }
        guard largest > 0 else { return 0 }
        let handsOutputGradientOn = sharesInputMemory(index, profile: profile) || graph.layers[index].operation.sharesOutputGradientWithInputs
        let extra = handsOutputGradientOn ? largest : total + max(0, largest - storageElements(ofLayerAt: index, profile: profile))
        return try Checked.product(extra, workload.samplesPerPass, workload.workingElementBytes, context: "working set")
    }

    /// The network output, the loss and the loss's seed gradient, which the caller holds through the backward pass.
    private func callerHeldBytes(workload: Workload) throws -> Int {
        let output = try Checked.sum(try Checked.product(activationElements(ofLayerAt: graph.layerCount - 1), workload.samplesPerPass,
                                                         context: "working set"), 2, context: "working set")
        return try Checked.product(output, workload.precision.activationBytes, context: "working set")
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
    /// inputs whose buffer its backward pass reuses for g(x) (none where the profile writes every gradient anew).
    private func storedForwardTensorBytes(ofLayerAt index: Int, saved: [SavedTensor], workload: Workload,
                                          profile: CountingProfile) throws -> KeptForwardTensors {
        guard saved.contains(where: { $0.alias != nil }) else { return KeptForwardTensors() }
        let layer = graph.layers[index]
        let gradientWrite = profile.inputGradientsOverwriteKeptInputs ? layer.operation.keptInputGradient : .newBuffer
        let gradientIsShared = profile.workingSet == .viewsOnly ? viewWorkingSets.outputGradientIsShared[index] : outputGradientIsShared[index]
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
                       !gradientIsShared || tensor.heldBy == nil {
                        overwritten.append(producer)
                    }
                case .newBuffer: break
                }
            case .output: if tensor.heldBy == nil { outputElements = layerCosts[index].outputElements }
            case nil: break
            }
        }
        let elements = { (producers: [Int]) in
            try Checked.sum(of: producers.map { self.storageElements(ofLayerAt: $0, profile: profile) }, context: "working set")
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
        let update = profile.realized(update)
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

    /// The parameter elements `update` changes in layer `index`: the selected weights (every weight of an attended
    /// update, whose channels change from pass to pass) and the bias of a full update; the bias of a bias-only one.
    /// - Throws: `ArithmeticOverflow`.
    func updatedParameterElements(ofLayerAt index: Int, update: LayerUpdate, profile: CountingProfile) throws -> Int {
        let update = profile.realized(update)
        let cost = layerCosts[index]
        switch update.parameters {
        case .none: return 0
        case .biasOnly: return cost.biasElements
        case .all: return try Checked.sum(try selectedWeightElements(ofLayerAt: index, update: update), cost.biasElements, context: "updated parameters")
        }
    }

    /// The parameter elements `plan` updates in any of its steps (per layer the most any step updates; the free
    /// parameters when a step updates them): torchinfo's "trainable params" of the plan.
    /// - Throws: `ArithmeticOverflow`.
    public func updatedParameterCount(of plan: UpdatePlan, profile: CountingProfile) throws -> Int {
        var total = 0
        // A step equal to the one before updates the same elements.
        let distinct = plan.steps.indices.filter { $0 == 0 || plan.steps[$0] != plan.steps[$0 - 1] }.map { plan.steps[$0] }
        for index in 0..<graph.layerCount where graph.layers[index].operation.isTrainable {
            let most = try distinct.map { try updatedParameterElements(ofLayerAt: index, update: $0.layers[index], profile: profile) }.max() ?? 0
            total = try Checked.sum(total, most, context: "updated parameters")
        }
        if plan.steps.contains(where: \.updatesFreeParameters) {
            total = try Checked.sum(total, try Checked.sum(of: graph.graph.freeParameters.map(\.elementCount), context: "free parameters"),
                                    context: "updated parameters")
        }
        return total
    }

    /// The bytes layer `index`'s update holds besides its gradient, through the step and every step after it
    /// (`Workload.updateState`: optimizer state, a device's working copy of the updated weights), at the gradient's
    /// precision. The cost model and the exact planner both charge it through the whole step.
    /// - Throws: `ArithmeticOverflow`.
    func updateStateBytes(ofLayerAt index: Int, update: LayerUpdate, workload: Workload, profile: CountingProfile) throws -> Int {
        let perElement = workload.updateState.elementsPerUpdatedElement
        guard perElement > 0 else { return 0 }
        return try Checked.product(try updatedParameterElements(ofLayerAt: index, update: update, profile: profile), perElement,
                                   workload.precision.gradientBytes, context: "optimizer state")
    }

    /// `updateStateBytes` of every layer of `step` (0 for layers without parameters), then the free parameters'.
    /// - Throws: `ArithmeticOverflow`.
    func updateStateBytesByLayer(_ step: StepUpdates, workload: Workload, profile: CountingProfile) throws -> [Int] {
        var bytes = [Int](repeating: 0, count: graph.layerCount + 1)
        for layer in 0..<graph.layerCount where graph.layers[layer].operation.isTrainable {
            bytes[layer] = try updateStateBytes(ofLayerAt: layer, update: step.layers[layer], workload: workload, profile: profile)
        }
        bytes[graph.layerCount] = step.updatesFreeParameters ? try freeParameterUpdateStateBytes(workload: workload) : 0
        return bytes
    }

    /// The bytes the free parameters (a policy's log-std) hold besides their gradient when a step updates them.
    /// - Throws: `ArithmeticOverflow`.
    func freeParameterUpdateStateBytes(workload: Workload) throws -> Int {
        let perElement = workload.updateState.elementsPerUpdatedElement
        guard perElement > 0 else { return 0 }
        return try Checked.product(try Checked.sum(of: graph.graph.freeParameters.map(\.elementCount), context: "free parameters"), perElement,
                                   workload.precision.gradientBytes, context: "optimizer state")
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
