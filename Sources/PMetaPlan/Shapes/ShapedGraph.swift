/// An architecture graph with the shape of every tensor inferred and checked.
///
/// Built once per graph; the cost model, the planner and the trainer all read shapes from here
/// instead of inferring them again.
public struct ShapedGraph: Hashable, Sendable {
    /// The graph.
    public let graph: ArchitectureGraph
    /// x_0, the shape of one input sample.
    public let inputShape: TensorShape
    /// The shapes of each layer's inputs, in the layer's input order.
    public let inputShapes: [[TensorShape]]
    /// x_l, the shape of each layer's output.
    public let outputShapes: [TensorShape]
    /// The last layer that reads each layer's output (the layer itself when none does; the network output is
    /// read by the loss, after every layer: `layerCount`). What liveness, the planner and the trainer free by.
    public let lastReader: [Int]

    /// Infers and checks every shape.
    /// - Throws: `DataError` naming the layer for an empty graph, a reference to a later or unknown
    ///   layer, a shape the operation cannot take, an unused output, or a size that overflows.
    /// - Complexity: O(layers + edges).
    public init(_ graph: ArchitectureGraph) throws(DataError) {
        guard !graph.layers.isEmpty else {
            throw DataError(path: "layers", message: "expected at least one layer, found an empty list")
        }
        guard !graph.inputShape.isEmpty, graph.inputShape.count <= 3, graph.inputShape.allSatisfy({ $0 > 0 }) else {
            throw DataError(path: "input.shape",
                                    message: "expected 1 to 3 positive dimensions ([C, H, W] or [features]), found \(graph.inputShape)")
        }
        let input: TensorShape
        do { input = try TensorShape(graph.inputShape) } catch {
            throw DataError(path: "input.shape", message: "\(graph.inputShape) has more elements than fit in 64 bits")
        }
        var inputShapes: [[TensorShape]] = []
        var outputShapes: [TensorShape] = []
        inputShapes.reserveCapacity(graph.layers.count)
        outputShapes.reserveCapacity(graph.layers.count)
        var isConsumed = [Bool](repeating: false, count: graph.layers.count)
        for (index, layer) in graph.layers.enumerated() {
            var shapes: [TensorShape] = []
            for reference in layer.inputs {
                switch reference {
                case .graphInput:
                    shapes.append(input)
                case .layer(let producer):
                    guard producer >= 0 && producer < index else {
                        throw DataError(path: "\(layer.sourcePath).inputs",
                                                message: "layer '\(layer.name)' reads a layer that does not come before it (a cycle)")
                    }
                    isConsumed[producer] = true
                    shapes.append(outputShapes[producer])
                }
            }
            let output: TensorShape
            do {
                output = try layer.operation.outputShape(for: shapes)
            } catch let error as ShapeMismatch {
                throw DataError(path: layer.sourcePath, message: "\(layer.operation.kind.rawValue) '\(layer.name)': \(error.message)")
            } catch {
                throw DataError(path: layer.sourcePath,
                                        message: "\(layer.operation.kind.rawValue) '\(layer.name)': its output size does not fit in 64 bits")
            }
            inputShapes.append(shapes)
            outputShapes.append(output)
        }
        if let unused = isConsumed.dropLast().firstIndex(of: false) {
            let layer = graph.layers[unused]
            throw DataError(path: layer.sourcePath,
                                    message: "the output of '\(layer.name)' is never used; only the last layer may be the network output")
        }
        for split in graph.splits {
            let input = inputShapes[split.lastPart][0]
            let axis = split.axis < 0 ? split.axis + input.dimensions.count : split.axis
            guard axis >= 0 && axis < input.dimensions.count, input.dimensions[axis] == split.extent else {
                throw DataError(path: split.path, message: "the parts add up to \(split.extent), but axis \(split.axis) of the input \(input) has extent \(axis >= 0 && axis < input.dimensions.count ? String(input.dimensions[axis]) : "none")")
            }
        }
        var lastReader = Array(0..<graph.layers.count)
        for (index, layer) in graph.layers.enumerated() {
            for case .layer(let producer) in layer.inputs { lastReader[producer] = max(lastReader[producer], index) }
        }
        lastReader[graph.layers.count - 1] = graph.layers.count
        self.lastReader = lastReader
        self.graph = graph
        self.inputShape = input
        self.inputShapes = inputShapes
        self.outputShapes = outputShapes
    }

    /// The number of layers.
    public var layerCount: Int { graph.layers.count }

    /// The layers.
    public var layers: [Layer] { graph.layers }
}

/// A shape an operation cannot take; `ShapedGraph` adds the layer's name and path.
struct ShapeMismatch: Error {
    var message: String
}
