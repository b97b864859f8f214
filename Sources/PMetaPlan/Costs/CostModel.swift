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
        do {
            (self.workingElements, self.dyingInputElements) = try Self.forwardWorkingElements(of: graph, sharing: { _ in true })
            self.separateWorkingElements = try Self.forwardWorkingElements(of: graph, sharing: \.computesInPlace).working
        } catch {
            throw DataError(path: "layers", message: "\(error)")
        }
    }

    /// Liveness over the topological order: working(i) = live before i - dying inputs + max(dying inputs, output)
    /// where a layer's output may share its dying inputs' memory, live before i + output where it may not. A
    /// learned tensor's output is model memory and takes no activation memory.
    private static func forwardWorkingElements(of graph: ShapedGraph, sharing: (Operation) -> Bool) throws -> (working: [Int], dying: [Int]) {
        let count = graph.layerCount
        let lastReader = graph.lastReader
        let activationElements = graph.layers.indices.map { graph.layers[$0].operation.producesActivation ? graph.outputShapes[$0].elementCount : 0 }
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
            let held = sharing(layer.operation) ? max(dying, output) : try Checked.sum(dying, output, context: "layer '\(layer.name)': working set")
            working.append(try Checked.sum(live - dying, held, context: "layer '\(layer.name)': working set"))
            live = try Checked.sum(live - dying, output, context: "layer '\(layer.name)': working set")
            dyingPerLayer.append(dying)
        }
        return (working, dyingPerLayer)
    }
}

// MARK: - Static memory and inference

/// Memory that exists regardless of training: the model and the support samples.
public struct StaticMemory: Hashable, Sendable {
    /// Trainable parameters (weights, biases, normalization affine, free parameters).
    public var parameterCount: Int
    /// The model: parameters and buffers (batch-norm statistics) at the weight precision.
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
        let model = try Checked.product(try Checked.sum(parameters, buffers, context: "model size"), precision.weightBytes,
                                        context: "model bytes")
        let sample = try Checked.product(samples, graph.inputShape.elementCount, graph.graph.sampleElementBytes,
                                         context: "sample bytes")
        return StaticMemory(parameterCount: parameters, modelBytes: ByteCount(model), sampleBytes: ByteCount(sample))
    }

    /// The inference peak and MACs for `batch` samples propagated together, with the working sets of `profile`
    /// (inputs and outputs shared, or held at once by conv/linear/pooling/concat).
    /// - Throws: `ArithmeticOverflow` for absurd sizes.
    public func inference(batch: Int = 1, precision: Precision = .float32, profile: CountingProfile = .physical) throws -> InferenceCost {
        let elements = profile.workingSet == .inputAndOutputShare ? workingElements : separateWorkingElements
        var peakLayer = 0
        for index in elements.indices where elements[index] > elements[peakLayer] { peakLayer = index }
        let peak = try Checked.product(elements[peakLayer], batch, precision.activationBytes, context: "inference peak")
        let forward = try Checked.sum(of: layerCosts.map(\.forwardMACs), context: "forward MACs")
        return InferenceCost(peak: ByteCount(peak), peakLayer: peakLayer,
                             macs: MACCount(try Checked.product(forward, batch, context: "inference MACs")))
    }
}
