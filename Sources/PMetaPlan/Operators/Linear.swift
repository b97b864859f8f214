/// The attributes of a fully connected layer, applied to the last axis: `[D] -> [out]`, and `[N, D] -> [N, out]`
/// for tokens (one linear layer applied to N rows).
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

/// A linear layer: Eq. (17) stores its selected input features (on every row) when updated.
extension Linear: OperatorDefinition {
    var arity: InputArity { .one }
    var role: ParameterRole { .weightLayer }
    var computesInPlace: Bool { false }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        let input = inputs[0]
        guard input.dimensions.count <= 2 else {
            throw ShapeMismatch(message: "expected features [D] or tokens [N, D], found \(input); put a flatten or global_avg_pool before it")
        }
        return try TensorShape(input.dimensions.dropLast() + [outputFeatures])
    }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        let features = inputs[0].dimensions.last!
        // One product per weight and row, forward, for g(x) and for g(w).
        return try OperatorCounts(weightLayerWith: try Checked.product(outputFeatures, features, context: "weight elements"),
                                  biasElements: hasBias ? outputFeatures : 0, positions: inputs[0].elementCount / features,
                                  inputChannels: features, outputChannels: outputFeatures)
    }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] {
        WeightLayerBackward.savedTensors(context, isConvolution: false)
    }

    /// selected in x selected out.
    func selectedWeightElements(selectedInputs: Int, selectedOutputs: Int, cost: LayerCost) throws -> Int {
        try Checked.product(selectedInputs, selectedOutputs, context: "selected weights")
    }

    var jsonAttributes: [(key: String, value: JSONValue)] {
        [(key: "out_features", value: .integer(outputFeatures)), (key: "bias", value: .bool(hasBias))]
    }
}
