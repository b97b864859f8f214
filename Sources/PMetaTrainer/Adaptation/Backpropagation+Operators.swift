import PMetaPlan

/// The forward and backward passes of the operators beyond the convolutional core: smooth activations,
/// softmax, dropout, broadcast sums and products, matrix products, layout operations and learned tensors.
///
/// What each keeps follows the physical profile of the cost model (`Operators/` in PMetaPlan): sigmoid, tanh
/// and softmax keep their output and hard-swish, SiLU and GELU their input (the forward buffer itself, one
/// more owner, not a copy); dropout keeps a 1-bit mask; a product keeps its activation operands; layout
/// operations, sums and scales keep nothing; reshapes are views. Every backward pass that is element-wise in
/// g(y) writes g(x) over g(y).
extension Backpropagation {
    /// The producer of an input, when it is a layer that needs its gradient.
    func needsGradient(_ reference: TensorReference) -> Bool {
        if case .layer(let producer) = reference { return scope.needsGradient[producer] }
        return false
    }

    /// Whether `takeForWriting` would hand out the input's own buffer (its last reader, nothing else owns it).
    func canOverwrite(_ reference: TensorReference) -> Bool {
        guard case .layer(let producer) = reference, remainingConsumers[producer] == 1, let id = outputs[producer]?.id else { return false }
        return meter.ownerCount(id) == 1
    }

    /// Whether an input is a learned tensor (a class token, a position embedding).
    func isLearnedTensor(_ reference: TensorReference) -> Bool {
        if case .layer(let producer) = reference { return network.graph.layers[producer].operation.isLearnedTensor }
        return false
    }

    /// The shape of the layer's batched output for a batch of `samples`.
    func batchedOutputShape(_ index: Int, samples: Int) -> [Int] {
        [samples] + network.graph.outputShapes[index].dimensions
    }

    /// Keeps a forward tensor whole for the backward pass: one more owner of its buffer (x_0 is static memory).
    mutating func keepWhole(_ live: Live, as kind: MemoryMeter.BufferKind, layer: Int) {
        states[layer].kept.append(live.tensor)
        states[layer].keptIDs.append(live.id)
        if let id = live.id {
            meter.retain(id, as: kind, layer: layer)
            states[layer].ids.append(id)
        }
    }

    /// Records `tensor` as a new activation of `layer`.
    mutating func newActivation(_ tensor: Tensor, layer: Int) -> Live {
        Live(tensor: tensor, id: meter.allocate(.activation, layer: layer, bytes: 4 * tensor.count))
    }

    // MARK: - Forward

    /// The sum of the inputs, broadcast: written over an input of the output's shape when this layer is its last
    /// reader, else into a new buffer.
    mutating func forwardAdd(_ index: Int, graphInput: Tensor) -> Live {
        let references = network.graph.layers[index].inputs
        let shapes = references.map { input($0, graphInput: graphInput).tensor.shape }
        let rank = shapes.map(\.count).max()!
        let aligned = shapes.map { Broadcast.aligned($0, rank: rank) }
        let shape = Broadcast.shape(aligned)!
        states[index].inputShapes = shapes
        // Written over an input of the output's shape that nothing else holds (not one a layer keeps whole), when
        // there is one: the cost model's in-place sum.
        let candidates = aligned.indices.filter { aligned[$0] == shape }
        let full = candidates.first { canOverwrite(references[$0]) } ?? candidates.first
        var tensor: Tensor
        var id: MemoryMeter.BufferID
        var isMoved = false
        if let full {
            (tensor, id, isMoved) = takeForWriting(references[full], layer: index, graphInput: graphInput)
            tensor = tensor.reshaped(to: shape)
        } else {
            tensor = Tensor(zeros: shape)
            id = meter.allocate(.activation, layer: index, bytes: 4 * tensor.count)
        }
        let address = Self.address(tensor)
        for (position, reference) in references.enumerated() where position != full {
            Broadcast.add(input(reference, graphInput: graphInput).tensor.reshaped(to: aligned[position]), into: &tensor)
        }
        Self.checkInPlace(tensor, wasAt: address, isMoved, "add")
        meter.relabel(id, as: .activation, layer: index)
        return Live(tensor: tensor.reshaped(to: batchedOutputShape(index, samples: shape[0])), id: id)
    }

    mutating func forwardOperator(_ index: Int, graphInput: Tensor) -> Live {
        let references = network.graph.layers[index].inputs
        let keeps = scope.inputNeedsGradient[index]
        switch network.operations[index] {
        case .smoothActivation(let function) where function.keepsOutput:
            return forwardInPlace(index, graphInput: graphInput, keepsOutput: keeps) { function.forwardInPlace(&$0) }
        case .smoothActivation(let function):
            let x = input(references[0], graphInput: graphInput)
            let output = newActivation(function.forward(x.tensor), layer: index)
            if keeps { keepWhole(x, as: .activationInput, layer: index) }
            return output
        case .softmax(let softmax):
            return forwardInPlace(index, graphInput: graphInput, keepsOutput: keeps) { softmax.forwardInPlace(&$0) }
        case .scale(let factor):
            return forwardInPlace(index, graphInput: graphInput, keepsOutput: false) { tensor in
                tensor.values.withUnsafeMutableBufferPointer { values in
                    for position in values.indices { values[position] *= factor }
                }
            }
        case .dropout(let dropout):
            // A pass that trains nothing (inference) runs dropout as the identity, as eval mode does.
            guard scope.updatesAnything else { return forwardInPlace(index, graphInput: graphInput, keepsOutput: false) { _ in } }
            var generator = dropoutGenerator
            let count = input(references[0], graphInput: graphInput).tensor.count
            let mask = dropout.drawMask(count: count, using: &generator)
            dropoutGenerator = generator
            if keeps {
                states[index].packed = mask
                states[index].ids = [meter.allocate(.dropoutMask, layer: index, bytes: mask.byteCount)]
            }
            return forwardInPlace(index, graphInput: graphInput, keepsOutput: false) { dropout.forwardInPlace(&$0, mask: mask) }
        case .mul:
            let operands = references.map { input($0, graphInput: graphInput) }
            let rank = operands.map(\.tensor.rank).max()!
            let aligned = operands.map { $0.tensor.reshaped(to: Broadcast.aligned($0.tensor.shape, rank: rank)) }
            let shape = Broadcast.shape(aligned.map(\.shape))!
            let product = Broadcast.product(aligned[0], aligned[1], shape: shape)
            let output = newActivation(product.reshaped(to: batchedOutputShape(index, samples: shape[0])), layer: index)
            states[index].inputShapes = operands.map(\.tensor.shape)
            if keeps {
                for (operand, tensor) in zip(operands, aligned) { keepWhole(Live(tensor: tensor, id: operand.id), as: .operand, layer: index) }
            }
            return output
        case .matmul:
            let operands = references.map { input($0, graphInput: graphInput) }
            let output = newActivation(MatrixProduct.forward(operands[0].tensor, operands[1].tensor), layer: index)
            if keeps { for operand in operands { keepWhole(operand, as: .operand, layer: index) } }
            return output
        case .reshape:
            let x = input(references[0], graphInput: graphInput)
            states[index].inputShapes = [x.tensor.shape]
            if let id = x.id { meter.retain(id, as: .activation, layer: index) }
            return Live(tensor: x.tensor.reshaped(to: batchedOutputShape(index, samples: x.tensor.batchSize)), id: x.id)
        case .transpose(let permutation):
            let x = input(references[0], graphInput: graphInput)
            return newActivation(TensorLayout.permuted(x.tensor, by: permutation), layer: index)
        case .shuffle(let groupCount):
            let x = input(references[0], graphInput: graphInput)
            states[index].inputShapes = [x.tensor.shape]
            return newActivation(Self.shuffled(x.tensor, groupCount: groupCount), layer: index)
        case .slice(let axis, let start, let step):
            let x = input(references[0], graphInput: graphInput)
            states[index].inputShapes = [x.tensor.shape]
            let count = network.graph.outputShapes[index].dimensions[axis - 1]
            return newActivation(TensorLayout.slice(x.tensor, axis: axis, start: start, step: step, count: count), layer: index)
        case .gather(let axis, let position):
            let x = input(references[0], graphInput: graphInput)
            states[index].inputShapes = [x.tensor.shape]
            let row = TensorLayout.slice(x.tensor, axis: axis, start: position, step: 1, count: 1)
            return newActivation(row.reshaped(to: batchedOutputShape(index, samples: x.tensor.batchSize)), layer: index)
        case .concat(let axis):
            let parts = references.map { input($0, graphInput: graphInput).tensor }
            states[index].inputShapes = parts.map(\.shape)
            return newActivation(TensorLayout.concatenated(parts, axis: axis), layer: index)
        case .reduceMean(let axes):
            let x = input(references[0], graphInput: graphInput)
            states[index].inputShapes = [x.tensor.shape]
            let mean = TensorLayout.mean(x.tensor, axes: axes)
            return newActivation(mean.reshaped(to: batchedOutputShape(index, samples: x.tensor.batchSize)), layer: index)
        case .parameter:
            // The learned tensor itself, shared by the batch: model memory, not an activation.
            return Live(tensor: parameters.layers[index][0], id: nil)
        default:
            preconditionFailure("Backpropagation: \(network.operations[index]) has its own forward pass")
        }
    }

    /// An element-wise operation written over its input (or a copy of it when something else reads it),
    /// keeping the output when `keepsOutput`.
    mutating func forwardInPlace(_ index: Int, graphInput: Tensor, keepsOutput: Bool, _ body: (inout Tensor) -> Void) -> Live {
        var (tensor, id, isMoved) = takeForWriting(network.graph.layers[index].inputs[0], layer: index, graphInput: graphInput)
        let address = Self.address(tensor)
        body(&tensor)
        Self.checkInPlace(tensor, wasAt: address, isMoved, "\(network.graph.layers[index].name) forward")
        meter.relabel(id, as: .activation, layer: index)
        let output = Live(tensor: tensor, id: id)
        if keepsOutput { keepWhole(output, as: .activationOutput, layer: index) }
        return output
    }

    /// ShuffleNet's channel shuffle: `[N, G, C/G, ...]` with its two group axes swapped.
    static func shuffled(_ tensor: Tensor, groupCount: Int) -> Tensor {
        let (samples, channels) = (tensor.shape[0], tensor.shape[1])
        let grouped = tensor.reshaped(to: [samples, groupCount, channels / groupCount, tensor.spatialSize])
        return TensorLayout.permuted(grouped, by: [0, 2, 1, 3]).reshaped(to: tensor.shape)
    }

    // MARK: - Backward

    /// The sum's gradient: g(y) itself for every input of the output's shape (one shared buffer), summed over
    /// the broadcast axes (a new, smaller buffer) for the others.
    mutating func backwardAdd(_ index: Int) {
        let references = network.graph.layers[index].inputs
        let gradient = takeGradient(index)
        let shapes = states[index].inputShapes
        var shared: [TensorReference] = []
        var reduced: [(Live, TensorReference)] = []
        for (shape, reference) in zip(shapes, references) where needsGradient(reference) {
            let aligned = Broadcast.aligned(shape, rank: gradient.tensor.rank)
            // A learned tensor's gradient is its own buffer even when the batch is one sample: it lives on to the
            // tensor's backward pass, after g(y) is gone (the cost model's rule, whatever the batch).
            if aligned == gradient.tensor.shape && !isLearnedTensor(reference) {
                shared.append(reference)
            } else {
                let part = Broadcast.reduced(gradient.tensor, to: aligned).reshaped(to: shape)
                reduced.append((Live(tensor: part, id: meter.allocate(.activationGradient, layer: index, bytes: 4 * part.count)), reference))
            }
        }
        if shared.isEmpty { meter.release(gradient.id!) }
        for _ in shared.dropFirst() { meter.retain(gradient.id!, as: .activationGradient, layer: index) }
        for reference in shared {
            deliver(Live(tensor: gradient.tensor.reshaped(to: shapes[references.firstIndex(of: reference)!]), id: gradient.id), to: reference)
        }
        for (part, reference) in reduced { deliver(part, to: reference) }
    }

    mutating func backwardOperator(_ index: Int) {
        let references = network.graph.layers[index].inputs
        switch network.operations[index] {
        case .smoothActivation(let function):
            let kept = states[index].kept[0]!
            backwardInPlace(index) { function.backwardInPlace(&$0, kept: kept) }
        case .softmax(let softmax):
            let output = states[index].kept[0]!
            backwardInPlace(index) { softmax.backwardInPlace(&$0, output: output) }
        case .scale(let factor):
            backwardInPlace(index) { gradient in
                gradient.values.withUnsafeMutableBufferPointer { values in
                    for position in values.indices { values[position] *= factor }
                }
            }
        case .dropout(let dropout):
            let mask = states[index].packed!
            backwardInPlace(index) { dropout.backwardInPlace(&$0, mask: mask) }
        case .mul:
            backwardProduct(index)
        case .matmul:
            let (left, right) = (states[index].kept[0]!, states[index].kept[1]!)
            let outputGradient = gradients[index]!.tensor
            var parts: [(Live, TensorReference)] = []
            if needsGradient(references[1]) {
                let part = MatrixProduct.rightGradient(outputGradient: outputGradient, left: left)
                parts.append((Live(tensor: part, id: meter.allocate(.activationGradient, layer: index, bytes: 4 * part.count)), references[1]))
            }
            if needsGradient(references[0]) {
                let part = MatrixProduct.leftGradient(outputGradient: outputGradient, right: right)
                parts.append((Live(tensor: part, id: meter.allocate(.activationGradient, layer: index, bytes: 4 * part.count)), references[0]))
            }
            meter.release(takeGradient(index).id!)
            releaseSaved(index)
            for (part, reference) in parts { deliver(part, to: reference) }
        case .reshape:
            let gradient = takeGradient(index)
            deliver(Live(tensor: gradient.tensor.reshaped(to: states[index].inputShapes[0]), id: gradient.id), to: references[0])
        case .transpose(let permutation):
            passOn(TensorLayout.permuted(gradients[index]!.tensor, by: TensorLayout.inverse(permutation)), from: index, to: references[0])
        case .shuffle(let groupCount):
            // The inverse shuffle is the shuffle with C/G groups.
            let channels = states[index].inputShapes[0][1]
            passOn(Self.shuffled(gradients[index]!.tensor, groupCount: channels / groupCount), from: index, to: references[0])
        case .slice(let axis, let start, let step):
            passOn(TensorLayout.unslice(gradients[index]!.tensor, inputShape: states[index].inputShapes[0], axis: axis, start: start, step: step),
                   from: index, to: references[0])
        case .gather(let axis, let position):
            let inputShape = states[index].inputShapes[0]
            var rowShape = inputShape
            rowShape[axis] = 1
            let row = gradients[index]!.tensor.reshaped(to: rowShape)
            passOn(TensorLayout.unslice(row, inputShape: inputShape, axis: axis, start: position, step: 1), from: index, to: references[0])
        case .concat(let axis):
            let shapes = states[index].inputShapes
            let outputGradient = gradients[index]!.tensor
            var parts: [(Live, TensorReference)] = []
            var start = 0
            for (shape, reference) in zip(shapes, references) {
                defer { start += shape[axis] }
                guard needsGradient(reference) else { continue }
                var part = TensorLayout.slice(outputGradient, axis: axis, start: start, step: 1, count: shape[axis])
                if part.shape != shape { part = Broadcast.reduced(part, to: shape) }
                parts.append((Live(tensor: part, id: meter.allocate(.activationGradient, layer: index, bytes: 4 * part.count)), reference))
            }
            meter.release(takeGradient(index).id!)
            for (part, reference) in parts { deliver(part, to: reference) }
        case .reduceMean(let axes):
            let inputShape = states[index].inputShapes[0]
            var keptShape = inputShape
            for axis in axes { keptShape[axis] = 1 }
            let gradient = gradients[index]!.tensor.reshaped(to: keptShape)
            let received = takeReceivedGradient(for: references[0])
            passOn(TensorLayout.meanGradient(gradient, inputShape: inputShape, axes: axes, adding: received?.tensor.reshaped(to: inputShape)),
                   from: index, to: references[0], into: received)
        case .parameter:
            let gradient = takeGradient(index)
            let shape = parameters.layers[index][0].shape
            if scope.updates[index].parameters == .all, accumulators[index] == nil, gradient.tensor.shape == shape,
               meter.ownerCount(gradient.id!) == 1 {
                // No accumulator yet (no accumulation over micro-batches): the gradient its readers wrote is the
                // tensor's weight gradient, one buffer, not a copy beside it.
                meter.relabel(gradient.id!, as: .weightGradient, layer: index)
                accumulators[index] = .tensor(gradient.tensor)
                accumulatorIDs[index] = gradient.id
                return
            }
            if scope.updates[index].parameters == .all {
                ensureAccumulator(index)
                guard case .tensor(var sum) = accumulators[index]! else { preconditionFailure("Backpropagation: accumulator kind") }
                accumulators[index] = nil
                sum.add(Broadcast.reduced(gradient.tensor, to: sum.shape), scaledBy: 1)
                accumulators[index] = .tensor(sum)
            }
            meter.release(gradient.id!)
        default:
            preconditionFailure("Backpropagation: \(network.operations[index]) has its own backward pass")
        }
    }

    /// g(x) written over g(y) (over a copy when g(y) is shared), then what the layer kept is freed and g(x) handed on.
    mutating func backwardInPlace(_ index: Int, _ body: (inout Tensor) -> Void) {
        let isInPlace = makeGradientWritable(index)
        let address = Self.address(gradients[index]!.tensor)
        body(&gradients[index]!.tensor)
        Self.checkInPlace(gradients[index]!.tensor, wasAt: address, isInPlace, "\(network.graph.layers[index].name) backward")
        releaseSaved(index)
        deliver(takeGradient(index), to: network.graph.layers[index].inputs[0])
    }

    /// The product's gradients: for an operand smaller than the output, Σ g(y) ⊙ other over the broadcast axes
    /// (a new, small buffer); for the last operand of the output's shape, g(y) ⊙ other written over g(y).
    mutating func backwardProduct(_ index: Int) {
        let references = network.graph.layers[index].inputs
        var operands = states[index].kept.map { $0! }
        let shapes = states[index].inputShapes
        let outputShape = gradients[index]!.tensor.shape
        var parts: [(Live, TensorReference)] = []
        var inPlace: Int?
        for position in 0..<2 where needsGradient(references[position]) {
            let other = operands[1 - position]
            if operands[position].shape == outputShape && inPlace == nil {
                inPlace = position
                continue
            }
            let part = (operands[position].shape == outputShape
                ? Broadcast.product(gradients[index]!.tensor, other, shape: outputShape)
                : Broadcast.reducedProduct(gradients[index]!.tensor, other, to: operands[position].shape)).reshaped(to: shapes[position])
            parts.append((Live(tensor: part, id: meter.allocate(.activationGradient, layer: index, bytes: 4 * part.count)), references[position]))
        }
        if let position = inPlace, let operandID = states[index].keptIDs[position], meter.ownerCount(operandID) == 1,
           meter.ownerCount(gradients[index]!.id!) > 1 {
            // g(y) is shared (a residual's other branch still needs it), but the operand is held by this product
            // alone: g(operand) = g(y) ⊙ other is written over the stored operand instead of a new buffer.
            let other = operands[1 - position]
            operands = []
            var target = states[index].kept[position]!
            states[index].kept[position] = nil
            states[index].ids.removeAll { $0 == operandID }
            let address = Self.address(target)
            let gradient = takeGradient(index)
            target.values.withUnsafeMutableBufferPointer { values in
                gradient.tensor.values.withUnsafeBufferPointer { source in
                    for element in values.indices { values[element] = source[element] }
                }
            }
            Broadcast.multiply(other, into: &target)
            Self.checkInPlace(target, wasAt: address, true, "mul backward over its operand")
            meter.relabel(operandID, as: .activationGradient, layer: index)
            meter.release(gradient.id!)
            parts.append((Live(tensor: target.reshaped(to: shapes[position]), id: operandID), references[position]))
        } else if let position = inPlace {
            let isInPlace = makeGradientWritable(index)
            let address = Self.address(gradients[index]!.tensor)
            Broadcast.multiply(operands[1 - position], into: &gradients[index]!.tensor)
            Self.checkInPlace(gradients[index]!.tensor, wasAt: address, isInPlace, "mul backward")
            let gradient = takeGradient(index)
            parts.append((Live(tensor: gradient.tensor.reshaped(to: shapes[position]), id: gradient.id), references[position]))
        } else {
            meter.release(takeGradient(index).id!)
        }
        releaseSaved(index)
        for (part, reference) in parts { deliver(part, to: reference) }
    }
}
