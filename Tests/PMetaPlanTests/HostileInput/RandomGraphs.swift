import PMetaPlan

/// Small random networks that shape-check by construction: chains and residual DAGs of conv, norm, ReLU,
/// pooling, add, concat, flatten and linear layers on an image of at most 4 x 8 x 8.
struct RandomGraphBuilder {
    private(set) var layers: [Layer] = []
    /// The tensor the next layer reads by default, and its shape `[C, H, W]` or `[F]`.
    private var current: TensorReference = .graphInput
    private var shape: [Int]
    private let inputShape: [Int]

    /// A random graph; `residual` allows branches that meet again in add and concat.
    static func graph(residual: Bool, using generator: inout SeededGenerator) -> ArchitectureGraph {
        var builder = RandomGraphBuilder(inputShape: [Int.random(in: 1...4, using: &generator),
                                                      Int.random(in: 1...8, using: &generator),
                                                      Int.random(in: 1...8, using: &generator)])
        for _ in 0..<Int.random(in: 1...6, using: &generator) {
            builder.appendImageBlock(residual: residual, using: &generator)
        }
        if Bool.random(using: &generator) {
            builder.append(.flatten)
        } else {
            builder.append(.globalAveragePool)
        }
        if Bool.random(using: &generator) {
            builder.append(.linear(Linear(outputFeatures: Int.random(in: 1...8, using: &generator))))
            builder.append(.relu)
        }
        builder.append(.linear(Linear(outputFeatures: Int.random(in: 1...5, using: &generator), hasBias: Bool.random(using: &generator))))
        return ArchitectureGraph(name: "random", inputShape: builder.inputShape, sampleElementBytes: 1, layers: builder.layers)
    }

    private init(inputShape: [Int]) {
        self.inputShape = inputShape
        self.shape = inputShape
    }

    /// Appends `operation` reading `inputs` (the current tensor by default) and makes it current.
    @discardableResult
    private mutating func append(_ operation: Operation, inputs: [TensorReference]? = nil, outputShape: [Int]? = nil) -> TensorReference {
        let index = layers.count
        layers.append(Layer(name: "n\(index)", operation: operation, inputs: inputs ?? [current]))
        current = .layer(index)
        shape = outputShape ?? Self.shape(after: operation, on: shape)
        return current
    }

    /// The output shape of the single-input operations this builder uses.
    private static func shape(after operation: Operation, on shape: [Int]) -> [Int] {
        switch operation {
        case .conv2d(let convolution):
            return [convolution.outputChannels,
                    (shape[1] + 2 * convolution.padding.top - convolution.kernelSize.height) / convolution.stride.height + 1,
                    (shape[2] + 2 * convolution.padding.left - convolution.kernelSize.width) / convolution.stride.width + 1]
        case .maxPool(let pooling), .averagePool(let pooling):
            return [shape[0], (shape[1] - pooling.kernelSize.height) / pooling.stride.height + 1,
                    (shape[2] - pooling.kernelSize.width) / pooling.stride.width + 1]
        case .linear(let linear): return [linear.outputFeatures]
        case .flatten: return [shape.reduce(1, *)]
        case .globalAveragePool: return [shape[0]]
        default: return shape
        }
    }

    private mutating func appendImageBlock(residual: Bool, using generator: inout SeededGenerator) {
        let choice = Int.random(in: 0..<(residual ? 6 : 4), using: &generator)
        switch choice {
        case 0:
            appendConvolution(using: &generator)
        case 1:
            appendNormalization(using: &generator)
            append([Operation.relu, .relu6, .leakyReLU(negativeSlope: 0.1)].randomElement(using: &generator)!)
        case 2:
            if shape[1] >= 2 && shape[2] >= 2 {
                let pooling = Pooling(kernelSize: Size2D(2))
                append(Bool.random(using: &generator) ? .maxPool(pooling) : .averagePool(pooling))
            } else {
                append(.relu)
            }
        case 3:
            appendConvolution(using: &generator)
            appendNormalization(using: &generator)
        case 4:
            // Residual: conv 3x3 (same shape) -> norm, added to the block's input or to a 1x1 shortcut.
            let entering = current
            let enteringShape = shape
            let channels = shape[0]
            append(.conv2d(Convolution(outputChannels: channels, kernelSize: Size2D(3), padding: Size2D(1), hasBias: false)))
            appendNormalization(using: &generator)
            let branch = current
            var shortcut = entering
            if Bool.random(using: &generator) {
                shortcut = append(.conv2d(Convolution(outputChannels: channels, kernelSize: Size2D(1))), inputs: [entering],
                                  outputShape: enteringShape)
            }
            append(.add, inputs: [branch, shortcut], outputShape: enteringShape)
        default:
            // Two 1x1 branches of different widths, concatenated along the channels.
            let entering = current
            let spatial = Array(shape.dropFirst())
            let first = Int.random(in: 1...4, using: &generator)
            let second = Int.random(in: 1...4, using: &generator)
            let left = append(.conv2d(Convolution(outputChannels: first, kernelSize: Size2D(1))), inputs: [entering], outputShape: [first] + spatial)
            let right = append(.conv2d(Convolution(outputChannels: second, kernelSize: Size2D(1))), inputs: [entering], outputShape: [second] + spatial)
            append(.concat(axis: 0), inputs: [left, right], outputShape: [first + second] + spatial)
        }
    }

    private mutating func appendConvolution(using generator: inout SeededGenerator) {
        let kernel = shape[1] >= 3 && shape[2] >= 3 ? [1, 3].randomElement(using: &generator)! : 1
        let padding = kernel == 3 ? Int.random(in: 0...1, using: &generator) : 0
        let stride = Int.random(in: 1...2, using: &generator)
        let groups = shape[0] % 2 == 0 && Bool.random(using: &generator) ? 2 : 1
        let outputChannels = groups * Int.random(in: 1...3, using: &generator)
        append(.conv2d(Convolution(outputChannels: outputChannels, kernelSize: Size2D(kernel), stride: Size2D(stride),
                                   padding: Size2D(padding), groupCount: groups, hasBias: Bool.random(using: &generator))))
    }

    private mutating func appendNormalization(using generator: inout SeededGenerator) {
        let channels = shape[0]
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: append(.batchNorm)
        case 1: append(.layerNorm)
        default: append(.groupNorm(groupCount: (1...channels).filter { channels % $0 == 0 }.randomElement(using: &generator)!))
        }
    }
}
