import PMetaPlan

/// The loss and the backward pass: down from the output to l_min, only through layers that receive a gradient.
extension Backpropagation {
    /// Evaluates the loss on the output and runs the backward pass down to l_min.
    /// - Returns: The mean loss of the batch.
    mutating func lossAndBackward(targets: Targets, gradientScale: Float) -> Float {
        let last = network.layerCount - 1
        meter.enter(.loss, layer: last)
        if keepsOutput { keptOutput = outputs[last]!.tensor }
        let (loss, lossGradient) = Loss.evaluate(output: outputs[last]!.tensor, targets: targets, gradientScale: gradientScale)
        let gradientID = meter.allocate(.activationGradient, layer: last, bytes: 4 * lossGradient.count)
        if let id = outputs[last]!.id { meter.release(id) }
        outputs[last] = nil
        gradients = Array(repeating: nil, count: network.layerCount)
        gradients[last] = Live(tensor: lossGradient, id: gradientID)
        for index in stride(from: last, through: 0, by: -1) where scope.needsGradient[index] {
            meter.enter(.backward, layer: index)
            backwardLayer(index)
            releaseSaved(index)
            if let stepSizes = immediateStepSizes { applyAndFree(index, stepSize: stepSizes[index]) }
        }
        return loss
    }

    /// Makes g(y) of `index` safe to overwrite: when something else shares its storage, the write will
    /// copy it, so the copy gets its own ledger entry.
    /// - Returns: Whether the write will happen in place.
    @discardableResult
    mutating func makeGradientWritable(_ index: Int) -> Bool {
        let id = gradients[index]!.id!
        guard meter.ownerCount(id) > 1 else { return true }
        meter.release(id)
        gradients[index]!.id = meter.allocate(.activationGradient, layer: index, bytes: 4 * gradients[index]!.tensor.count)
        return false
    }

    /// Takes g(y) of `index` out of the pass.
    mutating func takeGradient(_ index: Int) -> Live {
        let gradient = gradients[index]!
        gradients[index] = nil
        return gradient
    }

    /// Hands g(x) to the producer of an input: kept if the producer needs it, added to what it already
    /// received (a tensor read by several layers), or freed.
    mutating func deliver(_ gradient: Live, to reference: TensorReference) {
        guard case .layer(let producer) = reference, scope.needsGradient[producer] else {
            meter.release(gradient.id!)
            return
        }
        guard gradients[producer] != nil else {
            meter.relabel(gradient.id!, as: .activationGradient, layer: producer)
            gradients[producer] = gradient
            return
        }
        makeGradientWritable(producer)
        gradients[producer]!.tensor += gradient.tensor
        meter.release(gradient.id!)
    }

    /// Records g(x_{l-1}) computed by layer `index`, frees g(y_l) and hands g(x_{l-1}) on.
    mutating func passOn(_ inputGradient: Tensor, from index: Int, to reference: TensorReference) {
        let id = meter.allocate(.activationGradient, layer: index, bytes: 4 * inputGradient.count)
        meter.release(takeGradient(index).id!)
        releaseSaved(index)
        deliver(Live(tensor: inputGradient, id: id), to: reference)
    }

    /// The gradient the producer of `reference` already received from another reader, taken out to be added to
    /// in place, when nothing else shares it; `nil` otherwise (the new gradient is then a buffer of its own).
    mutating func takeReceivedGradient(for reference: TensorReference) -> Live? {
        guard case .layer(let producer) = reference, scope.needsGradient[producer], let received = gradients[producer],
              let id = received.id, meter.ownerCount(id) == 1 else { return nil }
        gradients[producer] = nil
        return received
    }

    /// Frees g(y) and what the layer kept, and hands on g(x_{l-1}) computed into `received` (the producer's
    /// earlier gradient) or, without one, into a new buffer.
    mutating func passOn(_ inputGradient: Tensor, from index: Int, to reference: TensorReference, into received: Live?) {
        guard let received else { return passOn(inputGradient, from: index, to: reference) }
        meter.release(takeGradient(index).id!)
        releaseSaved(index)
        deliver(Live(tensor: inputGradient, id: received.id), to: reference)
    }

    /// Frees what a layer kept; called before the layer's input gradient is allocated.
    mutating func releaseSaved(_ index: Int) {
        for id in states[index].ids { meter.release(id) }
        states[index] = SavedState()
    }

    /// Adds g(w_l) and the bias gradient of a conv2d/linear layer to its accumulator.
    mutating func accumulateWeightGradient(_ index: Int) {
        let update = scope.updates[index].parameters
        guard update != .none else { return }
        if recordsChannelMeans { outputGradientMeans[index] = gradients[index]!.tensor.channelMeans() }
        if attentionApplies(index) { return accumulateAttendedWeightGradient(index) }
        ensureAccumulator(index)
        guard case .weights(var weight, var bias) = accumulators[index]! else { preconditionFailure("Backpropagation: accumulator kind") }
        accumulators[index] = nil
        let outputGradient = gradients[index]!.tensor
        if update == .all, let saved = states[index].input {
            switch network.operations[index] {
            case .conv2d(let conv, _) where kernels == .scratchFree:
                conv.accumulateDirectWeightGradient(outputGradient: outputGradient, saved: saved, into: &weight!, biasGradient: &bias)
            case .conv2d(let conv, _):
                // x_0 is kept whole; the im2col kernel wants exactly the selected channels (a copy, as
                // im2col's own scratch is, outside the ledger).
                let subset = saved.channels == weight!.inputChannels
                    ? saved : SavedInput(keeping: .only(weight!.inputChannels), of: saved.tensor)
                let computed = conv.weightGradient(outputGradient: outputGradient, saved: subset,
                                                   outputChannels: .only(weight!.outputChannels))
                weight!.values.withUnsafeMutableBufferPointer { target in
                    for position in target.indices { target[position] += computed.values[position] }
                }
                if bias != nil { outputGradient.accumulateChannelSums(into: &bias!) }
            case .linear(let linear, _):
                linear.accumulateDirectWeightGradient(outputGradient: outputGradient, saved: saved, into: &weight!, biasGradient: &bias)
            case .convolution(let conv, _, _):
                conv.accumulateWeightGradient(outputGradient: outputGradient, saved: saved, into: &weight!, biasGradient: &bias)
            default:
                preconditionFailure("Backpropagation: a weight gradient for a layer without weights")
            }
        } else if bias != nil {
            outputGradient.accumulateChannelSums(into: &bias!)
        }
        accumulators[index] = .weights(weight, bias: bias)
    }

    mutating func backwardLayer(_ index: Int) {
        let references = network.graph.layers[index].inputs
        switch network.operations[index] {
        case .conv2d(let conv, _):
            accumulateWeightGradient(index)
            let inputShape = states[index].inputShapes[0]
            releaseSaved(index)
            guard scope.inputNeedsGradient[index] else { return meter.release(takeGradient(index).id!) }
            let weight = parameters.layers[index][0]
            let outputGradient = gradients[index]!.tensor
            let received = kernels == .scratchFree ? takeReceivedGradient(for: references[0]) : nil
            let inputGradient = kernels == .scratchFree
                ? conv.directInputGradient(outputGradient: outputGradient, weight: weight, inputShape: inputShape, adding: received?.tensor)
                : conv.inputGradient(outputGradient: outputGradient, weight: weight, inputShape: inputShape)
            passOn(inputGradient, from: index, to: references[0], into: received)
        case .linear(let linear, _):
            let inputShape = states[index].inputShapes[1]
            gradients[index]!.tensor = Self.rows(gradients[index]!.tensor)
            accumulateWeightGradient(index)
            releaseSaved(index)
            guard scope.inputNeedsGradient[index] else { return meter.release(takeGradient(index).id!) }
            let received = takeReceivedGradient(for: references[0])
            let inputGradient = linear.directInputGradient(outputGradient: gradients[index]!.tensor, weight: parameters.layers[index][0],
                                                           adding: received.map { Self.rows($0.tensor) })
            passOn(inputGradient.reshaped(to: inputShape), from: index, to: references[0], into: received)
        case .convolution(let conv, _, let isSequence):
            if isSequence { gradients[index]!.tensor = Self.image(gradients[index]!.tensor) }
            accumulateWeightGradient(index)
            let inputShape = states[index].inputShapes[0]
            releaseSaved(index)
            guard scope.inputNeedsGradient[index] else { return meter.release(takeGradient(index).id!) }
            let received = takeReceivedGradient(for: references[0])
            var inputGradient = conv.inputGradient(outputGradient: gradients[index]!.tensor, weight: parameters.layers[index][0], inputShape: inputShape,
                                                   adding: received.map { $0.tensor.reshaped(to: inputShape) })
            if isSequence { inputGradient = inputGradient.reshaped(to: [inputShape[0], inputShape[1], inputShape[3]]) }
            passOn(inputGradient, from: index, to: references[0], into: received)
        case .groupNorm(let norm), .tokenNorm(let norm):
            let isInPlace = makeGradientWritable(index)
            let shape = gradients[index]!.tensor.shape
            if case .tokenNorm = network.operations[index] { gradients[index]!.tensor = Self.rows(gradients[index]!.tensor) }
            let address = Self.address(gradients[index]!.tensor)
            var scaleGradient: Tensor?
            var shiftGradient: Tensor?
            let isUpdated = scope.updates[index].isUpdated
            if isUpdated {
                ensureAccumulator(index)
                guard case .normalization(let scale, let shift) = accumulators[index]! else { preconditionFailure("Backpropagation: accumulator kind") }
                accumulators[index] = nil
                (scaleGradient, shiftGradient) = (scale, shift)
            }
            let computesInputGradient = scope.inputNeedsGradient[index]
            norm.backwardInPlace(&gradients[index]!.tensor, scale: parameters.layers[index][0], normalizedInput: states[index].normalized,
                                 reciprocals: states[index].reciprocals, computesInputGradient: computesInputGradient,
                                 scaleGradient: &scaleGradient, shiftGradient: &shiftGradient)
            Self.checkInPlace(gradients[index]!.tensor, wasAt: address, isInPlace, "group norm backward")
            if isUpdated { accumulators[index] = .normalization(scale: scaleGradient, shift: shiftGradient) }
            releaseSaved(index)
            gradients[index]!.tensor = gradients[index]!.tensor.reshaped(to: shape)
            let gradient = takeGradient(index)
            if computesInputGradient { deliver(gradient, to: references[0]) } else { meter.release(gradient.id!) }
        case .activation(let function):
            let isInPlace = makeGradientWritable(index)
            let address = Self.address(gradients[index]!.tensor)
            function.backwardInPlace(&gradients[index]!.tensor, mask: states[index].packed!)
            Self.checkInPlace(gradients[index]!.tensor, wasAt: address, isInPlace, "activation backward")
            releaseSaved(index)
            deliver(takeGradient(index), to: references[0])
        case .maxPool(let pool):
            let inputGradient = pool.backward(outputGradient: gradients[index]!.tensor, indices: states[index].packed!,
                                              inputShape: states[index].inputShapes[0])
            passOn(inputGradient, from: index, to: references[0])
        case .averagePool(let pool):
            let inputGradient = pool.backward(outputGradient: gradients[index]!.tensor, inputShape: states[index].inputShapes[0])
            passOn(inputGradient, from: index, to: references[0])
        case .globalAveragePool:
            let inputGradient = GlobalAvgPool.backward(outputGradient: gradients[index]!.tensor, inputShape: states[index].inputShapes[0])
            passOn(inputGradient, from: index, to: references[0])
        case .flatten:
            let gradient = takeGradient(index)
            let inputShape = states[index].inputShapes[0]
            deliver(Live(tensor: Flatten.backward(outputGradient: gradient.tensor, inputShape: inputShape), id: gradient.id),
                    to: references[0])
        case .add:
            backwardAdd(index)
        default:
            backwardOperator(index)
        }
    }
}
