/// Zero padding on each side of a 2-D window.
public struct Padding2D: Hashable, Sendable, CustomStringConvertible {
    public var top: Int
    public var left: Int
    public var bottom: Int
    public var right: Int

    /// Padding on each side.
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    /// The same padding above and below (`height`) and left and right (`width`).
    public init(_ symmetric: Size2D) {
        self.init(top: symmetric.height, left: symmetric.width, bottom: symmetric.height, right: symmetric.width)
    }

    /// PyTorch's `padding="same"` for stride 1: (k - 1) d in all, the odd pixel at the bottom and right.
    static func same(kernel: Size2D, dilation: Size2D) -> Padding2D {
        let height = dilation.height * (kernel.height - 1)
        let width = dilation.width * (kernel.width - 1)
        return Padding2D(top: height / 2, left: width / 2, bottom: height - height / 2, right: width - width / 2)
    }

    /// The padding as a symmetric pair, when it is one.
    public var symmetric: Size2D? {
        top == bottom && left == right ? Size2D(height: top, width: left) : nil
    }

    public var description: String {
        symmetric?.description ?? "[\(top), \(left), \(bottom), \(right)]"
    }

    /// `1`, `[1, 2]` or `[top, left, bottom, right]`, as architecture files spell it.
    var json: JSONValue {
        if let symmetric { return symmetric.json }
        return .array([top, left, bottom, right].map(JSONValue.integer))
    }
}

/// The attributes of a convolution: 2-D over `[C, H, W]`, or 1-D over `[C, L]` as `Operation.conv1d` (then
/// every height attribute is 1 and 0).
public struct Convolution: Hashable, Sendable {
    /// C_l, the output channels.
    public var outputChannels: Int
    /// S_l, the kernel size.
    public var kernelSize: Size2D
    /// The stride.
    public var stride: Size2D
    /// Zero padding on each side.
    public var padding: Padding2D
    /// The spacing of kernel taps (1: dense).
    public var dilation: Size2D
    /// Channel groups: 1 for a dense convolution, the input channel count for a depthwise one.
    public var groupCount: Int
    /// Whether the convolution adds a per-channel bias.
    public var hasBias: Bool

    /// Creates convolution attributes with symmetric padding and no dilation.
    public init(outputChannels: Int, kernelSize: Size2D, stride: Size2D = Size2D(1), padding: Size2D = Size2D(0),
                groupCount: Int = 1, hasBias: Bool = true) {
        self.init(outputChannels: outputChannels, kernelSize: kernelSize, stride: stride, padding: Padding2D(padding),
                  dilation: Size2D(1), groupCount: groupCount, hasBias: hasBias)
    }

    /// Creates convolution attributes.
    public init(outputChannels: Int, kernelSize: Size2D, stride: Size2D, padding: Padding2D, dilation: Size2D,
                groupCount: Int, hasBias: Bool) {
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groupCount = groupCount
        self.hasBias = hasBias
    }

    /// H_out x W_out for an input of `height` x `width`.
    func outputSize(height: Int, width: Int) throws -> (height: Int, width: Int) {
        (try ShapeRules.windowCount(extent: height, kernel: kernelSize.height, stride: stride.height, dilation: dilation.height,
                                    leadingPadding: padding.top, trailingPadding: padding.bottom, axis: "height"),
         try ShapeRules.windowCount(extent: width, kernel: kernelSize.width, stride: stride.width, dilation: dilation.width,
                                    leadingPadding: padding.left, trailingPadding: padding.right, axis: "width"))
    }

    /// The weights whose gradients an update computes when it keeps the first `selectedInputs` input and the first
    /// `selectedOutputs` output channels, as the trainer does: each group pairs its own kept inputs with its own
    /// kept outputs, times the kernel area. A dense convolution pairs all of them; a depthwise one at half of both
    /// keeps half its filters (not a quarter: the kept inputs and outputs fall in the same groups).
    func selectedWeightElements(selectedInputs: Int, selectedOutputs: Int, cost: LayerCost) throws -> Int {
        let inputsPerGroup = cost.inputChannels / groupCount
        let outputsPerGroup = outputChannels / groupCount
        let (fullInputGroups, inputRemainder) = selectedInputs.quotientAndRemainder(dividingBy: inputsPerGroup)
        let (fullOutputGroups, outputRemainder) = selectedOutputs.quotientAndRemainder(dividingBy: outputsPerGroup)
        // Groups below both counts pair whole; the next group pairs what is left on the shorter side.
        let wholeGroups = min(fullInputGroups, fullOutputGroups)
        var pairs = try Checked.product(wholeGroups, inputsPerGroup, outputsPerGroup, context: "selected weights")
        if fullInputGroups < fullOutputGroups {
            pairs = try Checked.sum(pairs, try Checked.product(inputRemainder, outputsPerGroup, context: "selected weights"), context: "selected weights")
        } else if fullOutputGroups < fullInputGroups {
            pairs = try Checked.sum(pairs, try Checked.product(inputsPerGroup, outputRemainder, context: "selected weights"), context: "selected weights")
        } else {
            pairs = try Checked.sum(pairs, try Checked.product(inputRemainder, outputRemainder, context: "selected weights"), context: "selected weights")
        }
        return try Checked.product(pairs, kernelSize.area, context: "selected weights")
    }

    /// Output shape and counts for `channels` input channels on a `height` x `width` plane.
    fileprivate func counts(channels: Int, outputHeight: Int, outputWidth: Int) throws -> OperatorCounts {
        // H_l W_l m(w_l); the input gradient (a transposed convolution) and g(w_l) touch the same products.
        try OperatorCounts(weightLayerWith: try Checked.product(outputChannels, channels / groupCount, kernelSize.height, kernelSize.width,
                                                                context: "weight elements"),
                           biasElements: hasBias ? outputChannels : 0,
                           positions: try Checked.product(outputHeight, outputWidth, context: "output positions"),
                           inputChannels: channels, outputChannels: outputChannels)
    }

    fileprivate func checkGroups(channels: Int) throws {
        guard channels % groupCount == 0, outputChannels % groupCount == 0 else {
            throw ShapeMismatch(message: "groups \(groupCount) must divide both the input channels (\(channels)) and out_channels (\(outputChannels))")
        }
    }
}

/// conv2d over `[C, H, W]`: Eq. (17) stores its selected input channels when updated.
extension Convolution: OperatorDefinition {
    var arity: InputArity { .one }
    var role: ParameterRole { .weightLayer }
    var computesInPlace: Bool { false }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        let (channels, height, width) = try ShapeRules.image(inputs[0])
        try checkGroups(channels: channels)
        let output = try outputSize(height: height, width: width)
        return try TensorShape([outputChannels, output.height, output.width])
    }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        try counts(channels: inputs[0].dimensions[0], outputHeight: output.dimensions[1], outputWidth: output.dimensions[2])
    }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] {
        WeightLayerBackward.savedTensors(context, isConvolution: true)
    }

    var jsonAttributes: [(key: String, value: JSONValue)] {
        [(key: "out_channels", value: .integer(outputChannels)),
         (key: "kernel", value: kernelSize.json),
         (key: "stride", value: stride.json),
         (key: "padding", value: padding.json),
         (key: "dilation", value: dilation.json),
         (key: "groups", value: .integer(groupCount)),
         (key: "bias", value: .bool(hasBias))]
    }
}

/// conv1d over `[C, L]`: a convolution whose height attributes are 1 (and 0 padding).
struct Convolution1D: OperatorDefinition {
    var convolution: Convolution

    var arity: InputArity { .one }
    var role: ParameterRole { .weightLayer }
    var computesInPlace: Bool { false }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        guard inputs[0].dimensions.count == 2 else {
            throw ShapeMismatch(message: "expected a sequence input [C, L], found \(inputs[0])")
        }
        try convolution.checkGroups(channels: inputs[0].dimensions[0])
        let output = try convolution.outputSize(height: 1, width: inputs[0].dimensions[1])
        return try TensorShape([convolution.outputChannels, output.width])
    }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        try convolution.counts(channels: inputs[0].dimensions[0], outputHeight: 1, outputWidth: output.dimensions[1])
    }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] {
        WeightLayerBackward.savedTensors(context, isConvolution: true)
    }

    func selectedWeightElements(selectedInputs: Int, selectedOutputs: Int, cost: LayerCost) throws -> Int {
        try convolution.selectedWeightElements(selectedInputs: selectedInputs, selectedOutputs: selectedOutputs, cost: cost)
    }

    var jsonAttributes: [(key: String, value: JSONValue)] {
        let padding: JSONValue = convolution.padding.left == convolution.padding.right
            ? .integer(convolution.padding.left) : [.integer(convolution.padding.left), .integer(convolution.padding.right)]
        return [(key: "out_channels", value: .integer(convolution.outputChannels)),
                (key: "kernel", value: .integer(convolution.kernelSize.width)),
                (key: "stride", value: .integer(convolution.stride.width)),
                (key: "padding", value: padding),
                (key: "dilation", value: .integer(convolution.dilation.width)),
                (key: "groups", value: .integer(convolution.groupCount)),
                (key: "bias", value: .bool(convolution.hasBias))]
    }
}

/// What a conv/linear layer keeps: Eq. (17)'s alpha-hat mu_fw m(x_{l-1}), its selected input channels, when its
/// weights are updated; under the printed baselines' profile a frozen one on the backward path keeps its whole
/// input too, and under autograd's records a convolution keeps it whenever its backward node exists. An updated
/// first layer reads x_0 where it already is (the support samples) unless the profile stores the network input.
///
/// An attended update (meta attention, Sec. 3.3.2) keeps the input channels gamma^fw keeps, at most
/// `MetaAttentionRatios.mostKeptInputChannels(of:)` of them (a copy, or the input itself when that is every
/// channel), and gamma^fw itself: C_{l-1} scores per pass, from the forward pass to the weighting of g(w_l).
enum WeightLayerBackward {
    static func savedTensors(_ context: BackwardContext, isConvolution: Bool) -> [SavedTensor] {
        let cost = context.cost
        if isConvolution && context.profile.convolutionsAlwaysStoreInput && context.hasBackwardNode {
            if context.readsNetworkInput && !context.profile.storesNetworkInput { return [] }
            return [SavedTensor(.input, elements: cost.inputElements, in: context, alias: context.inputAlias(0))]
        }
        if context.update.parameters == .all {
            let scores = context.update.attention.map { _ in
                [SavedTensor(kind: .attentionScores, elements: cost.inputChannels, bitsPerElement: context.activationBits, isPerMicroBatch: true)]
            } ?? []
            if context.readsNetworkInput && !context.profile.storesNetworkInput { return scores }
            let selected = context.update.attention?.mostKeptInputChannels(of: cost.inputChannels)
                ?? context.update.inputChannelRatio.selectedCount(of: cost.inputChannels)
            let perChannel = cost.inputElements / cost.inputChannels
            guard selected > 0 else { return scores }
            // Every channel kept: the input buffer itself; fewer: a copy of the selected ones.
            let alias: SavedTensor.Alias? = selected == cost.inputChannels ? context.inputAlias(0) : nil
            return [SavedTensor(.input, elements: selected * perChannel, in: context, alias: alias)] + scores
        }
        if context.profile.frozenWeightLayersStoreInput && context.isOnBackwardPath {
            return [SavedTensor(.input, elements: cost.inputElements, in: context)]
        }
        return []
    }
}
