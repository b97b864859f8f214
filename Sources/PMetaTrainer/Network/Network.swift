import PMetaPlan

/// An executable network over the layers of a ``ShapedGraph``, in the graph's topological order.
///
/// The network is the same graph the planner and the cost model read (architecture JSON), with a kernel
/// per layer; it holds no weights (``NetworkParameters``) and no state, so one network serves every task.
public struct Network: Sendable {
    /// The graph.
    public let graph: ShapedGraph
    /// The kernel of each layer.
    public let operations: [NetworkOperation]
    /// For each layer, the layers that read its output, in order.
    public let consumers: [[Int]]

    /// Builds the kernels for `graph`.
    /// - Throws: `DataError` naming the first layer the trainer cannot run.
    /// - Complexity: O(layers + edges).
    public init(_ graph: ShapedGraph) throws(DataError) {
        var operations: [NetworkOperation] = []
        var consumers = [[Int]](repeating: [], count: graph.layerCount)
        for (index, layer) in graph.layers.enumerated() {
            operations.append(try NetworkOperation(layer, inputShapes: graph.inputShapes[index]))
            for case .layer(let producer) in layer.inputs where consumers[producer].last != index {
                consumers[producer].append(index)
            }
        }
        self.graph = graph
        self.operations = operations
        self.consumers = consumers
    }

    /// The number of layers.
    public var layerCount: Int { operations.count }

    /// The shape of a batch of `samples` inputs: `[N] + x_0`.
    public func inputShape(samples: Int) -> [Int] { [samples] + graph.inputShape.dimensions }

    /// The shape of a batch of `samples` outputs: `[N] + x_L`.
    public func outputShape(samples: Int) -> [Int] { [samples] + graph.outputShapes[layerCount - 1].dimensions }

    /// The initial parameters: He-normal weights (std sqrt(2 / fan-in)), zero biases, γ = 1 and β = 0,
    /// learned tensors with std 0.02.
    /// - Parameter generator: The seeded source of randomness.
    /// - Returns: One list of tensors per layer, in ``NetworkOperation/parameterShapes`` order.
    public func initialParameters(using generator: inout some RandomNumberGenerator) -> NetworkParameters {
        var layers: [[Tensor]] = []
        for operation in operations {
            switch operation {
            case .conv2d(let conv, let hasBias):
                let fanIn = conv.inputChannels / conv.groupCount * conv.kernelSize * conv.kernelSize
                layers.append([Tensor(heNormal: conv.weightShape, fanIn: fanIn, using: &generator)]
                              + (hasBias ? [Tensor(zeros: [conv.outputChannels])] : []))
            case .linear(let linear, let hasBias):
                layers.append([Tensor(heNormal: linear.weightShape, fanIn: linear.inputFeatures, using: &generator)]
                              + (hasBias ? [Tensor(zeros: [linear.outputFeatures])] : []))
            case .convolution(let conv, let hasBias, _):
                let fanIn = conv.inputChannels / conv.groupCount * conv.kernel.height * conv.kernel.width
                layers.append([Tensor(heNormal: conv.weightShape, fanIn: fanIn, using: &generator)]
                              + (hasBias ? [Tensor(zeros: [conv.outputChannels])] : []))
            case .parameter(let shape):
                // std 0.02, as ViT initializes its class token and position embedding.
                layers.append([Tensor(randomNormal: shape, standardDeviation: 0.02, using: &generator)])
            case .groupNorm(let norm), .tokenNorm(let norm):
                layers.append([Tensor(shape: [norm.channelCount], repeating: 1), Tensor(zeros: [norm.channelCount])])
            default:
                layers.append([])
            }
        }
        return NetworkParameters(layers: layers)
    }
}
