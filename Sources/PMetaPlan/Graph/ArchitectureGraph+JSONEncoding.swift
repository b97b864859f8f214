extension ArchitectureGraph {
    /// The graph as an architecture document in flat form: every repeat expanded, every layer with its
    /// full name and its inputs spelled out.
    ///
    /// ```json
    /// {"format": 1, "name": "tiny", "input": {"shape": [3, 8, 8], "element_bytes": 1}, "layers": [
    ///   {"name": "block1.conv", "op": "conv2d", "inputs": ["input"], "out_channels": 4, "kernel": 3,
    ///    "stride": 1, "padding": 1, "groups": 1, "bias": false},
    ///   {"name": "block1.relu1", "op": "relu", "inputs": ["block1.conv"]}
    /// ]}
    /// ```
    ///
    /// Every attribute is written, defaults included, so the file does not depend on this version's defaults;
    /// a square kernel, stride or padding is one integer, any other a `[height, width]` pair (or, for an
    /// asymmetric padding, `[top, left, bottom, right]`). `free_parameters`
    /// and `workload` appear when the graph has them. What the graph does not keep (the `description` and
    /// `source` of the original file, where each layer was written) is not written.
    ///
    /// Decoding the result with `init(json:)` gives back an equal graph whenever its names and attributes are
    /// ones the format accepts, as those of every decoded graph are.
    /// - Precondition: Every leaky-ReLU slope is finite (JSON has no NaN or infinity).
    /// - Complexity: O(layers + edges).
    public var json: JSONValue {
        var document: [(key: String, value: JSONValue)] = [
            (key: "format", value: .integer(Self.formatVersion)),
            (key: "name", value: .string(name)),
            (key: "input", value: ["shape": .array(inputShape.map(JSONValue.integer)),
                                   "element_bytes": .integer(sampleElementBytes)]),
        ]
        if !freeParameters.isEmpty {
            document.append((key: "free_parameters", value: .array(freeParameters.map {
                ["name": .string($0.name), "count": .integer($0.elementCount)]
            })))
        }
        if let suggestedWorkload {
            document.append((key: "workload", value: [
                "samples": .integer(suggestedWorkload.samples),
                "micro_batch": .integer(suggestedWorkload.microBatch),
                "propagation": .string(suggestedWorkload.streamsSamples ? "streamed" : "batched"),
            ]))
        }
        let layerObjects = layers.map { layer -> JSONValue in
            let inputNames = layer.inputs.map { reference -> JSONValue in
                switch reference {
                case .graphInput: "input"
                case .layer(let producer): .string(layers[producer].name)
                }
            }
            var members: [(key: String, value: JSONValue)] = [
                (key: "name", value: .string(layer.name)),
                (key: "op", value: .string(layer.operation.kind.rawValue)),
            ]
            // A layer that reads nothing (a `parameter`) has no `inputs`: the decoder refuses an empty list.
            if !inputNames.isEmpty {
                members.append((key: "inputs", value: .array(inputNames)))
            }
            if !layer.parameterNames.isEmpty {
                members.append((key: "parameters", value: .array(layer.parameterNames.map(JSONValue.string))))
            }
            return .object(members + layer.operation.definition.jsonAttributes)
        }
        document.append((key: "layers", value: .array(layerObjects)))
        return .object(document)
    }
}

extension Size2D {
    /// `3` for a square pair, `[3, 1]` otherwise.
    var json: JSONValue {
        height == width ? .integer(height) : [.integer(height), .integer(width)]
    }
}
