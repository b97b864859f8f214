extension JSONField {
    /// The members every layer object may have besides its operation's attributes.
    static let commonLayerMembers = ["op", "name", "inputs", "parameters"]

    /// Decodes the `op` of a layer object and its attributes.
    /// - Throws: `DataError` for an unknown op, an unknown or mistyped field, or a value out of range.
    func decodeOperation() throws(DataError) -> Operation {
        let opField = try required("op", "an operation name such as \"conv2d\"")
        let opName = try opField.string()
        let kind: Operation.Kind
        if let known = Operation.Kind(rawValue: opName) {
            kind = known
        } else if opName == "swish" {
            kind = .silu
        } else {
            let names = Operation.Kind.allCases.map(\.rawValue) + ["split"]
            let hint = closestMatch(to: opName, among: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw opField.error("unknown op '\(JSONValue.excerpt(opName))'\(hint); expected one of: \(names.joined(separator: ", "))")
        }
        let attributes = Self.attributeNames[kind] ?? []
        try rejectUnknownMembers(allowed: Self.commonLayerMembers + attributes)
        switch kind {
        case .conv2d:
            return .conv2d(try convolution(dimensions: 2))
        case .conv1d:
            return .conv1d(try convolution(dimensions: 1))
        case .linear:
            return .linear(Linear(outputFeatures: try required("out_features", "a positive integer").positiveDimension(),
                                  hasBias: try member("bias")?.bool() ?? true))
        case .groupNorm:
            return .groupNorm(groupCount: try required("groups", "a positive integer dividing the channels").positiveDimension())
        case .batchNorm: return .batchNorm
        case .layerNorm: return .layerNorm
        case .relu: return .relu
        case .relu6: return .relu6
        case .leakyReLU:
            return .leakyReLU(negativeSlope: try member("negative_slope")?.number(in: -1e6...1e6, "a finite number") ?? 0.01)
        case .sigmoid: return .sigmoid
        case .tanh: return .tanh
        case .hardSigmoid: return .hardSigmoid
        case .hardSwish: return .hardSwish
        case .silu: return .silu
        case .gelu:
            guard let approximate = member("approximate") else { return .gelu(approximatesWithTanh: false) }
            switch try approximate.string() {
            case "none": return .gelu(approximatesWithTanh: false)
            case "tanh": return .gelu(approximatesWithTanh: true)
            default: throw approximate.error("expected \"none\" or \"tanh\", found \(approximate.value.kindDescription)")
            }
        case .softmax:
            return .softmax(axis: try member("axis")?.axis() ?? -1)
        case .dropout:
            return .dropout(probability: try member("p")?.number(in: 0...0.999_999, "a drop probability from 0 up to (not including) 1") ?? 0.5)
        case .maxPool, .averagePool:
            let pooling = Pooling(kernelSize: try required("kernel", "a positive integer or [height, width]").size2D(minimum: 1),
                                  stride: try member("stride")?.size2D(minimum: 1),
                                  padding: try member("padding")?.padding2D() ?? Padding2D(Size2D(0)),
                                  ceilMode: try member("ceil_mode")?.bool() ?? false)
            return kind == .maxPool ? .maxPool(pooling) : .averagePool(pooling)
        case .globalAveragePool: return .globalAveragePool
        case .upsample:
            let modeField = member("mode")
            let modeName = try modeField?.string() ?? "nearest"
            guard let mode = Upsampling.Mode(rawValue: modeName) else {
                throw (modeField ?? self).error("expected \"nearest\" or \"bilinear\", found \"\(JSONValue.excerpt(modeName))\"")
            }
            return .upsample(Upsampling(scale: try required("scale", "a positive integer or [height, width]").size2D(minimum: 1), mode: mode))
        case .flatten: return .flatten
        case .add: return .add
        case .mul: return .mul
        case .scale:
            return .scale(factor: try required("factor", "a finite number").number(in: -1e30...1e30, "a finite number"))
        case .matmul: return .matmul
        case .concat:
            return .concat(axis: try member("axis")?.axis() ?? 0)
        case .reshape:
            let shape = try required("shape", "a list of positive extents, one of which may be -1").elements("a list of extents")
                .map { (field: JSONField) throws(DataError) -> Int in
                    try field.integer(in: -1...ArchitectureLimits.maximumDimension, "a positive extent or -1")
                }
            return .reshape(shape: shape)
        case .transpose:
            return .transpose(permutation: try required("perm", "a permutation of the axes, like [1, 0]").axisList())
        case .slice:
            let stepField = member("step")
            let step = try stepField?.integer(in: -ArchitectureLimits.maximumDimension...ArchitectureLimits.maximumDimension,
                                              "a nonzero step (negative: in reverse)") ?? 1
            if step == 0, let stepField { throw stepField.error("expected a nonzero step (negative: in reverse), found 0") }
            // An end of -(extent + 1) or below reaches the first element in reverse, as in Python.
            let bound = -ArchitectureLimits.maximumDimension - 1...ArchitectureLimits.maximumDimension
            return .slice(axis: try member("axis")?.axis() ?? 0,
                          start: try member("start")?.integer(in: bound, "an index (negative counts from the end)") ?? 0,
                          end: try required("end", "an index past the last element kept").integer(in: bound, "an index (negative counts from the end)"),
                          step: step)
        case .shuffle:
            return .shuffle(groupCount: try required("groups", "a positive integer dividing the channels").positiveDimension())
        case .gather:
            let bound = -ArchitectureLimits.maximumDimension...ArchitectureLimits.maximumDimension
            return .gather(axis: try member("axis")?.axis() ?? 0,
                           index: try required("index", "an index (negative counts from the end)").integer(in: bound, "an index"))
        case .reduceMean:
            return .reduceMean(axes: try required("axes", "a list of axes, like [1, 2]").axisList(),
                               keepsDimensions: try member("keep_dims")?.bool() ?? true)
        case .parameter:
            let shapeField = try required("shape", "a list of 1 to 4 positive extents")
            let shape = try shapeField.elements("a list of positive extents").map { (field: JSONField) throws(DataError) -> Int in
                try field.positiveDimension()
            }
            guard (1...Operation.maximumRank).contains(shape.count) else {
                throw shapeField.error("expected 1 to \(Operation.maximumRank) extents, found \(shape.count)")
            }
            return .parameter(shape: shape)
        }
    }

    /// The attributes each operation accepts.
    static let attributeNames: [Operation.Kind: [String]] = [
        .conv2d: ["out_channels", "kernel", "stride", "padding", "dilation", "groups", "bias"],
        .conv1d: ["out_channels", "kernel", "stride", "padding", "dilation", "groups", "bias"],
        .linear: ["out_features", "bias"],
        .groupNorm: ["groups"],
        .leakyReLU: ["negative_slope"],
        .gelu: ["approximate"],
        .softmax: ["axis"],
        .dropout: ["p"],
        .maxPool: ["kernel", "stride", "padding", "ceil_mode"],
        .averagePool: ["kernel", "stride", "padding", "ceil_mode"],
        .upsample: ["scale", "mode"],
        .scale: ["factor"],
        .concat: ["axis"],
        .reshape: ["shape"],
        .transpose: ["perm"],
        .slice: ["axis", "start", "end", "step"],
        .shuffle: ["groups"],
        .gather: ["axis", "index"],
        .reduceMean: ["axes", "keep_dims"],
        .parameter: ["shape"],
    ]

    /// A conv2d's (`dimensions` 2) or conv1d's attributes; "same" padding is resolved here (stride 1 only).
    private func convolution(dimensions: Int) throws(DataError) -> Convolution {
        let outputChannels = try required("out_channels", "a positive integer").positiveDimension()
        let groups = try member("groups")?.positiveDimension() ?? 1
        let hasBias = try member("bias")?.bool() ?? true
        let kernelField = try required("kernel", dimensions == 2 ? "a positive integer or [height, width]" : "a positive integer")
        let kernel: Size2D
        let stride: Size2D
        let dilation: Size2D
        if dimensions == 2 {
            kernel = try kernelField.size2D(minimum: 1)
            stride = try member("stride")?.size2D(minimum: 1) ?? Size2D(1)
            dilation = try member("dilation")?.size2D(minimum: 1) ?? Size2D(1)
        } else {
            let window = 1...ArchitectureLimits.maximumWindow
            kernel = Size2D(height: 1, width: try kernelField.integer(in: window, "a positive integer"))
            stride = Size2D(height: 1, width: try member("stride")?.integer(in: window, "a positive integer") ?? 1)
            dilation = Size2D(height: 1, width: try member("dilation")?.integer(in: window, "a positive integer") ?? 1)
        }
        var padding = Padding2D(Size2D(0))
        if let paddingField = member("padding") {
            if paddingField.value.stringValue != nil {
                guard try paddingField.string() == "same" else {
                    throw paddingField.error("expected \"same\", an integer or a list of paddings, found \(paddingField.value.kindDescription)")
                }
                guard stride == Size2D(1) else { throw paddingField.error("\"same\" padding needs stride 1, as in PyTorch") }
                padding = Padding2D.same(kernel: kernel, dilation: dilation)
            } else if dimensions == 2 {
                padding = try paddingField.padding2D()
            } else {
                let range = 0...ArchitectureLimits.maximumWindow
                let expectation = "a non-negative integer or [left, right]"
                if paddingField.value.arrayValue != nil {
                    let parts = try paddingField.elements(expectation)
                    guard parts.count == 2 else { throw paddingField.error("expected [left, right], found \(parts.count) values") }
                    padding = Padding2D(top: 0, left: try parts[0].integer(in: range, expectation), bottom: 0, right: try parts[1].integer(in: range, expectation))
                } else {
                    let side = try paddingField.integer(in: range, expectation)
                    padding = Padding2D(top: 0, left: side, bottom: 0, right: side)
                }
            }
        }
        return Convolution(outputChannels: outputChannels, kernelSize: kernel, stride: stride, padding: padding, dilation: dilation,
                           groupCount: groups, hasBias: hasBias)
    }

    /// A channel or feature count.
    func positiveDimension() throws(DataError) -> Int {
        try integer(in: 1...ArchitectureLimits.maximumDimension, "a positive integer")
    }

    /// An axis: 0 to 3, or -1 to -4 counting from the end (checked against the rank during shape inference).
    func axis() throws(DataError) -> Int {
        try integer(in: -Operation.maximumRank...(Operation.maximumRank - 1), "an axis from -\(Operation.maximumRank) to \(Operation.maximumRank - 1)")
    }

    /// A list of axes.
    func axisList() throws(DataError) -> [Int] {
        let parts = try elements("a list of axes")
        guard (1...Operation.maximumRank).contains(parts.count) else {
            throw error("expected 1 to \(Operation.maximumRank) axes, found \(parts.count)")
        }
        return try parts.map { (field: JSONField) throws(DataError) -> Int in try field.axis() }
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

    /// A 2-D padding: `1`, `[1, 2]` (height, width) or `[top, left, bottom, right]`.
    func padding2D() throws(DataError) -> Padding2D {
        let range = 0...ArchitectureLimits.maximumWindow
        let expectation = "a non-negative integer, [height, width] or [top, left, bottom, right]"
        guard value.arrayValue != nil else { return Padding2D(Size2D(try integer(in: range, expectation))) }
        let parts = try elements(expectation)
        switch parts.count {
        case 2:
            return Padding2D(Size2D(height: try parts[0].integer(in: range, expectation), width: try parts[1].integer(in: range, expectation)))
        case 4:
            return Padding2D(top: try parts[0].integer(in: range, expectation), left: try parts[1].integer(in: range, expectation),
                             bottom: try parts[2].integer(in: range, expectation), right: try parts[3].integer(in: range, expectation))
        default:
            throw error("expected [height, width] or [top, left, bottom, right], found \(parts.count) values")
        }
    }
}
