/// The attributes of a max or average pooling window.
public struct Pooling: Hashable, Sendable {
    /// The window size.
    public var kernelSize: Size2D
    /// The stride (defaults to the window size).
    public var stride: Size2D
    /// Zero (or minus-infinity) padding on each side.
    public var padding: Padding2D
    /// Whether the output size rounds up (PyTorch's `ceil_mode`).
    public var ceilMode: Bool

    /// Creates pooling attributes with symmetric padding.
    public init(kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = Size2D(0), ceilMode: Bool = false) {
        self.init(kernelSize: kernelSize, stride: stride, padding: Padding2D(padding), ceilMode: ceilMode)
    }

    /// Creates pooling attributes.
    public init(kernelSize: Size2D, stride: Size2D?, padding: Padding2D, ceilMode: Bool) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
    }

    var jsonAttributes: [(key: String, value: JSONValue)] {
        [(key: "kernel", value: kernelSize.json),
         (key: "stride", value: stride.json),
         (key: "padding", value: padding.json),
         (key: "ceil_mode", value: .bool(ceilMode))]
    }
}

/// Max and average pooling over `[C, H, W]`: a max pool on the backward path keeps the arg-max of each window.
struct WindowPooling: OperatorDefinition {
    var pooling: Pooling
    var isMax: Bool

    var arity: InputArity { .one }
    var computesInPlace: Bool { false }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        let (channels, height, width) = try ShapeRules.image(inputs[0])
        let padding = pooling.padding
        guard max(padding.top, padding.bottom) * 2 <= pooling.kernelSize.height, max(padding.left, padding.right) * 2 <= pooling.kernelSize.width else {
            throw ShapeMismatch(message: "padding \(padding) must be at most half the window \(pooling.kernelSize)")
        }
        let outputHeight = try ShapeRules.windowCount(extent: height, kernel: pooling.kernelSize.height, stride: pooling.stride.height,
                                                      leadingPadding: padding.top, trailingPadding: padding.bottom,
                                                      ceilMode: pooling.ceilMode, axis: "height")
        let outputWidth = try ShapeRules.windowCount(extent: width, kernel: pooling.kernelSize.width, stride: pooling.stride.width,
                                                     leadingPadding: padding.left, trailingPadding: padding.right,
                                                     ceilMode: pooling.ceilMode, axis: "width")
        return try TensorShape([channels, outputHeight, outputWidth])
    }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        var counts = OperatorCounts()
        if isMax {
            counts.poolWindowPositions = pooling.kernelSize.area
            counts.forwardMACs = try Checked.product(ElementwiseMACs.maxPoolForward, output.elementCount, context: "MACs")
        } else {
            counts.forwardMACs = try Checked.product(ElementwiseMACs.averagePoolPerWindowPosition, pooling.kernelSize.area,
                                                     output.elementCount, context: "MACs")
        }
        return counts
    }

    /// A max pool's indices: ceil(log2(window positions)) bits each, or the profile's fixed count; where the
    /// profile says so, the input of a max or average pool too (autograd's pooling backward reads it).
    func savedTensors(_ context: BackwardContext) -> [SavedTensor] {
        guard context.isOnBackwardPath else { return [] }
        var saved: [SavedTensor] = []
        if context.profile.poolsKeepInput {
            saved.append(SavedTensor(.layerInput, elements: context.cost.inputElements, in: context, alias: context.inputAlias(0)))
        }
        guard isMax else { return saved }
        let bits = context.profile.fixedPoolIndexBits ?? Self.bitsToIndex(context.cost.poolWindowPositions)
        if bits > 0 { saved.append(SavedTensor(kind: .poolIndices, elements: context.cost.outputElements, bitsPerElement: bits)) }
        return saved
    }

    /// ceil(log2(positions)): the bits that index one of `positions` window positions.
    static func bitsToIndex(_ positions: Int) -> Int {
        var bits = 0
        while (1 << bits) < positions { bits += 1 }
        return bits
    }

    var jsonAttributes: [(key: String, value: JSONValue)] { pooling.jsonAttributes }
}

/// Averages each channel over height and width: `[C, H, W] -> [C]`. Its gradient is g / (H W) everywhere.
struct GlobalAveragePooling: OperatorDefinition {
    var arity: InputArity { .one }
    var computesInPlace: Bool { false }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        let (channels, _, _) = try ShapeRules.image(inputs[0])
        return try TensorShape([channels])
    }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts { OperatorCounts() }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] { [] }
}
