/// A height-and-width pair, for kernels, strides and paddings.
public struct Size2D: Hashable, Sendable, CustomStringConvertible {
    /// Rows.
    public var height: Int
    /// Columns.
    public var width: Int

    /// Creates a pair.
    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// A square pair.
    public init(_ side: Int) { self.init(height: side, width: side) }

    /// The number of positions, `height * width`.
    public var area: Int { height * width }

    public var description: String { height == width ? "\(height)" : "\(height)x\(width)" }
}

/// The attributes of a 2-D convolution.
public struct Convolution: Hashable, Sendable {
    /// C_l, the output channels.
    public var outputChannels: Int
    /// S_l, the kernel size.
    public var kernelSize: Size2D
    /// The stride.
    public var stride: Size2D
    /// Zero padding on each side.
    public var padding: Size2D
    /// Channel groups: 1 for a dense convolution, the input channel count for a depthwise one.
    public var groupCount: Int
    /// Whether the convolution adds a per-channel bias.
    public var hasBias: Bool

    /// Creates convolution attributes.
    public init(outputChannels: Int, kernelSize: Size2D, stride: Size2D = Size2D(1), padding: Size2D = Size2D(0),
                groupCount: Int = 1, hasBias: Bool = true) {
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.groupCount = groupCount
        self.hasBias = hasBias
    }
}

/// The attributes of a fully connected layer.
public struct Linear: Hashable, Sendable {
    /// C_O, the output features.
    public var outputFeatures: Int
    /// Whether the layer adds a bias.
    public var hasBias: Bool

    /// Creates linear-layer attributes.
    public init(outputFeatures: Int, hasBias: Bool = true) {
        self.outputFeatures = outputFeatures
        self.hasBias = hasBias
    }
}

/// The attributes of a max or average pooling window.
public struct Pooling: Hashable, Sendable {
    /// The window size.
    public var kernelSize: Size2D
    /// The stride (defaults to the window size).
    public var stride: Size2D
    /// Zero (or minus-infinity) padding on each side.
    public var padding: Size2D

    /// Creates pooling attributes.
    public init(kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = Size2D(0)) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }
}

/// What a layer computes. The spelling in architecture files is `Operation.Kind.rawValue`.
public enum Operation: Hashable, Sendable {
    case conv2d(Convolution)
    case linear(Linear)
    /// Group normalization with affine gamma and beta per channel.
    case groupNorm(groupCount: Int)
    /// Batch normalization with affine gamma and beta and running statistics per channel.
    case batchNorm
    /// Layer normalization over every element of a sample, with affine gamma and beta per channel.
    case layerNorm
    case relu
    /// ReLU clipped at 6, as in MobileNetV2.
    case relu6
    case leakyReLU(negativeSlope: Double)
    case maxPool(Pooling)
    case averagePool(Pooling)
    /// Averages each channel over height and width: [C, H, W] -> [C].
    case globalAveragePool
    /// [C, H, W] -> [C * H * W].
    case flatten
    /// The element-wise sum of two or more inputs of one shape.
    case add
    /// Concatenation of inputs along the channel (first) dimension.
    case concat

    /// The operation's name as written in architecture files.
    public enum Kind: String, CaseIterable, Sendable {
        case conv2d, linear
        case groupNorm = "group_norm", batchNorm = "batch_norm", layerNorm = "layer_norm"
        case relu, relu6
        case leakyReLU = "leaky_relu"
        case maxPool = "max_pool", averagePool = "avg_pool", globalAveragePool = "global_avg_pool"
        case flatten, add, concat
    }

    /// The operation's kind.
    public var kind: Kind {
        switch self {
        case .conv2d: .conv2d
        case .linear: .linear
        case .groupNorm: .groupNorm
        case .batchNorm: .batchNorm
        case .layerNorm: .layerNorm
        case .relu: .relu
        case .relu6: .relu6
        case .leakyReLU: .leakyReLU
        case .maxPool: .maxPool
        case .averagePool: .averagePool
        case .globalAveragePool: .globalAveragePool
        case .flatten: .flatten
        case .add: .add
        case .concat: .concat
        }
    }

    /// Whether the operation has trainable parameters (convolutions, linear layers, normalizations).
    public var isTrainable: Bool {
        switch self {
        case .conv2d, .linear, .groupNorm, .batchNorm, .layerNorm: true
        default: false
        }
    }

    /// Whether the operation is a convolution or linear layer (the layers Eq. (16) counts).
    public var isWeightLayer: Bool {
        switch self {
        case .conv2d, .linear: true
        default: false
        }
    }

    /// Whether the operation is a normalization.
    public var isNormalization: Bool {
        switch self {
        case .groupNorm, .batchNorm, .layerNorm: true
        default: false
        }
    }

    /// Whether the output can be written over the input: element-wise activations, normalizations (x̂ and then
    /// the output overwrite x), residual add and flatten. conv2d, linear, pooling and concat read the whole
    /// input while writing a separate output.
    public var computesInPlace: Bool {
        switch self {
        case .relu, .relu6, .leakyReLU, .groupNorm, .batchNorm, .layerNorm, .add, .flatten: true
        case .conv2d, .linear, .maxPool, .averagePool, .globalAveragePool, .concat: false
        }
    }

    /// How many inputs the operation takes: exactly one, or two and more.
    public var takesSeveralInputs: Bool {
        switch self {
        case .add, .concat: true
        default: false
        }
    }
}
