import PMetaPlan

/// What one layer of a ``Network`` computes, with the kernel that computes it.
public enum NetworkOperation: Sendable, Hashable {
    /// y = w * x + b.
    case conv2d(Conv2D, hasBias: Bool)
    /// y = x Wᵀ + b.
    case linear(Linear, hasBias: Bool)
    /// Group normalization; layer normalization is the one-group case.
    case groupNorm(GroupNorm)
    /// ReLU, ReLU6 or leaky ReLU.
    case activation(ActivationFunction)
    case maxPool(MaxPool2D)
    case averagePool(AvgPool2D)
    case globalAveragePool
    case flatten
    /// The element-wise sum of the inputs.
    case add
    /// Concatenation along channels.
    case concat

    /// The kernel for a graph layer.
    /// - Throws: `DataError` naming the layer for what the trainer cannot run: batch normalization
    ///   (p-Meta Sec. 3.5.2 replaces it with group normalization) and non-square windows.
    init(_ layer: Layer, inputShapes: [TensorShape]) throws(DataError) {
        func square(_ size: Size2D, _ what: String) throws(DataError) -> Int {
            guard size.height == size.width else {
                throw DataError(path: layer.sourcePath, message: "\(layer.operation.kind.rawValue) '\(layer.name)': the trainer runs square \(what)s only, found \(size)")
            }
            return size.height
        }
        func symmetric(_ padding: Padding2D) throws(DataError) -> Int {
            guard let pair = padding.symmetric else {
                throw DataError(path: layer.sourcePath, message: "\(layer.operation.kind.rawValue) '\(layer.name)': the trainer runs symmetric padding only, found \(padding)")
            }
            return try square(pair, "padding")
        }
        let channels = inputShapes.first?.channels ?? 0
        switch layer.operation {
        case .conv2d(let convolution):
            guard convolution.dilation == Size2D(1) else {
                throw DataError(path: layer.sourcePath, message: "conv2d '\(layer.name)': the trainer runs undilated convolutions only, found dilation \(convolution.dilation)")
            }
            self = .conv2d(
                Conv2D(inputChannels: channels, outputChannels: convolution.outputChannels,
                       kernelSize: try square(convolution.kernelSize, "kernel"), stride: try square(convolution.stride, "stride"),
                       padding: try symmetric(convolution.padding), groupCount: convolution.groupCount),
                hasBias: convolution.hasBias)
        case .linear(let linear):
            self = .linear(Linear(inputFeatures: channels, outputFeatures: linear.outputFeatures), hasBias: linear.hasBias)
        case .groupNorm(let groupCount):
            self = .groupNorm(GroupNorm(channelCount: channels, groupCount: groupCount))
        case .layerNorm:
            self = .groupNorm(GroupNorm(channelCount: channels, groupCount: 1))
        case .batchNorm:
            throw DataError(path: layer.sourcePath, message: "batch_norm '\(layer.name)': the trainer does not run batch normalization; use group_norm (p-Meta Sec. 3.5.2: batch statistics break gradient accumulation)")
        case .relu:
            self = .activation(.relu)
        case .relu6:
            self = .activation(.relu6)
        case .leakyReLU(let slope):
            self = .activation(.leakyReLU(negativeSlope: Float(slope)))
        case .maxPool(let pooling):
            guard !pooling.ceilMode else {
                throw DataError(path: layer.sourcePath, message: "max_pool '\(layer.name)': the trainer does not run ceil_mode pooling")
            }
            let window = try square(pooling.kernelSize, "window")
            guard window <= 16 else {
                throw DataError(path: layer.sourcePath, message: "max_pool '\(layer.name)': the trainer pools windows up to 16, found \(window)")
            }
            self = .maxPool(MaxPool2D(kernelSize: window, stride: try square(pooling.stride, "stride"), padding: try symmetric(pooling.padding)))
        case .averagePool(let pooling):
            guard !pooling.ceilMode else {
                throw DataError(path: layer.sourcePath, message: "avg_pool '\(layer.name)': the trainer does not run ceil_mode pooling")
            }
            self = .averagePool(AvgPool2D(kernelSize: try square(pooling.kernelSize, "window"), stride: try square(pooling.stride, "stride"),
                                          padding: try symmetric(pooling.padding)))
        case .globalAveragePool:
            self = .globalAveragePool
        case .flatten:
            self = .flatten
        case .add:
            self = .add
        case .concat(let axis):
            guard axis == 0 || axis == -inputShapes[0].dimensions.count else {
                throw DataError(path: layer.sourcePath, message: "concat '\(layer.name)': the trainer concatenates along the channel axis only, found axis \(axis)")
            }
            self = .concat
        case .conv1d, .sigmoid, .tanh, .hardSigmoid, .hardSwish, .silu, .gelu, .softmax, .dropout, .mul, .scale, .matmul,
             .reshape, .transpose, .slice, .shuffle, .gather, .reduceMean, .parameter:
            throw DataError(path: layer.sourcePath, message: "\(layer.operation.kind.rawValue) '\(layer.name)': the reference trainer does not run this operation yet; the planner counts it")
        }
    }

    /// The shapes of the layer's trainable tensors: `[weight, bias]` (bias only when present),
    /// `[scale, shift]` for a normalization, none otherwise.
    public var parameterShapes: [[Int]] {
        switch self {
        case .conv2d(let conv, let hasBias): [conv.weightShape] + (hasBias ? [[conv.outputChannels]] : [])
        case .linear(let linear, let hasBias): [linear.weightShape] + (hasBias ? [[linear.outputFeatures]] : [])
        case .groupNorm(let norm): [[norm.channelCount], [norm.channelCount]]
        default: []
        }
    }

    /// Whether the layer has a weight (conv2d or linear) whose gradient needs the saved input.
    public var isWeightLayer: Bool {
        switch self {
        case .conv2d, .linear: true
        default: false
        }
    }
}
