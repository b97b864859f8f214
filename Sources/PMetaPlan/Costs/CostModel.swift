/// The Appendix-A cost model of one shaped graph: static memory, inference and adaptation peaks, MACs.
///
/// Plan-independent quantities (per-layer costs, the inference working set) are computed once here;
/// `adaptation(of:workload:profile:)` evaluates a plan against them.
public struct CostModel: Hashable, Sendable {
    /// The graph the costs belong to.
    public let graph: ShapedGraph
    /// Per-layer sizes, parameters and MACs for one sample.
    public let layerCosts: [LayerCost]
    /// The elements alive while each layer runs in the forward pass, for one sample: the layer's input and
    /// output sharing memory (max{m(x), m(y)}) plus every tensor that a later layer still needs. The network
    /// input is static memory (the stored sample) and is not counted.
    public let workingElements: [Int]
    /// The same with only in-place layers sharing input and output (`CountingProfile.WorkingSet.inPlaceLayersOnly`):
    /// conv2d, linear, pooling and concat hold their inputs and their output at once.
    public let separateWorkingElements: [Int]
    /// For each layer, the elements of its inputs that no later layer reads (they die when it has run): what a
    /// layer that computes no input gradient can drop before its backward pass.
    public let dyingInputElements: [Int]
    /// For each layer, the elements its backward working set counts twice because a sum hands g(y) itself to its
    /// inputs of the output's shape (one buffer): at the sum, and at a branch whose g(y) is that buffer beside an
    /// earlier tensor's slot. Negative where the mirror counts too little (a broadcast input's gradient is new).
    let sharedOutputGradientElements: [Int]
    /// For each layer, whether g(y) is the gradient buffer of an earlier tensor too (its output reaches, through
    /// sums alone, a sum that also reads an earlier tensor of its shape).
    let outputGradientIsShared: [Bool]
    /// How PyTorch lays out each output: which layers are views, which product operands it copies.
    let stridedLayouts: StridedLayouts
    /// The working sets when only views share their input's memory (`CountingProfile.WorkingSet.viewsOnly`).
    let viewWorkingSets: ViewWorkingSets

    /// `separateWorkingElements`, `dyingInputElements`, `sharedOutputGradientElements` and `outputGradientIsShared`
    /// when only views take no memory of their own (and a view keeps its base's whole storage alive).
    struct ViewWorkingSets: Hashable, Sendable {
        var forwardElements: [Int]
        var dyingInputElements: [Int]
        var sharedOutputGradientElements: [Int]
        var outputGradientIsShared: [Bool]
    }

    /// For each layer, what its inputs are, as its operator's backward rules read them.
    let layerInputs: [LayerInputs]

    /// What a layer's inputs are: x_0, learned tensors, and their sizes.
    struct LayerInputs: Hashable, Sendable {
        var isNetworkInput: [Bool]
        var isLearnedTensor: [Bool]
        var elements: [Int]
    }

    /// Builds the cost model.
    /// - Throws: `DataError` naming the layer when a size or MAC count overflows 64 bits.
    /// - Complexity: O(layers + edges).
    public init(_ graph: ShapedGraph) throws(DataError) {
        var costs: [LayerCost] = []
        costs.reserveCapacity(graph.layerCount)
        for index in 0..<graph.layerCount {
            do {
                costs.append(try LayerCost(layerAt: index, of: graph))
            } catch {
                throw DataError(path: graph.layers[index].sourcePath, message: "\(error)")
            }
        }
        self.graph = graph
        self.layerCosts = costs
        self.layerInputs = graph.layers.indices.map { index in
            let inputs = graph.layers[index].inputs
            return LayerInputs(
                isNetworkInput: inputs.map { $0 == .graphInput },
                isLearnedTensor: inputs.map { reference in
                    if case .layer(let producer) = reference { return !graph.layers[producer].operation.producesActivation }
                    return false
                },
                elements: graph.inputShapes[index].map(\.elementCount))
        }
        let layouts = StridedLayouts(graph)
        self.stridedLayouts = layouts
        let inPlace = graph.layers.map(\.operation.computesInPlace)
        do {
            (self.workingElements, self.dyingInputElements) = try Self.forwardWorkingElements(of: graph, sharing: { _ in true })
            self.separateWorkingElements = try Self.forwardWorkingElements(of: graph, sharing: { inPlace[$0] }).working
            let storage = layouts.storageElements
            let (viewElements, viewDying) = try Self.forwardWorkingElements(of: graph, storage: storage, sharing: { layouts.isView[$0] })
            let viewGradients = Self.sharedOutputGradients(of: graph, dyingInputElements: viewDying, storage: storage,
                                                           sharing: { layouts.isView[$0] })
            self.viewWorkingSets = ViewWorkingSets(forwardElements: viewElements, dyingInputElements: viewDying,
                                                   sharedOutputGradientElements: viewGradients.elements,
                                                   outputGradientIsShared: viewGradients.isShared)
        } catch {
            throw DataError(path: "layers", message: "\(error)")
        }
        (self.sharedOutputGradientElements, self.outputGradientIsShared) = Self.sharedOutputGradients(
            of: graph, dyingInputElements: dyingInputElements, sharing: { inPlace[$0] })
    }

    /// Liveness over the topological order: working(i) = live before i - dying inputs + max(dying inputs, output)
    /// where a layer's output may share its dying inputs' memory, live before i + output where it may not. A
    /// learned tensor's output is model memory and takes no activation memory.
    private static func forwardWorkingElements(of graph: ShapedGraph, storage: [Int]? = nil, sharing: (Int) -> Bool) throws -> (working: [Int], dying: [Int]) {
        let count = graph.layerCount
        let lastReader = graph.lastReader
        let activationElements = storage
            ?? graph.layers.indices.map { graph.layers[$0].operation.producesActivation ? graph.outputShapes[$0].elementCount : 0 }
        var working: [Int] = []
        var dyingPerLayer: [Int] = []
        working.reserveCapacity(count)
        dyingPerLayer.reserveCapacity(count)
        var live = 0
        for (index, layer) in graph.layers.enumerated() {
            var dying = 0
            var seen = Set<Int>()
            for case .layer(let producer) in layer.inputs where lastReader[producer] == index && seen.insert(producer).inserted {
                dying = try Checked.sum(dying, activationElements[producer], context: "layer '\(layer.name)': working set")
            }
            let output = activationElements[index]
            let held = sharing(index) ? max(dying, output) : try Checked.sum(dying, output, context: "layer '\(layer.name)': working set")
            working.append(try Checked.sum(live - dying, held, context: "layer '\(layer.name)': working set"))
            live = try Checked.sum(live - dying, output, context: "layer '\(layer.name)': working set")
            dyingPerLayer.append(dying)
        }
        return (working, dyingPerLayer)
    }

    /// See `sharedOutputGradientElements` and `outputGradientIsShared`. Elements are bounded by the working sets,
    /// which fit.
    ///
    /// A sum hands g(y) to its inputs of its shape, and a sum whose output only another sum reads whole hands
    /// that sum's g(y) on: the tensors of such a chain (its members) have one gradient buffer. The backward mirror
    /// holds a slot for each member alive while a layer runs (from the member's layer to the sum that reads it),
    /// so every member beyond the first is counted once too often, except an in-place member's own slot at its
    /// own layer: it cannot write g(x) over the shared g(y), so that slot is its new g(x).
    /// - Complexity: O(layers + edges).
    private static func sharedOutputGradients(of graph: ShapedGraph, dyingInputElements: [Int], storage: [Int]? = nil,
                                              sharing: (Int) -> Bool) -> (elements: [Int], isShared: [Bool]) {
        let count = graph.layerCount
        let lastReader = graph.lastReader
        let layers = graph.layers
        let activation = { (index: Int) in
            storage?[index] ?? (layers[index].operation.producesActivation ? graph.outputShapes[index].elementCount : 0)
        }
        var readers = [[Int]](repeating: [], count: count)
        for (index, layer) in layers.enumerated() {
            for case .layer(let producer) in layer.inputs where readers[producer].last != index { readers[producer].append(index) }
        }
        /// The producers of a sum's activation inputs of its shape.
        func fullInputs(_ index: Int) -> [Int] {
            var producers: [Int] = []
            for (position, reference) in layers[index].inputs.enumerated() {
                guard case .layer(let producer) = reference, graph.inputShapes[index][position] == graph.outputShapes[index],
                      activation(producer) > 0, !producers.contains(producer) else { continue }
                producers.append(producer)
            }
            return producers
        }
        let isSum = layers.map(\.operation.sharesOutputGradientWithInputs)
        /// The sum that takes layer `index`'s g(y) as its own (its only reader, reading it whole), if any.
        let sharingSum: [Int?] = (0..<count).map { index in
            guard readers[index].count == 1, let sum = readers[index].first, isSum[sum], fullInputs(sum).contains(index) else { return nil }
            return sum
        }
        var elements = [Int](repeating: 0, count: count)
        var isShared = [Bool](repeating: false, count: count)
        // Each chain of sums, from its last sum (the one whose output no sum takes whole) down.
        var visited = [Bool](repeating: false, count: count)
        var changes = [Int](repeating: 0, count: count + 1)
        for top in stride(from: count - 1, through: 0, by: -1) where isSum[top] && !visited[top] && sharingSum[top] == nil {
            // Members and the layer up to which each one's slot lives: [member, end).
            var intervals: [(member: Int, end: Int)] = []
            var pending = [top]
            while let sum = pending.popLast() {
                visited[sum] = true
                for member in fullInputs(sum) {
                    intervals.append((member, sum))
                    if isSum[member] && sharingSum[member] == sum { pending.append(member) }
                }
            }
            let size = activation(top)
            // Members alive at each layer of the chain's span, by a sweep over starts and ends.
            var events: [(layer: Int, change: Int)] = []
            for (member, end) in intervals {
                let excludesItself = sharing(member) && !isSum[member]
                events.append((excludesItself ? member + 1 : member, 1))
                events.append((end, -1))
                // g(y) of the member is shared when another member's slot is alive at its layer.
                isShared[member] = intervals.contains { $0.member < member && $0.end > member }
            }
            events.sort { $0.layer < $1.layer || ($0.layer == $1.layer && $0.change < $1.change) }
            var alive = 0
            var position = 0
            while position < events.count {
                let layer = events[position].layer
                while position < events.count && events[position].layer == layer {
                    alive += events[position].change
                    position += 1
                }
                let next = position < events.count ? events[position].layer : layer
                // Layers layer..<next hold `alive` member slots: all but one are the same buffer.
                if alive > 1 && next > layer {
                    changes[layer] += (alive - 1) * size
                    changes[next] -= (alive - 1) * size
                }
            }
        }
        var running = 0
        for index in 0..<count {
            running += changes[index]
            elements[index] = running
            guard isSum[index] else { continue }
            // The sum itself: a slot per input and the output in the mirror; the pass holds g(y) once, plus a new
            // reduced buffer per broadcast input.
            let output = activation(index)
            let full = fullInputs(index)
            var seen: [Int] = []
            var dyingBroadcast = 0, liveFull = 0
            for case .layer(let producer) in layers[index].inputs where !seen.contains(producer) {
                seen.append(producer)
                if lastReader[producer] == index {
                    if !full.contains(producer) { dyingBroadcast += activation(producer) }
                } else if full.contains(producer) {
                    liveFull += activation(producer)
                }
            }
            let dying = dyingInputElements[index]
            let held = sharing(index) ? max(dying, output) : dying + output
            elements[index] += held - output - dyingBroadcast + liveFull
        }
        return (elements, isShared)
    }
}

extension CostModel {
    /// The elements alive while each layer runs in the forward pass under `profile`'s sharing rule, for one sample.
    func forwardWorkingElements(under profile: CountingProfile) -> [Int] {
        switch profile.workingSet {
        case .inputAndOutputShare: workingElements
        case .inPlaceLayersOnly: separateWorkingElements
        case .viewsOnly: viewWorkingSets.forwardElements
        }
    }

    /// Whether layer `index` writes its output over its input under `profile`: an in-place layer, or under
    /// `viewsOnly` a view.
    func sharesInputMemory(_ index: Int, profile: CountingProfile) -> Bool {
        profile.workingSet == .viewsOnly ? stridedLayouts.isView[index] : graph.layers[index].operation.computesInPlace
    }

    /// The activation elements layer `index`'s output keeps alive for one sample: its own, or under `viewsOnly` a
    /// view's base's whole storage (0 for a view of the network input, which is static memory).
    func storageElements(ofLayerAt index: Int, profile: CountingProfile) -> Int {
        profile.workingSet == .viewsOnly ? stridedLayouts.storageElements[index] : activationElements(ofLayerAt: index)
    }

    /// `dyingInputElements` under `profile`'s storage rule.
    func dyingElements(ofLayerAt index: Int, profile: CountingProfile) -> Int {
        profile.workingSet == .viewsOnly ? viewWorkingSets.dyingInputElements[index] : dyingInputElements[index]
    }
}

// MARK: - Static memory and inference

/// Memory that exists regardless of training: the model and the support samples.
public struct StaticMemory: Hashable, Sendable {
    /// Trainable parameters (weights, biases, normalization affine, free parameters).
    public var parameterCount: Int
    /// The model: parameters and buffers (batch-norm statistics) at the weight precision, conv/linear biases at the
    /// bias precision when one is set.
    public var modelBytes: ByteCount
    /// The support samples of one step at the sample's element size.
    public var sampleBytes: ByteCount
}

/// The peak dynamic memory and MACs of inference.
public struct InferenceCost: Hashable, Sendable {
    /// The largest working set: max over layers of the layer's input and output (max{m(x), m(y)} where they
    /// share memory) plus tensors kept for later layers.
    public var peak: ByteCount
    /// The layer at which the peak occurs.
    public var peakLayer: Int
    /// Forward MACs for the batch.
    public var macs: MACCount
}

extension CostModel {
    /// Static memory for `samples` support samples.
    /// - Throws: `ArithmeticOverflow` for absurd sizes.
    public func staticMemory(samples: Int, precision: Precision = .float32) throws -> StaticMemory {
        let parameters = try Checked.sum(of: layerCosts.map(\.parameterElements) + graph.graph.freeParameters.map(\.elementCount),
                                         context: "parameter count")
        let buffers = try Checked.sum(of: layerCosts.map(\.bufferElements), context: "buffer count")
        // Conv/linear biases at their own precision when one is set (an int8 model's int32 biases).
        let biases = precision.biasBytes == nil ? 0
            : try Checked.sum(of: layerCosts.indices.filter { graph.layers[$0].operation.isWeightLayer }.map { layerCosts[$0].biasElements },
                              context: "bias count")
        let model = try Checked.sum(try Checked.product(try Checked.sum(parameters, buffers, context: "model size") - biases, precision.weightBytes,
                                                        context: "model bytes"),
                                    try Checked.product(biases, precision.biasBytes ?? precision.weightBytes, context: "model bytes"),
                                    context: "model bytes")
        let sample = try Checked.product(samples, graph.inputShape.elementCount, graph.graph.sampleElementBytes,
                                         context: "sample bytes")
        return StaticMemory(parameterCount: parameters, modelBytes: ByteCount(model), sampleBytes: ByteCount(sample))
    }

    /// The inference peak and MACs for `batch` samples propagated together, with the working sets of `profile`
    /// (inputs and outputs shared, or held at once by conv/linear/pooling/concat).
    /// - Throws: `ArithmeticOverflow` for absurd sizes.
    public func inference(batch: Int = 1, precision: Precision = .float32, profile: CountingProfile = .physical) throws -> InferenceCost {
        let elements = forwardWorkingElements(under: profile)
        var peakLayer = 0
        for index in elements.indices where elements[index] > elements[peakLayer] { peakLayer = index }
        let peak = try Checked.product(elements[peakLayer], batch, precision.activationBytes, context: "inference peak")
        let forward = try Checked.sum(of: layerCosts.map(\.forwardMACs), context: "forward MACs")
        return InferenceCost(peak: ByteCount(peak), peakLayer: peakLayer,
                             macs: MACCount(try Checked.product(forward, batch, context: "inference MACs")))
    }
}
