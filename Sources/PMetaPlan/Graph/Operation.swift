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

/// What a layer computes. The spelling in architecture files is `Operation.Kind.rawValue`; what each operation
/// is (shapes, counts, what it keeps for backward) is its `definition`, one file per operator in `Operators/`.
public enum Operation: Hashable, Sendable {
    case conv2d(Convolution)
    /// A convolution over `[C, L]`; the attributes' height parts are 1 and 0.
    case conv1d(Convolution)
    case linear(Linear)
    /// Group normalization with affine gamma and beta per channel.
    case groupNorm(groupCount: Int)
    /// Batch normalization with affine gamma and beta and running statistics per channel.
    case batchNorm
    /// Layer normalization: over the last axis of features and tokens, over every element of an image.
    case layerNorm
    case relu
    /// ReLU clipped at 6, as in MobileNetV2.
    case relu6
    case leakyReLU(negativeSlope: Double)
    case sigmoid
    case tanh
    /// relu6(x + 3) / 6.
    case hardSigmoid
    /// x relu6(x + 3) / 6.
    case hardSwish
    /// x sigmoid(x), also called swish.
    case silu
    /// x Phi(x), exactly or with the tanh approximation.
    case gelu(approximatesWithTanh: Bool)
    case softmax(axis: Int)
    /// Train-mode dropout.
    case dropout(probability: Double)
    case maxPool(Pooling)
    case averagePool(Pooling)
    /// Averages each channel over height and width: [C, H, W] -> [C].
    case globalAveragePool
    /// [C, H, W] -> [C, sH H, sW W], nearest or bilinear.
    case upsample(Upsampling)
    /// [C, H, W] -> [C * H * W].
    case flatten
    /// The element-wise sum of two or more inputs, with broadcasting.
    case add
    /// The element-wise product of two inputs, with broadcasting.
    case mul
    /// The product with a constant.
    case scale(factor: Double)
    /// The matrix product of two activations over equal leading axes.
    case matmul
    /// Concatenation of one or more inputs along an axis.
    case concat(axis: Int)
    case reshape(shape: [Int])
    case transpose(permutation: [Int])
    case slice(axis: Int, start: Int, end: Int, step: Int)
    /// ShuffleNet's channel shuffle.
    case shuffle(groupCount: Int)
    /// One index of an axis, the axis removed.
    case gather(axis: Int, index: Int)
    case reduceMean(axes: [Int], keepsDimensions: Bool)
    /// A learned tensor used as an activation (class token, position embedding).
    case parameter(shape: [Int])

    /// The operation's name as written in architecture files.
    public enum Kind: String, CaseIterable, Sendable {
        case conv2d, conv1d, linear
        case groupNorm = "group_norm", batchNorm = "batch_norm", layerNorm = "layer_norm"
        case relu, relu6
        case leakyReLU = "leaky_relu"
        case sigmoid, tanh
        case hardSigmoid = "hard_sigmoid", hardSwish = "hard_swish"
        case silu, gelu, softmax, dropout
        case maxPool = "max_pool", averagePool = "avg_pool", globalAveragePool = "global_avg_pool"
        case upsample
        case flatten, add, mul, scale, matmul, concat, reshape, transpose, slice, shuffle, gather
        case reduceMean = "reduce_mean"
        case parameter
    }

    /// The operation's kind.
    public var kind: Kind {
        switch self {
        case .conv2d: .conv2d
        case .conv1d: .conv1d
        case .linear: .linear
        case .groupNorm: .groupNorm
        case .batchNorm: .batchNorm
        case .layerNorm: .layerNorm
        case .relu: .relu
        case .relu6: .relu6
        case .leakyReLU: .leakyReLU
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .hardSigmoid: .hardSigmoid
        case .hardSwish: .hardSwish
        case .silu: .silu
        case .gelu: .gelu
        case .softmax: .softmax
        case .dropout: .dropout
        case .maxPool: .maxPool
        case .averagePool: .averagePool
        case .globalAveragePool: .globalAveragePool
        case .upsample: .upsample
        case .flatten: .flatten
        case .add: .add
        case .mul: .mul
        case .scale: .scale
        case .matmul: .matmul
        case .concat: .concat
        case .reshape: .reshape
        case .transpose: .transpose
        case .slice: .slice
        case .shuffle: .shuffle
        case .gather: .gather
        case .reduceMean: .reduceMean
        case .parameter: .parameter
        }
    }

    /// Calls `visitor` with the operation's description: the one place that maps an operation to it. Generic, so
    /// the hot paths (the planner's predicates, the cost model) call the concrete type without boxing it.
    func accept<Visitor: OperatorVisitor>(_ visitor: Visitor) -> Visitor.Result {
        switch self {
        case .conv2d(let convolution): visitor.visit(convolution)
        case .conv1d(let convolution): visitor.visit(Convolution1D(convolution: convolution))
        case .linear(let linear): visitor.visit(linear)
        case .groupNorm(let groupCount): visitor.visit(Normalization(kind: .group(count: groupCount)))
        case .batchNorm: visitor.visit(Normalization(kind: .batch))
        case .layerNorm: visitor.visit(Normalization(kind: .layer))
        case .relu: visitor.visit(Activation(function: .relu))
        case .relu6: visitor.visit(Activation(function: .relu6))
        case .leakyReLU(let slope): visitor.visit(Activation(function: .leakyReLU(negativeSlope: slope)))
        case .sigmoid: visitor.visit(Activation(function: .sigmoid))
        case .tanh: visitor.visit(Activation(function: .tanh))
        case .hardSigmoid: visitor.visit(Activation(function: .hardSigmoid))
        case .hardSwish: visitor.visit(Activation(function: .hardSwish))
        case .silu: visitor.visit(Activation(function: .silu))
        case .gelu(let approximates): visitor.visit(Activation(function: .gelu(approximatesWithTanh: approximates)))
        case .dropout(let probability): visitor.visit(Activation(function: .dropout(probability: probability)))
        case .softmax(let axis): visitor.visit(Softmax(axis: axis))
        case .maxPool(let pooling): visitor.visit(WindowPooling(pooling: pooling, isMax: true))
        case .averagePool(let pooling): visitor.visit(WindowPooling(pooling: pooling, isMax: false))
        case .globalAveragePool: visitor.visit(GlobalAveragePooling())
        case .upsample(let upsampling): visitor.visit(Upsample(upsampling: upsampling))
        case .flatten: visitor.visit(Layout(function: .flatten))
        case .add: visitor.visit(Elementwise(function: .add))
        case .mul: visitor.visit(Elementwise(function: .mul))
        case .scale(let factor): visitor.visit(Elementwise(function: .scale(factor: factor)))
        case .matmul: visitor.visit(MatrixProduct())
        case .concat(let axis): visitor.visit(Layout(function: .concat(axis: axis)))
        case .reshape(let shape): visitor.visit(Layout(function: .reshape(shape: shape)))
        case .transpose(let permutation): visitor.visit(Layout(function: .transpose(permutation: permutation)))
        case .slice(let axis, let start, let end, let step): visitor.visit(Layout(function: .slice(axis: axis, start: start, end: end, step: step)))
        case .shuffle(let groupCount): visitor.visit(Layout(function: .shuffle(groupCount: groupCount)))
        case .gather(let axis, let index): visitor.visit(Layout(function: .gather(axis: axis, index: index)))
        case .reduceMean(let axes, let keeps): visitor.visit(Layout(function: .reduceMean(axes: axes, keepsDimensions: keeps)))
        case .parameter(let shape): visitor.visit(LearnedTensor(shape: shape))
        }
    }

    /// What the operation is, as an existential (for code off the hot paths).
    var definition: any OperatorDefinition { accept(ErasingVisitor()) }

    /// What the operation's trainable tensors are.
    public var parameterRole: ParameterRole { accept(RoleVisitor()) }

    /// Whether the operation has trainable parameters (convolutions, linear layers, normalizations, learned tensors).
    public var isTrainable: Bool { parameterRole != .none }

    /// Whether the operation is a convolution or linear layer (the layers Eq. (16) counts).
    public var isWeightLayer: Bool { parameterRole == .weightLayer }

    /// Whether the operation is a convolution (2-D or 1-D).
    public var isConvolution: Bool {
        switch self {
        case .conv2d, .conv1d: true
        default: false
        }
    }

    /// Whether the operation is a normalization.
    public var isNormalization: Bool { parameterRole == .normalization }

    /// Whether the output can be written over the input: element-wise activations that keep no input,
    /// normalizations (x̂ and then the output overwrite x), residual add, scale and views. conv2d, linear,
    /// pooling, concat, products and copies read their inputs while writing a separate output.
    public var computesInPlace: Bool { accept(InPlaceVisitor()) }

    /// Whether the layer is a learned tensor (a class token, a position embedding): trainable, its output the
    /// parameter itself.
    public var isLearnedTensor: Bool { isTrainable && !producesActivation }

    /// Whether the backward pass hands g(y) itself to every input of the output's shape (the residual add).
    public var sharesOutputGradientWithInputs: Bool { accept(SharedGradientVisitor()) }

    /// Where the backward pass writes g(x) of an input it keeps whole and that dies with it.
    var keptInputGradient: KeptInputGradient { accept(KeptInputGradientVisitor()) }

    /// How PyTorch lays out the output: a view, the input's strides, or a new contiguous tensor.
    var stridedLayout: StridedLayout { accept(StridedLayoutVisitor()) }

    /// Whether the output is an activation: false for a learned tensor, whose output is model memory.
    public var producesActivation: Bool { accept(ActivationOutputVisitor()) }

    /// The bias a TinyTL-style update trains: conv/linear bias, a normalization's beta; 0 or 1 tensors.
    public var hasBias: Bool {
        switch self {
        case .conv2d(let convolution), .conv1d(let convolution): convolution.hasBias
        case .linear(let linear): linear.hasBias
        default: isNormalization
        }
    }
}
