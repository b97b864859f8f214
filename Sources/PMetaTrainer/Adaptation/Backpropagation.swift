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
        /// Forward tensors kept whole: an activation's input or output, a product's operands (by input position).
        var kept: [Tensor?] = []
        /// The ledger entries of `kept` (`nil` for static memory).
        var keptIDs: [MemoryMeter.BufferID?] = []
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

    /// Draws train-mode dropout masks, seeded so a step can be repeated.
    var dropoutGenerator = SplitMix64(seed: 0x0D50_F0A7)

    var outputs: [Live?] = []
    var remainingConsumers: [Int] = []
    var states: [SavedState] = []
    var gradients: [Live?] = []

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

    mutating func applyAndFree(_ layer: Int, stepSize: Float) {
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

    func input(_ reference: TensorReference, graphInput: Tensor) -> Live {
        switch reference {
        case .graphInput: Live(tensor: graphInput, id: nil)
        case .layer(let producer): outputs[producer]!
        }
    }

    /// The input as a tensor to overwrite: moved out when this layer is its last reader and nothing else
    /// holds its storage (the write happens in place), else a copy with its own ledger entry.
    mutating func takeForWriting(_ reference: TensorReference, layer: Int, graphInput: Tensor)
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
    static func checkInPlace(_ tensor: Tensor, wasAt address: UnsafePointer<Float>?, _ isInPlace: Bool, _ what: String) {
        assert(!isInPlace || tensor.values.withUnsafeBufferPointer { $0.baseAddress } == address,
               "Backpropagation: \(what) copied a buffer the ledger counts as overwritten in place")
    }

    static func address(_ tensor: Tensor) -> UnsafePointer<Float>? {
        tensor.values.withUnsafeBufferPointer { $0.baseAddress }
    }

    /// `[N, ..., D]` as the rows `[N·..., D]` (the same storage).
    static func rows(_ tensor: Tensor) -> Tensor {
        tensor.rank == 2 ? tensor : tensor.reshaped(to: [tensor.count / tensor.shape[tensor.rank - 1], tensor.shape[tensor.rank - 1]])
    }

    /// A sequence `[N, C, L]` as the image `[N, C, 1, L]` (the same storage).
    static func image(_ tensor: Tensor) -> Tensor {
        tensor.reshaped(to: [tensor.shape[0], tensor.shape[1], 1, tensor.shape[2]])
    }

    mutating func forwardLayer(_ index: Int, graphInput: Tensor) -> Live {
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
            // Tokens [N, T, D] are N·T rows of one linear layer: a view, not a copy.
            let x = input(references[0], graphInput: graphInput)
            let rows = Live(tensor: Self.rows(x.tensor), id: x.id)
            let y = linear.directForward(rows.tensor, weight: tensors[0], bias: hasBias ? tensors[1] : nil)
            let output = Live(tensor: y.reshaped(to: Array(x.tensor.shape.dropLast()) + [linear.outputFeatures]),
                              id: meter.allocate(.activation, layer: index, bytes: 4 * y.count))
            keepInput(rows, layer: index, channelCount: linear.inputFeatures, attendedChannels: forwardAttention(rows.tensor, layer: index))
            states[index].inputShapes.append(x.tensor.shape)
            return output
        case .convolution(let conv, let hasBias, let isSequence):
            let x = input(references[0], graphInput: graphInput)
            let image = Live(tensor: isSequence ? Self.image(x.tensor) : x.tensor, id: x.id)
            var y = conv.forward(image.tensor, weight: tensors[0], bias: hasBias ? tensors[1] : nil)
            if isSequence { y = y.reshaped(to: [y.shape[0], y.shape[1], y.shape[3]]) }
            let output = Live(tensor: y, id: meter.allocate(.activation, layer: index, bytes: 4 * y.count))
            keepInput(image, layer: index, channelCount: conv.inputChannels, attendedChannels: forwardAttention(image.tensor, layer: index))
            return output
        case .groupNorm(let norm), .tokenNorm(let norm):
            let keeps = scope.keepsNormalizedInput(index)
            var (tensor, id, isMoved) = takeForWriting(references[0], layer: index, graphInput: graphInput)
            let shape = tensor.shape
            // Per-token layer norm is one group over the D features of each of the N·T rows (a view).
            if case .tokenNorm = network.operations[index] { tensor = Self.rows(tensor) }
            let address = Self.address(tensor)
            let (output, reciprocals) = norm.forwardInPlace(&tensor, scale: tensors[0], shift: tensors[1], keepsNormalizedInput: keeps)
            Self.checkInPlace(tensor, wasAt: address, isMoved, "group norm forward")
            guard keeps, let output else {
                meter.relabel(id, as: .activation, layer: index)
                return Live(tensor: tensor.reshaped(to: shape), id: id)
            }
            meter.relabel(id, as: .normalizedInput, layer: index)
            states[index].normalized = tensor
            states[index].reciprocals = reciprocals
            states[index].ids = [id, meter.allocate(.normalizationStatistics, layer: index, bytes: 4 * reciprocals.count)]
            return Live(tensor: output.reshaped(to: shape), id: meter.allocate(.activation, layer: index, bytes: 4 * output.count))
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
            return forwardAdd(index, graphInput: graphInput)
        default:
            return forwardOperator(index, graphInput: graphInput)
        }
    }

    /// Keeps a conv2d/linear input for the weight gradient: all of it shares the activation's storage,
    /// a channel subset (mu_fw < 1) is a new, smaller buffer; a frozen layer keeps only the shape. The
    /// network input x_0 is the support sample in static memory: it is referred to, never copied.
    mutating func keepInput(_ x: Live, layer: Int, channelCount: Int, attendedChannels: [Int]?) {
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
}
