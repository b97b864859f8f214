import PMetaPlan

/// Which kernels compute conv2d.
public enum KernelChoice: String, Sendable, Hashable {
    /// Direct row operations that allocate only their results: what the memory meter validates.
    case scratchFree = "scratch-free"
    /// im2col and GEMM: faster for meta-training batches, with C_in·S²·H_out·W_out floats of scratch
    /// per pass plus GEMM's packed blocks, which the ledger does not see.
    case im2col
}

/// The forward and backward pass of one micro-batch under a ``StepScope``, keeping only what the scope
/// needs and recording every buffer in a ``MemoryMeter``.
///
/// Buffers are reused wherever the data allows: ReLU-style activations, normalizations and residual
/// additions write their output over their input when that input has no other reader, and their backward
/// passes overwrite g(y) with g(x); every other layer's input is freed as soon as its last consumer ran.
/// The backward pass walks the layers in reverse order and visits only those that receive a gradient;
/// an updated layer's g(w_l) goes straight into its accumulator (no per-micro-batch copy), and its saved
/// input is freed before g(x_{l-1}) is allocated.
struct Backpropagation {
    /// A tensor and its ledger entry; `nil` for static memory (the support samples).
    struct Live {
        var tensor: Tensor
        var id: MemoryMeter.BufferID?
    }

    /// What one layer kept from the forward pass for the backward pass.
    struct SavedState {
        var input: SavedInput?
        var forwardScores: [Float] = []
        var normalized: Tensor?
        var reciprocals: [Float] = []
        var packed: PackedIntegers?
        var inputShapes: [[Int]] = []
        var ids: [MemoryMeter.BufferID] = []
    }

    let network: Network
    let scope: StepScope
    let kernels: KernelChoice
    var parameters: NetworkParameters
    var meter = MemoryMeter()
    /// Per layer, the gradient accumulated so far (`nil` while not allocated).
    var accumulators: [LayerGradient?]
    var accumulatorIDs: [MemoryMeter.BufferID?]
    /// When set, a layer's gradient is applied (w_l ← w_l − α_l·g) and freed right after its backward
    /// pass: one micro-batch, nothing to accumulate, so only one layer's buffer exists at a time.
    var immediateStepSizes: [Float]?
    /// Meta attention for on-device adaptation: an attended, updated layer keeps only the input channels with
    /// γ^fw > 0 and adds the γ-weighted gradient of the channels both scores keep (Sec. 3.3.2).
    var attention: MetaAttention?
    /// Whether to record each weight layer's batch-averaged input and output-gradient channel means, from
    /// which meta-training computes the attention scores of the dense gradient (Sec. 3.3.1).
    var recordsChannelMeans = false
    /// The recorded means, per layer.
    var inputMeans: [[Float]?] = []
    var outputGradientMeans: [[Float]?] = []
    /// Whether `lossAndBackward` hands the network output out (meta-training scores it; off the ledger).
    var keepsOutput = false
    /// The network output of the last `lossAndBackward`, when `keepsOutput`.
    var keptOutput: Tensor?

    private var outputs: [Live?] = []
    private var remainingConsumers: [Int] = []
    private var states: [SavedState] = []
    private var gradients: [Live?] = []

    init(network: Network, scope: StepScope, kernels: KernelChoice, parameters: NetworkParameters) {
        self.network = network
        self.scope = scope
        self.kernels = kernels
        self.parameters = parameters
        accumulators = Array(repeating: nil, count: network.layerCount)
        accumulatorIDs = Array(repeating: nil, count: network.layerCount)
        inputMeans = Array(repeating: nil, count: network.layerCount)
        outputGradientMeans = Array(repeating: nil, count: network.layerCount)
    }

    /// Whether meta attention selects and weights the gradient of `layer` in this pass.
    func attentionApplies(_ layer: Int) -> Bool {
        guard let attention else { return false }
        return attention.attends(layer) && scope.updates[layer].parameters == .all
    }

    // MARK: - Gradient buffers

    /// Allocates (zeroed) the accumulator of an updated layer if it does not exist yet.
    mutating func ensureAccumulator(_ layer: Int) {
        guard accumulators[layer] == nil else { return }
        let gradient = LayerGradient.zeros(
            for: network.operations[layer], update: scope.updates[layer].parameters,
            inputChannels: scope.savedInputChannels[layer] ?? [], outputChannels: scope.weightOutputChannels[layer] ?? [])
        accumulators[layer] = gradient
        accumulatorIDs[layer] = meter.allocate(.weightGradient, layer: layer, bytes: gradient.byteCount)
    }

    /// Allocates the accumulators of every updated layer, before the first micro-batch.
    mutating func allocateAllAccumulators() {
        for layer in 0..<network.layerCount where scope.updates[layer].isUpdated { ensureAccumulator(layer) }
    }

    /// Applies every accumulator (times −α_l) and frees it.
    mutating func applyAccumulators(stepSizes: [Float]) {
        for layer in 0..<network.layerCount { applyAndFree(layer, stepSize: stepSizes[layer]) }
    }

    private mutating func applyAndFree(_ layer: Int, stepSize: Float) {
        guard let gradient = accumulators[layer], let id = accumulatorIDs[layer] else { return }
        gradient.apply(to: &parameters.layers[layer], scaledBy: -stepSize)
        accumulators[layer] = nil
        accumulatorIDs[layer] = nil
        meter.release(id)
    }

    // MARK: - Forward

    /// Runs the forward pass, keeping what the scope's backward pass needs; the network output stays
    /// owned by the pass (released by `lossAndBackward` or `takeOutput`).
    mutating func forward(_ inputs: Tensor) {
        let count = network.layerCount
        outputs = Array(repeating: nil, count: count)
        remainingConsumers = network.consumers.map(\.count)
        states = Array(repeating: SavedState(), count: count)
        for index in 0..<count {
            meter.enter(.forward, layer: index)
            let output = forwardLayer(index, graphInput: inputs)
            outputs[index] = output
            var released = Set<Int>()
            for case .layer(let producer) in network.graph.layers[index].inputs where released.insert(producer).inserted {
                guard let live = outputs[producer] else { continue }
                remainingConsumers[producer] -= 1
                if remainingConsumers[producer] == 0 {
                    outputs[producer] = nil
                    if let id = live.id { meter.release(id) }
                }
            }
        }
    }

    /// The network output after `forward`, handed to the caller (inference).
    mutating func takeOutput() -> Tensor {
        let last = network.layerCount - 1
        let live = outputs[last]!
        outputs[last] = nil
        if let id = live.id { meter.release(id) }
        return live.tensor
    }

    private func input(_ reference: TensorReference, graphInput: Tensor) -> Live {
        switch reference {
        case .graphInput: Live(tensor: graphInput, id: nil)
        case .layer(let producer): outputs[producer]!
        }
    }

    /// The input as a tensor to overwrite: moved out when this layer is its last reader and nothing else
    /// holds its storage (the write happens in place), else a copy with its own ledger entry.
    private mutating func takeForWriting(_ reference: TensorReference, layer: Int, graphInput: Tensor)
        -> (tensor: Tensor, id: MemoryMeter.BufferID, isMoved: Bool)
    {
        if case .layer(let producer) = reference, remainingConsumers[producer] == 1,
           let id = outputs[producer]?.id, meter.ownerCount(id) == 1 {
            let tensor = outputs[producer]!.tensor
            outputs[producer] = nil
            return (tensor, id, true)
        }
        let tensor = input(reference, graphInput: graphInput).tensor
        return (tensor, meter.allocate(.activation, layer: layer, bytes: 4 * tensor.count), false)
    }

    /// In debug builds, checks that a write the ledger counts as in place did not copy the storage.
    private static func checkInPlace(_ tensor: Tensor, wasAt address: UnsafePointer<Float>?, _ isInPlace: Bool, _ what: String) {
        assert(!isInPlace || tensor.values.withUnsafeBufferPointer { $0.baseAddress } == address,
               "Backpropagation: \(what) copied a buffer the ledger counts as overwritten in place")
    }

    private static func address(_ tensor: Tensor) -> UnsafePointer<Float>? {
        tensor.values.withUnsafeBufferPointer { $0.baseAddress }
    }

    private mutating func forwardLayer(_ index: Int, graphInput: Tensor) -> Live {
        let references = network.graph.layers[index].inputs
        let tensors = parameters.layers[index]
        switch network.operations[index] {
        case .conv2d(let conv, let hasBias):
            let x = input(references[0], graphInput: graphInput)
            let bias = hasBias ? tensors[1] : nil
            let y = kernels == .scratchFree
                ? conv.directForward(x.tensor, weight: tensors[0], bias: bias)
                : conv.forward(x.tensor, weight: tensors[0], bias: bias, savingInputChannels: .none).output
            let output = Live(tensor: y, id: meter.allocate(.activation, layer: index, bytes: 4 * y.count))
            keepInput(x, layer: index, channelCount: conv.inputChannels, attendedChannels: forwardAttention(x.tensor, layer: index))
            return output
        case .linear(let linear, let hasBias):
            let x = input(references[0], graphInput: graphInput)
            let y = linear.directForward(x.tensor, weight: tensors[0], bias: hasBias ? tensors[1] : nil)
            let output = Live(tensor: y, id: meter.allocate(.activation, layer: index, bytes: 4 * y.count))
            keepInput(x, layer: index, channelCount: linear.inputFeatures, attendedChannels: forwardAttention(x.tensor, layer: index))
            return output
        case .groupNorm(let norm):
            let keeps = scope.keepsNormalizedInput(index)
            var (tensor, id, isMoved) = takeForWriting(references[0], layer: index, graphInput: graphInput)
            let address = Self.address(tensor)
            let (output, reciprocals) = norm.forwardInPlace(&tensor, scale: tensors[0], shift: tensors[1], keepsNormalizedInput: keeps)
            Self.checkInPlace(tensor, wasAt: address, isMoved, "group norm forward")
            guard keeps, let output else {
                meter.relabel(id, as: .activation, layer: index)
                return Live(tensor: tensor, id: id)
            }
            meter.relabel(id, as: .normalizedInput, layer: index)
            states[index].normalized = tensor
            states[index].reciprocals = reciprocals
            states[index].ids = [id, meter.allocate(.normalizationStatistics, layer: index, bytes: 4 * reciprocals.count)]
            return Live(tensor: output, id: meter.allocate(.activation, layer: index, bytes: 4 * output.count))
        case .activation(let function):
            var (tensor, id, isMoved) = takeForWriting(references[0], layer: index, graphInput: graphInput)
            let address = Self.address(tensor)
            if let mask = function.forwardInPlace(&tensor, keepsMask: scope.inputNeedsGradient[index]) {
                states[index].packed = mask
                states[index].ids = [meter.allocate(.activationMask, layer: index, bytes: mask.byteCount)]
            }
            Self.checkInPlace(tensor, wasAt: address, isMoved, "activation forward")
            meter.relabel(id, as: .activation, layer: index)
            return Live(tensor: tensor, id: id)
        case .maxPool(let pool):
            let x = input(references[0], graphInput: graphInput)
            let (y, indices) = pool.forwardPacked(x.tensor, keepsIndices: scope.inputNeedsGradient[index])
            let output = Live(tensor: y, id: meter.allocate(.activation, layer: index, bytes: 4 * y.count))
            if let indices {
                states[index].packed = indices
                states[index].inputShapes = [x.tensor.shape]
                states[index].ids = [meter.allocate(.poolIndices, layer: index, bytes: indices.byteCount)]
            }
            return output
        case .averagePool(let pool):
            let x = input(references[0], graphInput: graphInput)
            let y = pool.forward(x.tensor)
            states[index].inputShapes = [x.tensor.shape]
            return Live(tensor: y, id: meter.allocate(.activation, layer: index, bytes: 4 * y.count))
        case .globalAveragePool:
            let x = input(references[0], graphInput: graphInput)
            let y = GlobalAvgPool.forward(x.tensor)
            states[index].inputShapes = [x.tensor.shape]
            return Live(tensor: y, id: meter.allocate(.activation, layer: index, bytes: 4 * y.count))
        case .flatten:
            let x = input(references[0], graphInput: graphInput)
            states[index].inputShapes = [x.tensor.shape]
            if let id = x.id { meter.retain(id, as: .activation, layer: index) }
            return Live(tensor: Flatten.forward(x.tensor), id: x.id)
        case .add:
            var (tensor, id, isMoved) = takeForWriting(references[0], layer: index, graphInput: graphInput)
            let address = Self.address(tensor)
            for reference in references.dropFirst() { tensor += input(reference, graphInput: graphInput).tensor }
            Self.checkInPlace(tensor, wasAt: address, isMoved, "residual add")
            meter.relabel(id, as: .activation, layer: index)
            return Live(tensor: tensor, id: id)
        case .concat:
            let parts = references.map { input($0, graphInput: graphInput).tensor }
            let y = ChannelConcat.forward(parts)
            states[index].inputShapes = parts.map(\.shape)
            return Live(tensor: y, id: meter.allocate(.activation, layer: index, bytes: 4 * y.count))
        }
    }

    /// Keeps a conv2d/linear input for the weight gradient: all of it shares the activation's storage,
    /// a channel subset (mu_fw < 1) is a new, smaller buffer; a frozen layer keeps only the shape. The
    /// network input x_0 is the support sample in static memory: it is referred to, never copied.
    private mutating func keepInput(_ x: Live, layer: Int, channelCount: Int, attendedChannels: [Int]?) {
        states[layer].inputShapes = [x.tensor.shape]
        guard let planned = scope.savedInputChannels[layer] else { return }
        let channels = attendedChannels ?? planned
        if channels.count == channelCount || x.id == nil {
            states[layer].input = SavedInput(keeping: .all, of: x.tensor)
            if let id = x.id {
                meter.retain(id, as: .savedInput, layer: layer)
                states[layer].ids.append(id)
            }
        } else {
            let saved = SavedInput(keeping: .only(channels), of: x.tensor)
            states[layer].input = saved
            states[layer].ids.append(meter.allocate(.savedInput, layer: layer, bytes: 4 * saved.tensor.count))
        }
    }

    /// Records the input's channel means and, where attention applies, computes γ^fw (kept, on the ledger,
    /// until the backward pass).
    /// - Returns: The input channels attention keeps, or `nil` where it does not apply.
    private mutating func forwardAttention(_ input: Tensor, layer: Int) -> [Int]? {
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

    // MARK: - Loss and backward

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
    private mutating func makeGradientWritable(_ index: Int) -> Bool {
        let id = gradients[index]!.id!
        guard meter.ownerCount(id) > 1 else { return true }
        meter.release(id)
        gradients[index]!.id = meter.allocate(.activationGradient, layer: index, bytes: 4 * gradients[index]!.tensor.count)
        return false
    }

    /// Takes g(y) of `index` out of the pass.
    private mutating func takeGradient(_ index: Int) -> Live {
        let gradient = gradients[index]!
        gradients[index] = nil
        return gradient
    }

    /// Hands g(x) to the producer of an input: kept if the producer needs it, added to what it already
    /// received (a tensor read by several layers), or freed.
    private mutating func deliver(_ gradient: Live, to reference: TensorReference) {
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
    private mutating func passOn(_ inputGradient: Tensor, from index: Int, to reference: TensorReference) {
        let id = meter.allocate(.activationGradient, layer: index, bytes: 4 * inputGradient.count)
        meter.release(takeGradient(index).id!)
        releaseSaved(index)
        deliver(Live(tensor: inputGradient, id: id), to: reference)
    }

    /// Frees what a layer kept; called before the layer's input gradient is allocated.
    private mutating func releaseSaved(_ index: Int) {
        for id in states[index].ids { meter.release(id) }
        states[index] = SavedState()
    }

    /// Adds g(w_l) and the bias gradient of a conv2d/linear layer to its accumulator.
    private mutating func accumulateWeightGradient(_ index: Int) {
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
            default:
                preconditionFailure("Backpropagation: a weight gradient for a layer without weights")
            }
        } else if bias != nil {
            outputGradient.accumulateChannelSums(into: &bias!)
        }
        accumulators[index] = .weights(weight, bias: bias)
    }

    /// The gradient of an attended layer: computed for the output channels with γ^bw > 0 and the input channels
    /// kept by γ^fw into a temporary compact buffer, then added into the layer's accumulator weighted by
    /// γ_{ba} = γ^fw_a γ^bw_b (Eq. (13)); the bias gradient is weighted by γ^bw. The accumulator covers every
    /// channel, because each micro-batch's scores may keep others.
    private mutating func accumulateAttendedWeightGradient(_ index: Int) {
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

    private mutating func backwardLayer(_ index: Int) {
        let references = network.graph.layers[index].inputs
        switch network.operations[index] {
        case .conv2d(let conv, _):
            accumulateWeightGradient(index)
            let inputShape = states[index].inputShapes[0]
            releaseSaved(index)
            guard scope.inputNeedsGradient[index] else { return meter.release(takeGradient(index).id!) }
            let weight = parameters.layers[index][0]
            let outputGradient = gradients[index]!.tensor
            let inputGradient = kernels == .scratchFree
                ? conv.directInputGradient(outputGradient: outputGradient, weight: weight, inputShape: inputShape)
                : conv.inputGradient(outputGradient: outputGradient, weight: weight, inputShape: inputShape)
            passOn(inputGradient, from: index, to: references[0])
        case .linear(let linear, _):
            accumulateWeightGradient(index)
            releaseSaved(index)
            guard scope.inputNeedsGradient[index] else { return meter.release(takeGradient(index).id!) }
            let inputGradient = linear.directInputGradient(outputGradient: gradients[index]!.tensor, weight: parameters.layers[index][0])
            passOn(inputGradient, from: index, to: references[0])
        case .groupNorm(let norm):
            let isInPlace = makeGradientWritable(index)
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
            let gradient = takeGradient(index)
            // Every input receives the same g(y): one shared buffer with one owner per input.
            for _ in references.dropFirst() { meter.retain(gradient.id!, as: .activationGradient, layer: index) }
            for reference in references { deliver(gradient, to: reference) }
        case .concat:
            let channelCounts = states[index].inputShapes.map { $0[1] }
            let parts = ChannelConcat.backward(outputGradient: gradients[index]!.tensor, channelCounts: channelCounts)
            let ids = parts.map { meter.allocate(.activationGradient, layer: index, bytes: 4 * $0.count) }
            meter.release(takeGradient(index).id!)
            for (part, (id, reference)) in zip(parts, zip(ids, references)) { deliver(Live(tensor: part, id: id), to: reference) }
        }
    }
}
