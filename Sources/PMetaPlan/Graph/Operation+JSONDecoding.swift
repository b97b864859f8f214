extension JSONField {
    /// Decodes the `op` of a layer object and its attributes.
    /// - Throws: `DataError` for an unknown op, an unknown or mistyped field, or a value out of range.
    func decodeOperation() throws(DataError) -> Operation {
        let opField = try required("op", "an operation name such as \"conv2d\"")
        let opName = try opField.string()
        guard let kind = Operation.Kind(rawValue: opName) else {
            let names = Operation.Kind.allCases.map(\.rawValue)
            let hint = closestMatch(to: opName, among: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw opField.error("unknown op '\(JSONValue.excerpt(opName))'\(hint); expected one of: \(names.joined(separator: ", "))")
        }
        // `parameters` lists the ONNX initializers a layer holds (written by the ONNX importer); they are kept for people, not costed.
        let common = ["op", "name", "inputs", "parameters"]
        if let parameters = member("parameters") {
            for name in try parameters.elements("a list of parameter names") { _ = try name.string() }
        }
        switch kind {
        case .conv2d:
            try rejectUnknownMembers(allowed: common + ["out_channels", "kernel", "stride", "padding", "groups", "bias"])
            return .conv2d(Convolution(
                outputChannels: try required("out_channels", "a positive integer").positiveDimension(),
                kernelSize: try required("kernel", "a positive integer or [height, width]").size2D(minimum: 1),
                stride: try member("stride")?.size2D(minimum: 1) ?? Size2D(1),
                padding: try member("padding")?.size2D(minimum: 0) ?? Size2D(0),
                groupCount: try member("groups")?.positiveDimension() ?? 1,
                hasBias: try member("bias")?.bool() ?? true))
        case .linear:
            try rejectUnknownMembers(allowed: common + ["out_features", "bias"])
            return .linear(Linear(outputFeatures: try required("out_features", "a positive integer").positiveDimension(),
                                  hasBias: try member("bias")?.bool() ?? true))
        case .groupNorm:
            try rejectUnknownMembers(allowed: common + ["groups"])
            return .groupNorm(groupCount: try required("groups", "a positive integer dividing the channels").positiveDimension())
        case .leakyReLU:
            try rejectUnknownMembers(allowed: common + ["negative_slope"])
            return .leakyReLU(negativeSlope: try member("negative_slope")?.number(in: -1e6...1e6, "a finite number") ?? 0.01)
        case .maxPool, .averagePool:
            try rejectUnknownMembers(allowed: common + ["kernel", "stride", "padding"])
            let pooling = Pooling(kernelSize: try required("kernel", "a positive integer or [height, width]").size2D(minimum: 1),
                                  stride: try member("stride")?.size2D(minimum: 1),
                                  padding: try member("padding")?.size2D(minimum: 0) ?? Size2D(0))
            return kind == .maxPool ? .maxPool(pooling) : .averagePool(pooling)
        case .batchNorm, .layerNorm, .relu, .relu6, .globalAveragePool, .flatten, .add, .concat:
            try rejectUnknownMembers(allowed: common)
            switch kind {
            case .batchNorm: return .batchNorm
            case .layerNorm: return .layerNorm
            case .relu: return .relu
            case .relu6: return .relu6
            case .globalAveragePool: return .globalAveragePool
            case .flatten: return .flatten
            case .add: return .add
            default: return .concat
            }
        }
    }

    /// A channel or feature count.
    func positiveDimension() throws(DataError) -> Int {
        try integer(in: 1...ArchitectureLimits.maximumDimension, "a positive integer")
    }

    /// A kernel, stride or padding: `3` or `[3, 1]`.
    func size2D(minimum: Int) throws(DataError) -> Size2D {
        let range = minimum...ArchitectureLimits.maximumWindow
        let expectation = minimum == 0 ? "a non-negative integer or [height, width]" : "a positive integer or [height, width]"
        if value.arrayValue != nil {
            let parts = try elements(expectation)
            guard parts.count == 2 else { throw error("expected [height, width], found \(parts.count) values") }
            return Size2D(height: try parts[0].integer(in: range, expectation), width: try parts[1].integer(in: range, expectation))
        }
        return Size2D(try integer(in: range, expectation))
    }
}
