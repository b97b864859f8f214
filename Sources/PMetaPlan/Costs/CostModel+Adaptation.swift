extension CostModel {
    /// The memory over time and MACs of adapting with `plan` (Eqs. (16)-(18), evaluated layer by layer).
    ///
    /// For each inner step: the tensors each layer stores for the backward pass (Eq. (17)'s
    /// alpha-hat mu_fw m(x_{l-1}) for conv/linear layers, normalized inputs, 1-bit masks, pool indices, the
    /// output), the working set of each layer, and the weight-gradient buffers. While layer i runs, in the
    /// forward or the backward pass, what layers <= i stored is alive (later layers' tensors are freed as the
    /// backward pass walks down), so the step's peak is max_i (stored by layers <= i + working set of i) plus
    /// the gradient buffers.
    /// - Parameters:
    ///   - plan: The updates of each inner step; each step must have one entry per layer.
    ///   - workload: Samples, micro-batch, propagation and precision.
    ///   - profile: The counting conventions (`.physical` by default).
    /// - Throws: `ArithmeticOverflow` when a figure does not fit in 64 bits.
    /// - Complexity: O(K x (layers + edges)) time; a step that repeats the one before it (as every step of the
    ///   built-in methods does) is compared, not recomputed, and shares its per-layer lists, so K steps of a
    ///   100,000-layer graph take the memory of one.
    public func adaptation(of plan: UpdatePlan, workload: Workload, profile: CountingProfile = .physical) throws -> AdaptationCost {
        precondition(!plan.steps.isEmpty, "a plan needs at least one inner step")
        var steps: [StepCost] = []
        steps.reserveCapacity(plan.steps.count)
        var totalMACs = 0
        for (index, step) in plan.steps.enumerated() {
            precondition(step.layers.count == graph.layerCount, "a plan step needs one entry per layer")
            var cost: StepCost
            if index > 0, step == plan.steps[index - 1] {
                cost = steps[index - 1]
                cost.stepIndex = index
            } else {
                cost = try stepCost(step, index: index, workload: workload, profile: profile)
            }
            totalMACs = try Checked.sum(totalMACs, cost.macs.macs, context: "adaptation MACs")
            steps.append(cost)
        }
        return AdaptationCost(steps: steps, macs: MACCount(totalMACs))
    }

    /// The tensors layer `index` stores for one sample in a step with `updates`.
    func savedTensors(ofLayerAt index: Int, update: LayerUpdate, isOnBackwardPath: Bool, isOutput: Bool,
                      stepUpdatesAnything: Bool, precision: Precision, profile: CountingProfile) -> [SavedTensor] {
        let cost = layerCosts[index]
        let operation = graph.layers[index].operation
        let activationBits = precision.activationBytes * 8
        var saved: [SavedTensor] = []
        switch operation {
        case .conv2d, .linear:
            let readsNetworkInput = graph.layers[index].inputs.first == .graphInput
            if update.parameters == .all && readsNetworkInput && !profile.storesNetworkInput {
                break  // x_0 is the support sample, already in static memory
            }
            if update.parameters == .all {
                let selected = update.inputChannelRatio.selectedCount(of: cost.inputChannels)
                let perChannel = cost.inputElements / cost.inputChannels
                if selected > 0 { saved.append(SavedTensor(kind: .input, elements: selected * perChannel, bitsPerElement: activationBits)) }
            } else if profile.frozenWeightLayersStoreInput && isOnBackwardPath {
                saved.append(SavedTensor(kind: .input, elements: cost.inputElements, bitsPerElement: activationBits))
            }
        case .groupNorm, .batchNorm, .layerNorm:
            if update.parameters == .all || isOnBackwardPath {
                saved.append(SavedTensor(kind: .normalizedInput, elements: cost.inputElements, bitsPerElement: activationBits))
                if profile.countsNormalizationStatistics {
                    saved.append(SavedTensor(kind: .normalizationStatistics, elements: cost.statisticElements, bitsPerElement: activationBits))
                }
            }
        case .relu, .relu6, .leakyReLU:
            if isOnBackwardPath {
                saved.append(SavedTensor(kind: .activationMask, elements: cost.outputElements, bitsPerElement: profile.activationMaskBits))
            }
        case .maxPool:
            let bits = profile.fixedPoolIndexBits ?? Self.bitsToIndex(cost.poolWindowPositions)
            if isOnBackwardPath && bits > 0 {
                saved.append(SavedTensor(kind: .poolIndices, elements: cost.outputElements, bitsPerElement: bits))
            }
        case .averagePool, .globalAveragePool, .flatten, .add, .concat:
            break
        }
        if isOutput && stepUpdatesAnything {
            saved.append(SavedTensor(kind: .networkOutput, elements: cost.outputElements, bitsPerElement: activationBits))
        }
        return saved
    }

    /// ceil(log2(positions)): the bits that index one of `positions` window positions.
    static func bitsToIndex(_ positions: Int) -> Int {
        var bits = 0
        while (1 << bits) < positions { bits += 1 }
        return bits
    }

    /// The weight elements whose gradients an update computes: ceil(selected out x selected in / groups) x kernel area.
    func selectedWeightElements(ofLayerAt index: Int, update: LayerUpdate) throws -> Int {
        let cost = layerCosts[index]
        guard update.parameters == .all else { return 0 }
        switch graph.layers[index].operation {
        case .conv2d(let convolution):
            let selectedIn = update.inputChannelRatio.selectedCount(of: cost.inputChannels)
            let selectedOut = update.outputChannelRatio.selectedCount(of: cost.outputChannels)
            let pairs = Checked.divideRoundingUp(try Checked.product(selectedIn, selectedOut, context: "selected weights"),
                                                 by: convolution.groupCount)
            return try Checked.product(pairs, convolution.kernelSize.area, context: "selected weights")
        case .linear:
            let selectedIn = update.inputChannelRatio.selectedCount(of: cost.inputChannels)
            let selectedOut = update.outputChannelRatio.selectedCount(of: cost.outputChannels)
            return try Checked.product(selectedIn, selectedOut, context: "selected weights")
        default:
            return cost.weightElements
        }
    }

    /// The working set of layer `index` for the workload: the micro-batch when batched, one sample when
    /// streamed, at the larger of the activation and gradient precisions (forward and backward share it).
    /// - Throws: `ArithmeticOverflow`.
    private func workingBytes(ofLayerAt index: Int, workload: Workload, profile: CountingProfile) throws -> Int {
        let samples = workload.propagation == .batched ? workload.microBatch : 1
        let bytes = max(workload.precision.activationBytes, workload.precision.gradientBytes)
        let elements = profile.workingSet == .inputAndOutputShare ? workingElements[index] : separateWorkingElements[index]
        return try Checked.product(elements, samples, bytes, context: "working set")
    }

    /// The bytes of a conv/linear input that is both in the working set and stored whole for g(w_l): one
    /// buffer, so `inPlaceLayersOnly` counts it once (as stored). 0 when the input is x_0 or only partly stored.
    private func sharedStoredInputBytes(ofLayerAt index: Int, update: LayerUpdate, workload: Workload, profile: CountingProfile) throws -> Int {
        guard profile.workingSet == .inPlaceLayersOnly, graph.layers[index].operation.isWeightLayer, update.parameters == .all,
              case .layer(let producer) = graph.layers[index].inputs.first else { return 0 }
        let cost = layerCosts[index]
        guard update.inputChannelRatio.selectedCount(of: cost.inputChannels) == cost.inputChannels else { return 0 }
        let samples = workload.propagation == .batched ? workload.microBatch : 1
        return try Checked.product(graph.outputShapes[producer].elementCount, samples, workload.precision.activationBytes,
                                   context: "working set")
    }

    /// The working set of layer `index` under `update`, in the forward pass and in its backward pass.
    ///
    /// Forward: the layer's inputs and output (shared or separate as the profile says) plus the tensors later
    /// layers still need, less a whole conv/linear input that is also stored (one buffer, counted as stored).
    /// Backward: the same, except that under `inPlaceLayersOnly` a layer whose input needs no gradient (it
    /// computes no g(x)) does not hold the inputs that die with it, only g(y) where y was.
    /// - Parameter inputNeedsGradient: Whether a gradient flows into the layer's input (an updated layer or
    ///   anything downstream of one feeds it). Only `inPlaceLayersOnly` profiles read it.
    /// - Throws: `ArithmeticOverflow`.
    func workingBytes(ofLayerAt index: Int, update: LayerUpdate, inputNeedsGradient: Bool, workload: Workload,
                      profile: CountingProfile) throws -> (forward: Int, backward: Int) {
        let shared = try sharedStoredInputBytes(ofLayerAt: index, update: update, workload: workload, profile: profile)
        let forward = try workingBytes(ofLayerAt: index, workload: workload, profile: profile) - shared
        guard profile.workingSet == .inPlaceLayersOnly && !inputNeedsGradient && !graph.layers[index].operation.computesInPlace else {
            return (forward, forward)
        }
        let samples = workload.propagation == .batched ? workload.microBatch : 1
        let dying = try Checked.product(dyingInputElements[index], samples, max(workload.precision.activationBytes, workload.precision.gradientBytes),
                                        context: "working set")
        return (forward, max(0, forward - max(0, dying - shared)))
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
    /// Eq. (18) for conv/linear (bias gradients count 0), per-element terms for normalizations.
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
            let selected = try selectedWeightElements(ofLayerAt: index, update: update)
            switch operation {
            case .conv2d: return try Checked.product(graph.outputShapes[index].spatialSize, selected, context: "weight-gradient MACs")
            case .linear: return selected
            default: return cost.weightGradientMACs
            }
        }
    }

    private func stepCost(_ step: StepUpdates, index stepIndex: Int, workload: Workload, profile: CountingProfile) throws -> StepCost {
        let count = graph.layerCount
        let layers = graph.layers
        let samples = workload.samplesPerStep
        let microBatch = workload.microBatch
        let precision = workload.precision

        // Which layers receive a gradient: updated ones and everything downstream of them.
        var needsGradient = [Bool](repeating: false, count: count)
        var inputNeedsGradient = [Bool](repeating: false, count: count)
        for index in 0..<count {
            let flows = layers[index].inputs.contains { reference in
                if case .layer(let producer) = reference { return needsGradient[producer] }
                return false
            }
            inputNeedsGradient[index] = flows
            needsGradient[index] = flows || (step.layers[index].isUpdated && layers[index].operation.isTrainable)
        }
        let firstUpdated = (0..<count).first { step.layers[$0].isUpdated && layers[$0].operation.isTrainable }
        let updatesAnything = firstUpdated != nil || (step.updatesFreeParameters && !graph.graph.freeParameters.isEmpty)
        guard updatesAnything else {
            return StepCost(stepIndex: stepIndex, firstUpdatedLayer: nil, savedTensors: Array(repeating: [], count: count),
                            storedBytes: Array(repeating: 0, count: count), gradientBufferBytesPerLayer: Array(repeating: 0, count: count),
                            gradientBufferBytes: .zero,
                            peak: PeakBreakdown(layer: 0, storedBytes: .zero, workingBytes: .zero, gradientBufferBytes: .zero),
                            computesInputGradient: Array(repeating: false, count: count),
                            backwardMACsPerSample: Array(repeating: 0, count: count), forwardMACs: .zero, inputGradientMACs: .zero, weightGradientMACs: .zero, timeline: [],
                            equation17Bytes: .zero, equation16Bytes: .zero, macs: .zero)
        }
        // A step that updates only free parameters (e.g. a policy's log-std) needs only the output.
        let lowestLayer = firstUpdated ?? (count - 1)

        func isOnBackwardPath(_ index: Int) -> Bool {
            switch profile.backwardScope {
            case .downstreamOfUpdates: inputNeedsGradient[index]
            case .fromFirstUpdatedPosition: index >= lowestLayer && firstUpdated != nil
            }
        }
        func computesInputGradient(_ index: Int) -> Bool {
            guard layers[index].operation.isTrainable, let firstUpdated else { return false }
            switch profile.inputGradientScope {
            case .whereInputNeedsGradient: return inputNeedsGradient[index]
            case .afterFirstUpdatedPosition: return index > firstUpdated
            case .fromFirstUpdatedPosition: return index >= firstUpdated
            }
        }

        // What each layer stores, and its weight-gradient buffer.
        var saved: [[SavedTensor]] = []
        var storedPerSample = [Int](repeating: 0, count: count)
        var storedForBatch = [Int](repeating: 0, count: count)
        var gradientElements = [Int](repeating: 0, count: count)
        var forwardMACs = 0
        var inputGradientMACs = 0
        var weightGradientMACs = 0
        var inputGradientFlags = [Bool](repeating: false, count: count)
        var backwardPerLayer = [Int](repeating: 0, count: count)
        for index in 0..<count {
            let update = layers[index].operation.isTrainable ? step.layers[index] : .frozen
            let tensors = savedTensors(ofLayerAt: index, update: update, isOnBackwardPath: isOnBackwardPath(index),
                                       isOutput: index == count - 1, stepUpdatesAnything: true, precision: precision, profile: profile)
            saved.append(tensors)
            (storedPerSample[index], storedForBatch[index]) = try storedBytes(of: tensors, workload: workload)
            let cost = layerCosts[index]
            forwardMACs = try Checked.sum(forwardMACs, cost.forwardMACs, context: "forward MACs")
            if computesInputGradient(index) {
                inputGradientFlags[index] = true
                inputGradientMACs = try Checked.sum(inputGradientMACs, cost.inputGradientMACs, context: "input-gradient MACs")
                backwardPerLayer[index] = cost.inputGradientMACs
            }
            gradientElements[index] = try gradientBufferElements(ofLayerAt: index, update: update, profile: profile)
            let weightMACs = try weightGradientMACsPerSample(ofLayerAt: index, update: update)
            weightGradientMACs = try Checked.sum(weightGradientMACs, weightMACs, context: "weight-gradient MACs")
            backwardPerLayer[index] = try Checked.sum(backwardPerLayer[index], weightMACs, context: "backward MACs")
        }
        let freeElements = step.updatesFreeParameters
            ? try Checked.sum(of: graph.graph.freeParameters.map(\.elementCount), context: "free parameters") : 0
        let gradientBytesPerLayer = try gradientElements.map {
            try Checked.product($0, precision.gradientBytes, context: "gradient buffer")
        }
        let freeBytes = try Checked.product(freeElements, precision.gradientBytes, context: "gradient buffer")
        // The buffers alive in the forward pass and while each layer's backward pass runs.
        let forwardGradientBuffers: Int
        var backwardGradientBuffers: [Int]
        if workload.accumulatesGradients {
            forwardGradientBuffers = try Checked.sum(of: gradientBytesPerLayer + [freeBytes], context: "gradient buffers")
            backwardGradientBuffers = Array(repeating: forwardGradientBuffers, count: count)
        } else {
            switch profile.gradientBuffers {
            case .onlyWhenAccumulating:
                forwardGradientBuffers = 0
                backwardGradientBuffers = Array(repeating: 0, count: count)
            case .accumulatedOrLargestLayer:
                forwardGradientBuffers = max(gradientBytesPerLayer.max() ?? 0, freeBytes)
                backwardGradientBuffers = Array(repeating: forwardGradientBuffers, count: count)
            case .accumulatedOrEachLayerDuringItsBackward:
                forwardGradientBuffers = 0
                backwardGradientBuffers = gradientBytesPerLayer
                // Free parameters (a policy's log-std) get their gradient from the loss, at the output layer.
                backwardGradientBuffers[count - 1] = try Checked.sum(backwardGradientBuffers[count - 1], freeBytes, context: "gradient buffers")
            }
        }

        // Memory over time: while layer i runs, stored(<= i) + working(i) + gradient buffers.
        let earlierSamples: Int
        if workload.propagation == .streamed {
            let perSample = try Checked.sum(of: storedPerSample, context: "stored bytes")
            earlierSamples = try Checked.product(perSample, microBatch - 1, context: "stored bytes")
        } else {
            earlierSamples = 0
        }
        let storedThisPass = workload.propagation == .batched ? storedForBatch : storedPerSample
        var storedUpTo = [Int](repeating: 0, count: count)
        var working = [Int](repeating: 0, count: count)
        var backwardWorking = [Int](repeating: 0, count: count)
        var stored = earlierSamples
        for index in 0..<count {
            stored = try Checked.sum(stored, storedThisPass[index], context: "stored bytes")
            storedUpTo[index] = stored
            let update = layers[index].operation.isTrainable ? step.layers[index] : .frozen
            (working[index], backwardWorking[index]) = try workingBytes(ofLayerAt: index, update: update, inputNeedsGradient: inputNeedsGradient[index],
                                                                        workload: workload, profile: profile)
        }
        var timeline: [MemoryEvent] = []
        var best = 0
        var bestLive = -1
        var bestBuffers = 0
        var bestWorking = 0
        func record(_ phase: MemoryEvent.Phase, _ index: Int, buffers: Int) throws {
            let held = phase == .forward ? working[index] : backwardWorking[index]
            let live = try Checked.sum(storedUpTo[index], held, buffers, context: "adaptation peak")
            timeline.append(MemoryEvent(phase: phase, layer: index, liveBytes: ByteCount(live)))
            if live > bestLive {
                (best, bestLive, bestBuffers, bestWorking) = (index, live, buffers, held)
            }
        }
        for index in 0..<count { try record(.forward, index, buffers: forwardGradientBuffers) }
        for index in stride(from: count - 1, through: lowestLayer, by: -1) {
            try record(.backward, index, buffers: backwardGradientBuffers[index])
        }
        let bestStored = storedUpTo[best]
        let gradientBuffers = bestBuffers
        let largestStored = (0...best).max { storedThisPass[$0] < storedThisPass[$1] }
        // Eq. (16) literally: max_l m(x_l) (read as the largest working set, which is one tensor in a chain and
        // two in a residual block) + all buffers + all stored tensors, at once.
        var equation17 = 0
        for tensors in saved {
            for tensor in tensors where tensor.kind == .input {
                let bytes = workload.propagation == .batched ? try tensor.bytes(samples: microBatch)
                    : try Checked.product(try tensor.bytes(samples: 1), microBatch, context: "stored bytes")
                equation17 = try Checked.sum(equation17, bytes, context: "Eq. (17)")
            }
        }
        let largestTensor = try Checked.product(workingElements.max() ?? 0,
                                                workload.propagation == .batched ? microBatch : 1,
                                                max(precision.activationBytes, precision.gradientBytes), context: "Eq. (16)")
        let equation16 = try Checked.sum(largestTensor, try Checked.sum(of: storedForBatch, context: "Eq. (16)"), max(forwardGradientBuffers, backwardGradientBuffers.max() ?? 0),
                                         context: "Eq. (16)")
        let scaled = { (macs: Int, name: String) throws -> MACCount in
            MACCount(try Checked.product(macs, samples, context: name))
        }
        let forward = try scaled(forwardMACs, "forward MACs")
        let inputGradient = try scaled(inputGradientMACs, "input-gradient MACs")
        let weightGradient = try scaled(weightGradientMACs, "weight-gradient MACs")
        return StepCost(
            stepIndex: stepIndex, firstUpdatedLayer: firstUpdated, savedTensors: saved, storedBytes: storedForBatch,
            gradientBufferBytesPerLayer: gradientBytesPerLayer, gradientBufferBytes: ByteCount(gradientBuffers),
            peak: PeakBreakdown(layer: best, storedBytes: ByteCount(bestStored), workingBytes: ByteCount(bestWorking),
                                gradientBufferBytes: ByteCount(gradientBuffers),
                                largestStoredLayer: (largestStored.map { storedThisPass[$0] > 0 } ?? false) ? largestStored : nil),
            computesInputGradient: inputGradientFlags, backwardMACsPerSample: backwardPerLayer,
            forwardMACs: forward, inputGradientMACs: inputGradient, weightGradientMACs: weightGradient,
            timeline: timeline, equation17Bytes: ByteCount(equation17), equation16Bytes: ByteCount(equation16),
            macs: MACCount(try Checked.sum(forward.macs, inputGradient.macs, weightGradient.macs, context: "step MACs")))
    }
}
