/// The attributes of an upsampling layer: whole-number factors for height and width, and how new values are made.
public struct Upsampling: Hashable, Sendable {
    /// How an output element is made from the input.
    public enum Mode: String, Hashable, Sendable, CaseIterable {
        /// A copy of the nearest input element (`nn.Upsample(mode="nearest")`).
        case nearest
        /// A blend of the four nearest input elements (`nn.Upsample(mode="bilinear")`).
        case bilinear
    }

    /// The factor for height and for width (at least 1 each).
    public var scale: Size2D
    /// Nearest or bilinear.
    public var mode: Mode

    /// Creates upsampling attributes.
    public init(scale: Size2D, mode: Mode) {
        self.scale = scale
        self.mode = mode
    }

    var jsonAttributes: [(key: String, value: JSONValue)] {
        [(key: "scale", value: scale.json), (key: "mode", value: .string(mode.rawValue))]
    }
}

/// Upsampling of `[C, H, W]` by whole factors to `[C, sH H, sW W]`, nearest or bilinear. Its gradient sums g over the
/// output positions each input element was copied or blended into, with weights that depend on positions alone, so
/// it keeps nothing for the backward pass; its output is larger than its input, so it is never in place.
struct Upsample: OperatorDefinition {
    var upsampling: Upsampling

    var arity: InputArity { .one }
    var computesInPlace: Bool { false }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        let (channels, height, width) = try ShapeRules.image(inputs[0])
        return try TensorShape([channels, try Checked.product(height, upsampling.scale.height, context: "upsampled height"),
                                try Checked.product(width, upsampling.scale.width, context: "upsampled width")])
    }

    /// Nearest: 0 MACs (a copy). Bilinear: four weighted neighbours per output element forward, and the same four
    /// weights back (fvcore counts the forward pass the same way: 4 per output element).
    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        var counts = OperatorCounts()
        if upsampling.mode == .bilinear {
            counts.forwardMACs = try Checked.product(ElementwiseMACs.bilinearUpsampleForward, output.elementCount, context: "MACs")
            counts.inputGradientMACs = counts.forwardMACs
        }
        return counts
    }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] { [] }

    var jsonAttributes: [(key: String, value: JSONValue)] { upsampling.jsonAttributes }
}
