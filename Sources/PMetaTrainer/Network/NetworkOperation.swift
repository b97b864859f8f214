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
    /// A convolution ``Conv2D`` does not take (dilated, asymmetric padding, rectangular, conv1d on `[N, C, L]`
    /// as the image `[N, C, 1, L]`, `isSequence`).
    case convolution(GeneralConvolution, hasBias: Bool, isSequence: Bool)
    /// Layer normalization of each token of `[N, T, D]` (one group of the D features per row).
    case tokenNorm(GroupNorm)
    /// Sigmoid, tanh, hard-swish, SiLU or GELU.
    case smoothActivation(SmoothActivation)
    /// Softmax over one axis of the batched tensor.
    case softmax(Softmax)
    /// Train-mode dropout (identity in a pass that trains nothing).
    case dropout(Dropout)
    /// The product with a constant.
    case scale(Float)
    /// The element-wise sum of the inputs, broadcast.
    case add
    /// The element-wise product of two inputs, broadcast.
    case mul
    /// The product of two activations over their leading axes.
    case matmul
    /// A view with the graph's output shape.
    case reshape
    /// Axes permuted (a permutation of the batched axes that keeps the batch first).
    case transpose([Int])
    /// Every `step`-th element from `start` along an axis of the batched tensor (in reverse for a negative step), a copy.
    case slice(axis: Int, start: Int, step: Int)
    /// ShuffleNet's channel shuffle with `groupCount` groups.
    case shuffle(groupCount: Int)
    /// One index along an axis of the batched tensor, the axis removed.
    case gather(axis: Int, index: Int)
    /// Concatenation along an axis of the batched tensor (1 is channels).
    case concat(axis: Int)
    /// The mean over axes of the batched tensor.
    case reduceMean(axes: [Int])
    /// A learned tensor of shape `[1] + shape`, shared by the batch.
    case parameter(shape: [Int])

    /// The kernel for a graph layer.
    /// - Throws: `DataError` naming the layer for what the trainer cannot run: batch normalization
    ///   (p-Meta Sec. 3.5.2 replaces it with group normalization), non-square pooling windows, ceil-mode
    ///   average pooling.
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
        let rank = inputShapes.first?.dimensions.count ?? 0
        func batchedAxis(_ axis: Int) -> Int { (axis < 0 ? axis + rank : axis) + 1 }
        switch layer.operation {
        case .conv2d(let convolution):
            if convolution.dilation == Size2D(1), convolution.kernelSize.height == convolution.kernelSize.width,
               convolution.stride.height == convolution.stride.width, let padding = convolution.padding.symmetric,
               padding.height == padding.width {
                self = .conv2d(
                    Conv2D(inputChannels: channels, outputChannels: convolution.outputChannels,
                           kernelSize: convolution.kernelSize.height, stride: convolution.stride.height,
                           padding: padding.height, groupCount: convolution.groupCount),
                    hasBias: convolution.hasBias)
            } else {
                self = .convolution(Self.general(convolution, inputChannels: channels), hasBias: convolution.hasBias, isSequence: false)
            }
        case .conv1d(let convolution):
            self = .convolution(Self.general(convolution, inputChannels: channels), hasBias: convolution.hasBias, isSequence: true)
        case .linear(let linear):
            let features = inputShapes[0].dimensions.last ?? 0
            self = .linear(Linear(inputFeatures: features, outputFeatures: linear.outputFeatures), hasBias: linear.hasBias)
        case .groupNorm(let groupCount):
            self = .groupNorm(GroupNorm(channelCount: channels, groupCount: groupCount))
        case .layerNorm where rank == 2:
            self = .tokenNorm(GroupNorm(channelCount: inputShapes[0].dimensions[1], groupCount: 1))
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
        case .hardSigmoid:
            self = .activation(.hardSigmoid)
        case .sigmoid:
            self = .smoothActivation(.sigmoid)
        case .tanh:
            self = .smoothActivation(.tanh)
        case .hardSwish:
            self = .smoothActivation(.hardSwish)
        case .silu:
            self = .smoothActivation(.silu)
        case .gelu(let approximatesWithTanh):
            self = .smoothActivation(.gelu(approximatesWithTanh: approximatesWithTanh))
        case .softmax(let axis):
            self = .softmax(Softmax(axis: batchedAxis(axis)))
        case .dropout(let probability):
            self = .dropout(Dropout(probability: Float(probability)))
        case .maxPool(let pooling):
            let window = try square(pooling.kernelSize, "window")
            guard window <= 16 else {
                throw DataError(path: layer.sourcePath, message: "max_pool '\(layer.name)': the trainer pools windows up to 16, found \(window)")
            }
            self = .maxPool(MaxPool2D(kernelSize: window, stride: try square(pooling.stride, "stride"), padding: try symmetric(pooling.padding),
                                      ceilMode: pooling.ceilMode))
        case .averagePool(let pooling):
            guard !pooling.ceilMode else {
                throw DataError(path: layer.sourcePath, message: "avg_pool '\(layer.name)': the trainer does not run ceil_mode average pooling (its partial windows' divisor)")
            }
            self = .averagePool(AvgPool2D(kernelSize: try square(pooling.kernelSize, "window"), stride: try square(pooling.stride, "stride"),
                                          padding: try symmetric(pooling.padding)))
        case .globalAveragePool:
            self = .globalAveragePool
        case .upsample:
            throw DataError(path: layer.sourcePath, message: "upsample '\(layer.name)': the trainer does not run upsampling (the cost model counts it: docs/cost-model.md)")
        case .flatten:
            self = .flatten
        case .add:
            self = .add
        case .mul:
            self = .mul
        case .scale(let factor):
            self = .scale(Float(factor))
        case .matmul:
            guard inputShapes.allSatisfy({ $0.dimensions.count >= 2 }) else {
                throw DataError(path: layer.sourcePath, message: "matmul '\(layer.name)': the trainer multiplies activations of rank 2 or more")
            }
            self = .matmul
        case .reshape:
            self = .reshape
        case .transpose(let permutation):
            self = .transpose([0] + permutation.map { $0 + 1 })
        case .slice(let axis, let start, let end, let step):
            let resolved = batchedAxis(axis)
            let range = SliceRange(extent: inputShapes[0].dimensions[resolved - 1], start: start, end: end, step: step)
            self = .slice(axis: resolved, start: range.first, step: range.step)
        case .shuffle(let groupCount):
            self = .shuffle(groupCount: groupCount)
        case .gather(let axis, let index):
            let resolved = batchedAxis(axis)
            let extent = inputShapes[0].dimensions[resolved - 1]
            self = .gather(axis: resolved, index: index < 0 ? index + extent : index)
        case .concat(let axis):
            self = .concat(axis: batchedAxis(axis))
        case .reduceMean(let axes, _):
            self = .reduceMean(axes: axes.map(batchedAxis).sorted())
        case .parameter(let shape):
            self = .parameter(shape: [1] + shape)
        }
    }

    /// The general kernel for a convolution.
    private static func general(_ convolution: Convolution, inputChannels: Int) -> GeneralConvolution {
        GeneralConvolution(
            inputChannels: inputChannels, outputChannels: convolution.outputChannels,
            kernel: (convolution.kernelSize.height, convolution.kernelSize.width),
            stride: (convolution.stride.height, convolution.stride.width),
            dilation: (convolution.dilation.height, convolution.dilation.width),
            padding: (convolution.padding.top, convolution.padding.left, convolution.padding.bottom, convolution.padding.right),
            groupCount: convolution.groupCount)
    }

    /// The shapes of the layer's trainable tensors: `[weight, bias]` (bias only when present),
    /// `[scale, shift]` for a normalization, none otherwise.
    public var parameterShapes: [[Int]] {
        switch self {
        case .conv2d(let conv, let hasBias): [conv.weightShape] + (hasBias ? [[conv.outputChannels]] : [])
        case .linear(let linear, let hasBias): [linear.weightShape] + (hasBias ? [[linear.outputFeatures]] : [])
        case .convolution(let conv, let hasBias, _): [conv.weightShape] + (hasBias ? [[conv.outputChannels]] : [])
        case .groupNorm(let norm), .tokenNorm(let norm): [[norm.channelCount], [norm.channelCount]]
        case .parameter(let shape): [shape]
        default: []
        }
    }

    /// Whether the layer has a weight (conv2d or linear) whose gradient needs the saved input.
    public var isWeightLayer: Bool {
        switch self {
        case .conv2d, .linear, .convolution: true
        default: false
        }
    }
}
