/// How a framework with strided tensors (PyTorch) lays out each layer's output, and what follows from it for
/// memory: which layers are views (no memory of their own) and which matrix-product operands are copied.
///
/// Strides are per sample, in elements; the batch axis in front has the stride of one sample's elements (every
/// storage is a dense block per sample). A transpose permutes its input's strides; flatten and reshape reinterpret
/// them when they can (else they copy to a new contiguous tensor); element-wise operations keep their input's
/// strides in a new tensor; every other operation writes a contiguous tensor.
struct StridedLayouts: Hashable, Sendable {
    /// For each layer, whether its output is a view of its input (the same storage).
    let isView: [Bool]
    /// For each layer, the elements of the storage its output keeps alive, for one sample: its own, a view's base's
    /// (a class token read from the tokens keeps every token), 0 for a learned tensor or a view of the network input.
    let storageElements: [Int]
    /// For each layer, which inputs a batched matrix product copies before multiplying, with one sample per pass.
    let copiesInputAtBatchOne: [[Bool]]
    /// The same with more than one sample per pass: the batch axis must then merge with the head axes too.
    let copiesInputAboveBatchOne: [[Bool]]
    /// For each reshape or flatten, whether its backward pass reshapes g(y) to the input's shape by a copy (g(y)
    /// arrives permuted, from a transpose after it) rather than a view, or by a view where its forward pass copied.
    let backwardReshape: [BackwardReshape]

    /// How a reshape's backward pass turns g(y) into g(x).
    enum BackwardReshape: Hashable, Sendable {
        /// As its forward pass did (a view where it viewed, a copy where it copied), or not a reshape.
        case asForward
        /// A copy where its forward pass was a view.
        case copiesWhereForwardViewed
        /// A view where its forward pass copied.
        case viewsWhereForwardCopied
    }

    /// The layouts of `graph`.
    /// - Complexity: O(layers + edges) x rank.
    init(_ graph: ShapedGraph) {
        let count = graph.layerCount
        var strides: [[Int]] = []
        strides.reserveCapacity(count)
        var isView = [Bool](repeating: false, count: count)
        var storage = [Int](repeating: 0, count: count)
        var atOne = [[Bool]](repeating: [], count: count)
        var aboveOne = [[Bool]](repeating: [], count: count)
        let inputStrides = Self.contiguousStrides(graph.inputShape.dimensions)
        for (index, layer) in graph.layers.enumerated() {
            let output = graph.outputShapes[index].dimensions
            let inputs: [[Int]] = layer.inputs.map { reference in
                if case .layer(let producer) = reference { return strides[producer] }
                return inputStrides
            }
            let inputShapes = graph.inputShapes[index].map(\.dimensions)
            var layout = Self.contiguousStrides(output)
            switch layer.operation.stridedLayout {
            case .contiguous:
                break
            case .keepsInputStrides:
                let full = inputs.indices.filter { inputShapes[$0] == output }
                if let first = full.first, full.allSatisfy({ inputs[$0] == inputs[first] }) { layout = inputs[first] }
            case .view:
                switch layer.operation {
                case .transpose(let permutation):
                    layout = permutation.map { inputs[0][$0] }
                    isView[index] = true
                case .gather(let axis, _):
                    var kept = inputs[0]
                    kept.remove(at: axis < 0 ? axis + kept.count : axis)
                    layout = kept
                    isView[index] = true
                case .slice(let axis, _, _, let step):
                    layout = inputs[0]
                    layout[axis < 0 ? axis + layout.count : axis] *= step
                    isView[index] = true
                default:
                    if let viewed = Self.viewStrides(sizes: inputShapes[0], strides: inputs[0], as: output) {
                        layout = viewed
                        isView[index] = true
                    }
                }
            }
            if isView[index] {
                if case .layer(let producer) = layer.inputs[0] { storage[index] = storage[producer] }
            } else if layer.operation.producesActivation {
                storage[index] = graph.outputShapes[index].elementCount
            }
            strides.append(layout)
            if case .matmul = layer.operation {
                // The product multiplies [batch x heads, N, K] matrices: each operand is reshaped to that, a view
                // when its strides allow, else a contiguous copy.
                for (position, shape) in inputShapes.enumerated() {
                    let heads = shape.dropLast(2).reduce(1, *)
                    let matrices = Array(shape.suffix(2))
                    let elements = shape.reduce(1, *)
                    atOne[index].append(Self.viewStrides(sizes: shape, strides: inputs[position], as: [heads] + matrices) == nil)
                    aboveOne[index].append(Self.viewStrides(sizes: [2] + shape, strides: [elements] + inputs[position],
                                                            as: [2 * heads] + matrices) == nil)
                }
            }
        }
        self.isView = isView
        storageElements = storage
        copiesInputAtBatchOne = atOne
        copiesInputAboveBatchOne = aboveOne
        backwardReshape = Self.backwardReshapes(of: graph, isView: isView)
    }

    /// The gradients' layouts, from the output down: g(y) of a tensor with one reader is laid out as that reader's
    /// backward pass makes it (a transpose permutes its g(y) back, an element-wise operation keeps its g(y)'s
    /// strides, a reshape views its g(y) when it can); every other gradient, and a sum of several, is contiguous.
    private static func backwardReshapes(of graph: ShapedGraph, isView: [Bool]) -> [BackwardReshape] {
        let count = graph.layerCount
        var readers = [[Int]](repeating: [], count: count)
        for (index, layer) in graph.layers.enumerated() {
            for case .layer(let producer) in layer.inputs { readers[producer].append(index) }
        }
        var gradientStrides = graph.outputShapes.map { contiguousStrides($0.dimensions) }
        var result = [BackwardReshape](repeating: .asForward, count: count)
        for index in stride(from: count - 1, through: 0, by: -1) {
            let layer = graph.layers[index]
            let output = graph.outputShapes[index].dimensions
            // g(x) of this layer's (first) input, as its backward pass lays it out.
            var inputGradient: [Int]?
            let input = graph.inputShapes[index].first?.dimensions ?? []
            switch layer.operation.stridedLayout {
            case .view:
                if case .transpose(let permutation) = layer.operation {
                    var strides = [Int](repeating: 1, count: permutation.count)
                    for (axis, source) in permutation.enumerated() { strides[source] = gradientStrides[index][axis] }
                    inputGradient = strides
                } else {
                    let viewed = viewStrides(sizes: output, strides: gradientStrides[index], as: input)
                    if isView[index] && viewed == nil { result[index] = .copiesWhereForwardViewed }
                    if !isView[index] && viewed != nil { result[index] = .viewsWhereForwardCopied }
                    inputGradient = viewed
                }
            case .keepsInputStrides:
                if input == output { inputGradient = gradientStrides[index] }
            case .contiguous:
                break
            }
            guard let inputGradient, case .layer(let producer) = layer.inputs.first, readers[producer] == [index] else { continue }
            gradientStrides[producer] = inputGradient
        }
        return result
    }

    /// Which inputs of layer `index` a batched matrix product copies with `samplesPerPass` samples per pass.
    func copiesInput(ofLayerAt index: Int, samplesPerPass: Int) -> [Bool] {
        samplesPerPass > 1 ? copiesInputAboveBatchOne[index] : copiesInputAtBatchOne[index]
    }

    /// Row-major strides of `shape`.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var stride = 1
        for axis in shape.indices.reversed() {
            strides[axis] = stride
            stride *= shape[axis]
        }
        return strides
    }

    /// The strides with which a tensor of `sizes` and `strides` can be seen as `shape` without copying, or nil
    /// when no view can: the source axes fall into runs that are dense with each other (axes of extent 1 aside),
    /// and the new axes must split those runs, each new axis inside one run.
    static func viewStrides(sizes: [Int], strides: [Int], as shape: [Int]) -> [Int]? {
        // Runs of source axes, outermost first: (elements, stride of the innermost axis).
        var runs: [(elements: Int, innerStride: Int)] = []
        for (size, stride) in zip(sizes, strides) where size != 1 {
            if let last = runs.last, last.innerStride == stride * size {
                runs[runs.count - 1] = (last.elements * size, stride)
            } else {
                runs.append((size, stride))
            }
        }
        var result = [Int](repeating: 1, count: shape.count)
        var run = 0
        var group: [Int] = []
        var product = 1
        for (axis, extent) in shape.enumerated() where extent != 1 {
            guard run < runs.count else { return nil }
            group.append(axis)
            product *= extent
            guard runs[run].elements % product == 0 else { return nil }
            if product == runs[run].elements {
                var stride = runs[run].innerStride
                for member in group.reversed() {
                    result[member] = stride
                    stride *= shape[member]
                }
                run += 1
                group = []
                product = 1
            }
        }
        return run == runs.count && group.isEmpty ? result : nil
    }
}
