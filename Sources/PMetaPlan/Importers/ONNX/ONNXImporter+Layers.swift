/// The operators that compute from the network's input, each mapped onto architecture-format layers.
extension ONNXGraphImport {
    /// Adds a layer for `node` and returns its output.
    @discardableResult
    mutating func addLayer(_ node: ONNXNode, _ members: [(String, JSONValue)], inputs: [ONNXActivation], shape: [Int],
                           parameters: [String] = [], hasBatchAxis: Bool = true, outputPosition: Int = 0) -> ONNXActivation {
        let (scope, label) = Self.scopeAndLabel(nodeName: node.name, opType: node.opType)
        layers.append(PendingLayer(members: members.map { (key: $0.0, value: $0.1) }, inputs: inputs.map(\.reference), scope: scope,
                                   label: label, parameters: parameters,
                                   outputValue: outputPosition < node.outputs.count ? node.outputs[outputPosition] : ""))
        return ONNXActivation(reference: .layer(layers.count - 1), shape: shape, hasBatchAxis: hasBatchAxis)
    }

    /// Input `position` as an activation; a weight used as an operand (a class token) becomes a `parameter` layer.
    mutating func activationInput(_ position: Int, of node: ONNXNode) throws(DataError) -> ONNXActivation {
        switch try requiredInput(position, of: node) {
        case .activation(let activation): return activation
        case .constant(let constant): return try parameterLayer(constant, for: node)
        }
    }

    /// A `parameter` layer for a weight read as an activation, made once per initializer.
    mutating func parameterLayer(_ constant: ONNXConstant, for node: ONNXNode) throws(DataError) -> ONNXActivation {
        guard !constant.isRandom else {
            throw failure(node, "random numbers of shape \(constant.shape.map(Self.describe)) used as a tensor of the network are supported only as stochastic depth (a Mul by one random number per sample)")
        }
        guard let name = constant.initializerName else {
            throw failure(node, "a computed constant of shape \(constant.shape) used as a tensor of the network is not supported")
        }
        // A leading 1 is the batch axis the weight broadcasts over ([1, 65, 192] is [65, 192] per sample).
        let hasBatchAxis = constant.shape.count >= 2 && constant.shape[0] == 1
        let sampleShape = hasBatchAxis ? Array(constant.shape.dropFirst()) : constant.shape
        guard (1...4).contains(sampleShape.count), sampleShape.allSatisfy({ $0 >= 1 }) else {
            throw failure(node, "the weight '\(name)' of shape \(constant.shape) cannot be a parameter layer (1 to 4 positive dimensions per sample)")
        }
        if let index = parameterLayers[name] {
            return ONNXActivation(reference: .layer(index), shape: constant.shape, hasBatchAxis: hasBatchAxis)
        }
        layers.append(PendingLayer(members: [(key: "op", value: "parameter"), (key: "shape", value: .array(sampleShape.map { .integer($0) }))],
                                   inputs: [], scope: [], label: name, parameters: [name], outputValue: name,
                                   fixedName: Self.sanitizedName(name)))
        parameterLayers[name] = layers.count - 1
        return ONNXActivation(reference: .layer(layers.count - 1), shape: constant.shape, hasBatchAxis: hasBatchAxis)
    }

    /// Input `position` as a weight (an initializer), whose shape is known but whose values are not needed.
    func weightInput(_ position: Int, of node: ONNXNode, _ what: String) throws(DataError) -> ONNXConstant? {
        guard let value = try input(position, of: node) else { return nil }
        guard case .constant(let constant) = value else {
            throw failure(node, "expected \(what) (input \(position)) to be an initializer, found a value computed from the network's input")
        }
        return constant
    }

    /// The names of the weights among `constants`.
    func parameterNames(_ constants: [ONNXConstant?]) -> [String] {
        constants.compactMap { $0?.initializerName }
    }

    /// An activation with the batch axis first, as most layers need.
    func batched(_ activation: ONNXActivation, _ node: ONNXNode, ranks: ClosedRange<Int>) throws(DataError) -> ONNXActivation {
        guard activation.hasBatchAxis, ranks.contains(activation.shape.count) else {
            throw failure(node, "expected an input of \(ranks.lowerBound == ranks.upperBound ? "\(ranks.lowerBound)" : "\(ranks.lowerBound) to \(ranks.upperBound)") dimensions with the batch first, found \(activation.shape.map(Self.describe))")
        }
        return activation
    }

    /// A per-sample axis from an ONNX axis of the full (batched) shape: 0 is the batch, which layers never touch.
    func sampleAxis(_ node: ONNXNode, _ axis: Int64, rank: Int) throws(DataError) -> Int {
        let normalized = try normalizedAxis(node, axis, rank: rank)
        guard normalized >= 1 else { throw failure(node, "axis \(axis) is the batch axis, which the importer cannot map onto a layer") }
        return normalized - 1
    }

    /// A shape as written in messages, with the batch axis as `N`.
    static func describe(_ dim: Int) -> String { dim == batch ? "N" : String(dim) }

    /// The JSON of a per-sample shape, refusing one where the batch merged into another axis.
    func sampleShapeJSON(_ node: ONNXNode, _ shape: [Int]) throws(DataError) -> JSONValue {
        guard (1...4).contains(shape.count) else {
            throw failure(node, "the result has \(shape.count) dimensions per sample; layers have 1 to 4")
        }
        guard shape.allSatisfy({ $0 >= 1 && $0 < Self.batch }) else {
            throw failure(node, "the batch axis is merged into another axis (\(shape.map(Self.describe))); the importer needs it kept first")
        }
        return .array(shape.map { .integer($0) })
    }

    /// `2` for `[2, 2]`, else `[a, b, ...]`.
    static func compact(_ values: [Int]) -> JSONValue {
        if let first = values.first, values.allSatisfy({ $0 == first }) { return .integer(first) }
        return .array(values.map { .integer($0) })
    }

    /// Whether `activation` is the single-consumer output of a pending layer whose op is `op`; its index if so.
    func soleConsumerLayer(_ activation: ONNXActivation, op: String) -> Int? {
        guard case .layer(let index) = activation.reference, layers[index].op == op,
              consumerCounts[layers[index].outputValue] == 1 else { return nil }
        return index
    }

    mutating func importLayerNode(_ node: ONNXNode) throws(DataError) {
        switch node.opType {
        case "Conv": try importConvolution(node)
        case "MaxPool", "AveragePool": try importPooling(node)
        case "Gemm", "MatMul": try importMatrixProduct(node)
        case "Add", "Sub", "Mul", "Div": try importElementwise(node)
        case "Relu", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid", "LeakyRelu", "Gelu", "Clip", "Softmax":
            try importActivationFunction(node)
        case "BatchNormalization", "InstanceNormalization", "GroupNormalization", "LayerNormalization":
            try importNormalization(node)
        case "GlobalAveragePool", "ReduceMean": try importReduction(node)
        case "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Expand": try importReshaping(node)
        case "Concat", "Split", "Slice", "Gather": try importSelection(node)
        case "Pad": try importPad(node)
        case "Resize", "Upsample": try importResize(node)
        case "Identity", "Cast":
            setOutput(node, 0, .activation(try activationInput(0, of: node)))
        case "Dropout":
            let input = try batched(try activationInput(0, of: node), node, ranks: 2...5)
            let ratio = try constantInput(1, of: node, "the ratio")?.reals?.first ?? floatAttribute(node, "ratio") ?? 0.5
            let isTraining = try constantInput(2, of: node, "training_mode")?.integers?.first.map { $0 != 0 }
                ?? (opset < 12 && intAttribute(node, "is_test") != 1 && opset >= 1 && node.attribute("is_test") != nil)
            guard isTraining else {
                setOutput(node, 0, .activation(input))
                return
            }
            guard ratio >= 0, ratio < 1 else { throw failure(node, "expected a ratio in [0, 1), found \(ratio)") }
            dropoutCount += 1
            setOutput(node, 0, .activation(addLayer(node, [("op", "dropout"), ("p", .double(ratio))], inputs: [input], shape: input.shape)))
        default:
            throw failure(node, "unsupported operator \(node.opType); supported: \(ONNXImporter.supportedOperators.joined(separator: ", "))")
        }
    }

    // MARK: - Convolution and pooling

    /// The explicit pads of a window op: `pads` ([begins..., ends...]) or `auto_pad`.
    func windowPads(_ node: ONNXNode, extents: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws(DataError) -> [Int] {
        let spatial = extents.count
        let autoPad = stringAttribute(node, "auto_pad") ?? "NOTSET"
        switch autoPad {
        case "NOTSET", "":
            let pads = intsAttribute(node, "pads") ?? Array(repeating: 0, count: 2 * spatial)
            guard pads.count == 2 * spatial else { throw failure(node, "expected \(2 * spatial) pads, found \(pads.count)") }
            var result: [Int] = []
            for pad in pads { result.append(try boundedInt(pad, node, "a pad", 0...ArchitectureLimits.maximumWindow)) }
            return result
        case "VALID":
            return Array(repeating: 0, count: 2 * spatial)
        case "SAME_UPPER", "SAME_LOWER":
            var begins: [Int] = [], ends: [Int] = []
            for axis in 0..<spatial {
                let output = (extents[axis] + strides[axis] - 1) / strides[axis]
                let needed = max((output - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - extents[axis], 0)
                let small = needed / 2, large = needed - needed / 2
                begins.append(autoPad == "SAME_UPPER" ? small : large)
                ends.append(autoPad == "SAME_UPPER" ? large : small)
            }
            return begins + ends
        default:
            throw failure(node, "expected auto_pad NOTSET, VALID, SAME_UPPER or SAME_LOWER, found '\(autoPad)'")
        }
    }

    /// `[top, left, bottom, right]` pads as the format writes them: `1`, `[1, 2]`, or all four.
    static func padsJSON(_ pads: [Int]) -> JSONValue {
        let half = pads.count / 2
        if Array(pads[..<half]) == Array(pads[half...]) { return compact(Array(pads[..<half])) }
        return .array(pads.map { .integer($0) })
    }

    /// A window attribute (`strides`, `dilations`) with one value per spatial axis, default 1.
    func windowAttribute(_ node: ONNXNode, _ name: String, spatial: Int, range: ClosedRange<Int>) throws(DataError) -> [Int] {
        let values = intsAttribute(node, name) ?? Array(repeating: 1, count: spatial)
        guard values.count == spatial else { throw failure(node, "expected \(spatial) \(name), found \(values.count)") }
        var result: [Int] = []
        for value in values { result.append(try boundedInt(value, node, "\(name) entries", range)) }
        return result
    }

    mutating func importConvolution(_ node: ONNXNode) throws(DataError) {
        let input = try batched(try activationInput(0, of: node), node, ranks: 3...4)
        guard let weight = try weightInput(1, of: node, "the weight") else { throw failure(node, "expected a weight input") }
        let bias = try weightInput(2, of: node, "the bias")
        let spatial = input.shape.count - 2
        guard weight.shape.count == spatial + 2 else {
            throw failure(node, "expected a weight of \(spatial + 2) dimensions for an input of \(input.shape.count), found \(weight.shape)")
        }
        let groups = try boundedInt(intAttribute(node, "group") ?? 1, node, "group", 1...ArchitectureLimits.maximumDimension)
        let outputChannels = weight.shape[0]
        let channels = input.shape[1]
        guard outputChannels >= 1, weight.shape[1] * groups == channels, outputChannels % groups == 0 else {
            throw failure(node, "a weight \(weight.shape) with group \(groups) does not fit \(channels) input channels")
        }
        let kernel = Array(weight.shape[2...])
        if let declared = intsAttribute(node, "kernel_shape"), declared.map({ Int(clamping: $0) }) != kernel {
            throw failure(node, "kernel_shape \(declared) disagrees with the weight's \(kernel)")
        }
        guard kernel.allSatisfy({ (1...ArchitectureLimits.maximumWindow).contains($0) }) else {
            throw failure(node, "expected kernel sizes from 1 to \(ArchitectureLimits.maximumWindow), found \(kernel)")
        }
        let strides = try windowAttribute(node, "strides", spatial: spatial, range: 1...ArchitectureLimits.maximumWindow)
        let dilations = try windowAttribute(node, "dilations", spatial: spatial, range: 1...ArchitectureLimits.maximumWindow)
        let extents = Array(input.shape[2...])
        let pads = try windowPads(node, extents: extents, kernel: kernel, strides: strides, dilations: dilations)
        var outputShape = [Self.batch, outputChannels]
        for axis in 0..<spatial {
            let span = extents[axis] + pads[axis] + pads[axis + spatial] - dilations[axis] * (kernel[axis] - 1) - 1
            guard span >= 0 else { throw failure(node, "the kernel \(kernel) is larger than the padded input \(input.shape.map(Self.describe))") }
            outputShape.append(span / strides[axis] + 1)
        }
        var members: [(String, JSONValue)] = [("op", spatial == 2 ? "conv2d" : "conv1d"), ("out_channels", .integer(outputChannels)),
                                               ("kernel", Self.compact(kernel))]
        if strides.contains(where: { $0 != 1 }) { members.append(("stride", Self.compact(strides))) }
        let layerPads = padsWithPendingPadding(pads, of: input)
        if layerPads.contains(where: { $0 != 0 }) { members.append(("padding", Self.padsJSON(layerPads))) }
        if dilations.contains(where: { $0 != 1 }) { members.append(("dilation", Self.compact(dilations))) }
        if groups != 1 { members.append(("groups", .integer(groups))) }
        members.append(("bias", .bool(bias != nil)))
        setOutput(node, 0, .activation(addLayer(node, members, inputs: [input], shape: outputShape,
                                                parameters: parameterNames([weight, bias]))))
    }

    mutating func importPooling(_ node: ONNXNode) throws(DataError) {
        let input = try batched(try activationInput(0, of: node), node, ranks: 4...4)
        guard let kernelValues = intsAttribute(node, "kernel_shape"), kernelValues.count == 2 else {
            throw failure(node, "expected kernel_shape of 2 values (2-D pooling)")
        }
        var kernel: [Int] = []
        for value in kernelValues { kernel.append(try boundedInt(value, node, "kernel sizes", 1...ArchitectureLimits.maximumWindow)) }
        let strides = try windowAttribute(node, "strides", spatial: 2, range: 1...ArchitectureLimits.maximumWindow)
        let dilations = try windowAttribute(node, "dilations", spatial: 2, range: 1...ArchitectureLimits.maximumWindow)
        guard dilations == [1, 1] else { throw failure(node, "dilated pooling (dilations \(dilations)) is not supported") }
        let extents = Array(input.shape[2...])
        let pads = try windowPads(node, extents: extents, kernel: kernel, strides: strides, dilations: dilations)
        let ceilMode = intAttribute(node, "ceil_mode") == 1
        /// The output extents for `extents` with `pads`.
        func windowCounts(_ extents: [Int], _ pads: [Int]) throws(DataError) -> [Int] {
            var counts: [Int] = []
            for axis in 0..<2 {
                let span = extents[axis] + pads[axis] + pads[axis + 2] - kernel[axis]
                guard span >= 0 else { throw failure(node, "the window \(kernel) is larger than the padded input \(input.shape.map(Self.describe))") }
                var count = (ceilMode ? (span + strides[axis] - 1) / strides[axis] : span / strides[axis]) + 1
                // PyTorch's rule: the last window must start inside the input or the left padding.
                if ceilMode, (count - 1) * strides[axis] >= extents[axis] + pads[axis] { count -= 1 }
                counts.append(count)
            }
            return counts
        }
        let outputShape = Array(input.shape[..<2]) + (try windowCounts(extents, pads))
        let layerPads = padsWithPendingPadding(pads, of: input)
        if let padding = input.pendingPadding {
            // The layer pools the unpadded input with both paddings; it must give the same windows, and the format
            // (as PyTorch) pads at most half the window.
            let unpadded = (0..<2).map { extents[$0] - padding.begins[$0] - padding.ends[$0] }
            guard try windowCounts(unpadded, layerPads) == Array(outputShape[2...]),
                  (0..<2).allSatisfy({ 2 * max(layerPads[$0], layerPads[$0 + 2]) <= kernel[$0] }) else {
                throw failure(node, "the zero padding of Pad '\(padding.nodeName)' and the pads \(pads) add up to \(layerPads), which a pooling layer of window \(kernel) cannot hold (at most half the window, the same windows)")
            }
        }
        var members: [(String, JSONValue)] = [("op", node.opType == "MaxPool" ? "max_pool" : "avg_pool"), ("kernel", Self.compact(kernel)),
                                               ("stride", Self.compact(strides))]
        if layerPads.contains(where: { $0 != 0 }) { members.append(("padding", Self.padsJSON(layerPads))) }
        if ceilMode { members.append(("ceil_mode", true)) }
        setOutput(node, 0, .activation(addLayer(node, members, inputs: [input], shape: outputShape)))
    }

    // MARK: - Linear and matmul

    mutating func importMatrixProduct(_ node: ONNXNode) throws(DataError) {
        let first = try requiredInput(0, of: node)
        let second = try requiredInput(1, of: node)
        switch (first, second) {
        case (.activation(let input), .constant(let weight)):
            var transposed = false
            var bias: ONNXConstant?
            if node.opType == "Gemm" {
                guard intAttribute(node, "transA") ?? 0 == 0 else { throw failure(node, "Gemm with transA = 1 is not supported") }
                transposed = intAttribute(node, "transB") == 1
                bias = try weightInput(2, of: node, "the bias C")
            }
            guard weight.shape.count == 2, input.hasBatchAxis, input.shape.count >= 2 else {
                throw failure(node, "expected a 2-D weight and an input with the batch first, found \(weight.shape) and \(input.shape.map(Self.describe))")
            }
            let (inner, outer) = transposed ? (weight.shape[1], weight.shape[0]) : (weight.shape[0], weight.shape[1])
            guard input.shape.last == inner, outer >= 1 else {
                throw failure(node, "a weight \(weight.shape)\(transposed ? " (transposed)" : "") does not fit an input \(input.shape.map(Self.describe))")
            }
            let output = addLayer(node, [("op", "linear"), ("out_features", .integer(outer)), ("bias", .bool(bias != nil))],
                                  inputs: [input], shape: Array(input.shape.dropLast()) + [outer], parameters: parameterNames([weight, bias]))
            setOutput(node, 0, .activation(output))
        case (.activation(let left), .activation(let right)):
            guard node.opType == "MatMul" else { throw failure(node, "Gemm of two computed tensors is not supported") }
            guard left.shape.count >= 3, left.shape.count == right.shape.count, left.hasBatchAxis, right.hasBatchAxis,
                  left.shape.dropLast(2) == right.shape.dropLast(2), left.shape.last == right.shape[right.shape.count - 2] else {
                throw failure(node, "expected [N, ..., n, k] x [N, ..., k, m] with equal leading dimensions, found \(left.shape.map(Self.describe)) x \(right.shape.map(Self.describe))")
            }
            let shape = Array(left.shape.dropLast()) + [right.shape.last!]
            setOutput(node, 0, .activation(addLayer(node, [("op", "matmul")], inputs: [left, right], shape: shape)))
        default:
            throw failure(node, "expected the weight as the second operand, found a weight as the first")
        }
    }

    // MARK: - Elementwise arithmetic

    mutating func importElementwise(_ node: ONNXNode) throws(DataError) {
        let first = try requiredInput(0, of: node)
        let second = try requiredInput(1, of: node)
        let isAdditive = node.opType == "Add" || node.opType == "Sub"
        // Constant operand: a linear layer's bias, a scale, a costless shift, or a learned tensor.
        var activation: ONNXActivation?
        var constant: ONNXConstant?
        var constantFirst = false
        switch (first, second) {
        case (.activation(let a), .constant(let c)): activation = a; constant = c
        case (.constant(let c), .activation(let a)): activation = a; constant = c; constantFirst = true
        default: break
        }
        if let activation, let constant {
            if constant.isRandom {
                try dropStochasticDepth(node, activation, constant, constantFirst: constantFirst)
                return
            }
            if node.opType == "Add", constant.initializerName != nil, constant.shape.filter({ $0 != 1 }).count <= 1,
               let index = soleConsumerLayer(activation, op: "linear"), layers[index].members.contains(where: { $0.key == "bias" && $0.value == false }),
               constant.count == activation.shape.last {
                layers[index].members = layers[index].members.map { $0.key == "bias" ? (key: "bias", value: true) : $0 }
                layers[index].parameters.append(constant.initializerName!)
                layers[index].outputValue = node.outputs.first ?? ""
                setOutput(node, 0, .activation(activation))
                return
            }
            if constant.isScalar, let factor = constant.reals?.first, !(node.opType == "Sub" && constantFirst) {
                guard let shape = ShapeMath.broadcast(activation.shape, constant.shape) else { throw failure(node, "shapes do not broadcast") }
                var result = activation
                result.shape = shape
                if isAdditive {
                    // Adding a constant stores nothing and costs one addition per element: dropped (docs/onnx.md).
                    setOutput(node, 0, .activation(result))
                    return
                }
                let scale = node.opType == "Div" && !constantFirst ? 1 / factor : factor
                guard scale.isFinite, node.opType == "Mul" || !constantFirst else {
                    throw failure(node, "dividing a constant by a computed tensor is not supported")
                }
                if scale == 1 {
                    setOutput(node, 0, .activation(result))
                } else {
                    setOutput(node, 0, .activation(addLayer(node, [("op", "scale"), ("factor", .double(scale))], inputs: [activation], shape: shape)))
                }
                return
            }
        }
        let left = try activationInput(0, of: node)
        let right = try activationInput(1, of: node)
        guard let shape = ShapeMath.broadcast(left.shape, right.shape) else {
            throw failure(node, "the shapes \(left.shape.map(Self.describe)) and \(right.shape.map(Self.describe)) do not broadcast")
        }
        let hasBatchAxis = left.hasBatchAxis || right.hasBatchAxis
        if node.opType == "Mul" {
            // x * sigmoid(x) is SiLU and x * hard_sigmoid(x) hard swish, whichever operand comes first.
            for (gate, other) in [(right, left), (left, right)] {
                for (gateOp, fused) in [("sigmoid", "silu"), ("hard_sigmoid", "hard_swish")] {
                    if let index = soleConsumerLayer(gate, op: gateOp), layers[index].inputs == [other.reference], gate.shape == other.shape {
                        layers[index].members = [(key: "op", value: .string(fused))]
                        layers[index].outputValue = node.outputs.first ?? ""
                        setOutput(node, 0, .activation(ONNXActivation(reference: gate.reference, shape: shape, hasBatchAxis: hasBatchAxis)))
                        return
                    }
                }
            }
        }
        let op = isAdditive ? "add" : "mul"
        setOutput(node, 0, .activation(addLayer(node, [("op", .string(op))], inputs: [left, right], shape: shape, hasBatchAxis: hasBatchAxis)))
    }

    /// Stochastic depth (torchvision's `StochasticDepth` in a training-mode export) multiplies each sample of a
    /// residual branch by one random number, 0 or 1 / (1 - p): it keeps one number per sample, so it leaves no layer.
    mutating func dropStochasticDepth(_ node: ONNXNode, _ activation: ONNXActivation, _ random: ONNXConstant, constantFirst: Bool) throws(DataError) {
        let perSample = random.shape.first == Self.batch ? Array(random.shape.dropFirst()) : random.shape
        guard node.opType == "Mul" || node.opType == "Div" && !constantFirst, perSample.allSatisfy({ $0 == 1 }),
              let shape = ShapeMath.broadcast(activation.shape, random.shape), shape == activation.shape else {
            throw failure(node, "\(node.opType) by random numbers of shape \(random.shape.map(Self.describe)) is not supported; only stochastic depth (a Mul by one random number per sample), or Dropout")
        }
        stochasticDepthCount += 1
        setOutput(node, 0, .activation(activation))
    }

    // MARK: - Activation functions

    mutating func importActivationFunction(_ node: ONNXNode) throws(DataError) {
        let input = try activationInput(0, of: node)
        var members: [(String, JSONValue)]
        switch node.opType {
        case "Relu": members = [("op", "relu")]
        case "Sigmoid": members = [("op", "sigmoid")]
        case "Tanh": members = [("op", "tanh")]
        case "HardSwish": members = [("op", "hard_swish")]
        case "HardSigmoid": members = [("op", "hard_sigmoid")]
        case "LeakyRelu": members = [("op", "leaky_relu"), ("negative_slope", .double(floatAttribute(node, "alpha") ?? 0.01))]
        case "Gelu":
            let approximate = stringAttribute(node, "approximate") ?? "none"
            guard approximate == "none" || approximate == "tanh" else { throw failure(node, "expected approximate 'none' or 'tanh', found '\(approximate)'") }
            members = [("op", "gelu")]
            if approximate == "tanh" { members.append(("approximate", "tanh")) }
        case "Clip":
            let minimum = try constantInput(1, of: node, "min")?.reals?.first ?? floatAttribute(node, "min")
            let maximum = try constantInput(2, of: node, "max")?.reals?.first ?? floatAttribute(node, "max")
            switch (minimum, maximum) {
            case (0?, 6?): members = [("op", "relu6")]
            case (0?, nil): members = [("op", "relu")]
            default: throw failure(node, "only Clip(0, 6) (relu6) and Clip(0) (relu) are supported, found Clip(\(minimum.map { "\($0)" } ?? "-inf"), \(maximum.map { "\($0)" } ?? "inf"))")
            }
        default:
            let rank = input.shape.count
            let axis = intAttribute(node, "axis") ?? (opset < 13 ? 1 : -1)
            let normalized = try sampleAxis(node, axis, rank: rank)
            guard opset >= 13 || normalized == rank - 2 else {
                throw failure(node, "before opset 13, Softmax flattens the axes from 'axis' on; only the last axis is supported")
            }
            members = [("op", "softmax"), ("axis", .integer(normalized == rank - 2 ? -1 : normalized))]
        }
        setOutput(node, 0, .activation(addLayer(node, members, inputs: [input], shape: input.shape, hasBatchAxis: input.hasBatchAxis)))
    }

    // MARK: - Normalization

    mutating func importNormalization(_ node: ONNXNode) throws(DataError) {
        let input = try batched(try activationInput(0, of: node), node, ranks: 2...4)
        var weights: [ONNXConstant?] = []
        // BatchNormalization's running mean and variance (inputs 3 and 4) are statistics, not trainable parameters.
        for position in 1..<max(min(node.inputs.count, 3), 1) { weights.append(try weightInput(position, of: node, "a normalization weight")) }
        let channels = input.shape[1]
        let members: [(String, JSONValue)]
        switch node.opType {
        case "BatchNormalization":
            guard input.shape.count >= 3 else { throw failure(node, "expected [N, C, H, W] or [N, C, L], found \(input.shape.map(Self.describe))") }
            batchNormCount += 1
            members = [("op", "batch_norm")]
        case "InstanceNormalization":
            members = [("op", "group_norm"), ("groups", .integer(channels))]
        case "GroupNormalization":
            let groups = try boundedInt(intAttribute(node, "num_groups") ?? 0, node, "num_groups", 1...channels)
            guard channels % groups == 0 else { throw failure(node, "num_groups \(groups) does not divide \(channels) channels") }
            members = [("op", "group_norm"), ("groups", .integer(groups))]
        default:
            try checkLayerNormAxis(node, try normalizedAxis(node, intAttribute(node, "axis") ?? -1, rank: input.shape.count), of: input)
            members = [("op", "layer_norm")]
        }
        setOutput(node, 0, .activation(addLayer(node, members, inputs: [input], shape: input.shape, parameters: parameterNames(weights))))
    }

    /// A layer norm over the axes from `axis` on must be one the format's `layer_norm` computes.
    func checkLayerNormAxis(_ node: ONNXNode, _ axis: Int, of input: ONNXActivation) throws(DataError) {
        let rank = input.shape.count
        guard axis == rank - 1 && rank <= 3 || axis == 1 && rank == 4 else {
            throw failure(node, "a layer norm over axes \(axis)... of \(input.shape.map(Self.describe)) is not supported (the last axis of [N, D] or [N, T, D], or all of [N, C, H, W])")
        }
    }

    /// The layer norm `findLayerNormPatterns` found ending at `node` (its shift), named by the scope of its nodes.
    mutating func importDecomposedLayerNorm(_ node: ONNXNode, _ pattern: DecomposedLayerNorm) throws(DataError) {
        guard case .activation(let source) = try value(pattern.input, of: node) else {
            throw failure(node, "a layer norm of a constant is not supported")
        }
        let input = try batched(source, node, ranks: 2...4)
        let rank = input.shape.count
        var axes: [Int] = []
        for axis in pattern.axes { axes.append(try normalizedAxis(node, axis, rank: rank)) }
        axes.sort()
        guard let first = axes.first, axes == Array(first..<rank) else {
            throw failure(node, "a layer norm over axes \(pattern.axes) of \(input.shape.map(Self.describe)) is not supported (trailing axes only)")
        }
        try checkLayerNormAxis(node, first, of: input)
        var names: [String] = []
        for name in [pattern.weight, pattern.bias] {
            guard case .constant(let weight) = try value(name, of: node), let initializer = weight.initializerName,
                  weight.count == input.shape[first...].reduce(1, *) else {
                throw failure(node, "the layer norm's scale and shift '\(name)' do not fit \(input.shape.map(Self.describe))")
            }
            names.append(initializer)
        }
        setOutput(node, 0, .activation(addLayer(node, [("op", "layer_norm")], inputs: [input], shape: input.shape, parameters: names)))
    }

    // MARK: - Reductions

    mutating func importReduction(_ node: ONNXNode) throws(DataError) {
        let input = try batched(try activationInput(0, of: node), node, ranks: 2...5)
        let rank = input.shape.count
        var axes: [Int]
        var keepDims = true
        if node.opType == "GlobalAveragePool" {
            guard rank == 4 else { throw failure(node, "expected [N, C, H, W], found \(input.shape.map(Self.describe))") }
            axes = [2, 3]
        } else {
            keepDims = (intAttribute(node, "keepdims") ?? 1) != 0
            let listed = try constantInput(1, of: node, "the axes")?.integers ?? intsAttribute(node, "axes") ?? []
            guard !listed.isEmpty else { throw failure(node, "reducing every axis (the batch too) is not supported; list the axes") }
            axes = []
            for axis in listed { axes.append(try normalizedAxis(node, axis, rank: rank)) }
            axes = Array(Set(axes)).sorted()
            guard axes.first != 0 else { throw failure(node, "reducing the batch axis is not supported") }
        }
        var shape: [Int] = []
        for axis in 0..<rank {
            if axes.contains(axis) { if keepDims { shape.append(1) } } else { shape.append(input.shape[axis]) }
        }
        let members: [(String, JSONValue)] = [("op", "reduce_mean"), ("axes", .array(axes.map { .integer($0 - 1) })), ("keep_dims", .bool(keepDims))]
        var output = addLayer(node, members, inputs: [input], shape: shape)
        // A global average pool over [C, H, W] into [C] is the format's global_avg_pool (as hand-written files say).
        if rank == 4, axes == [2, 3], !keepDims, case .layer(let index) = output.reference {
            layers[index].members = [(key: "op", value: "global_avg_pool")]
            output.shape = shape
        }
        setOutput(node, 0, .activation(output))
    }

    // MARK: - Reshaping

    mutating func importReshaping(_ node: ONNXNode) throws(DataError) {
        var input = try activationInput(0, of: node)
        let targetShape: [Int]
        switch node.opType {
        case "Transpose":
            input = try batched(input, node, ranks: 2...5)
            let rank = input.shape.count
            let perm = intsAttribute(node, "perm") ?? (0..<Int64(rank)).reversed().map { $0 }
            guard perm.count == rank, Set(perm) == Set(0..<Int64(rank)) else { throw failure(node, "perm \(perm) is not a permutation of \(rank) axes") }
            guard perm[0] == 0 else { throw failure(node, "perm \(perm) moves the batch axis") }
            let shape = perm.map { input.shape[Int($0)] }
            if perm == (0..<Int64(rank)).map({ $0 }) {
                setOutput(node, 0, .activation(input))
                return
            }
            setOutput(node, 0, .activation(addLayer(node, [("op", "transpose"), ("perm", .array(perm.dropFirst().map { .integer(Int($0) - 1) }))],
                                                    inputs: [input], shape: shape)))
            return
        case "Expand":
            guard let dims = try constantInput(1, of: node, "the shape")?.integers else { throw failure(node, "expected a computable shape") }
            var target = try checkedShape(node, dims.enumerated().map { $0 == 0 && Int64(fileBatch ?? -1) == $1 ? Int64(Self.batch) : $1 })
            guard let shape = ShapeMath.broadcast(input.shape, target) else {
                throw failure(node, "cannot expand \(input.shape.map(Self.describe)) to \(dims)")
            }
            target = shape
            // Expanding over the batch only (a class token to every sample) changes nothing per sample.
            guard Array(shape.dropFirst()) == (input.hasBatchAxis ? input.sampleShape : input.shape.count == shape.count ? Array(input.shape.dropFirst()) : input.shape) else {
                throw failure(node, "expanding \(input.shape.map(Self.describe)) to \(shape.map(Self.describe)) copies values within a sample, which is not supported")
            }
            setOutput(node, 0, .activation(ONNXActivation(reference: input.reference, shape: target, hasBatchAxis: true)))
            return
        case "Reshape":
            guard let dims = try constantInput(1, of: node, "the shape")?.integers else { throw failure(node, "expected a computable shape") }
            targetShape = try reshapeTarget(node, input: input.shape, target: dims, allowZero: intAttribute(node, "allowzero") == 1)
        default:
            let axes = node.opType == "Flatten" ? nil : try constantInput(1, of: node, "the axes")
            targetShape = try squeezedShape(node, input.shape, axesInput: axes)
        }
        guard input.hasBatchAxis, targetShape.first == Self.batch else {
            throw failure(node, "the result \(targetShape.map(Self.describe)) does not keep the batch axis first")
        }
        let sampleShape = Array(targetShape.dropFirst())
        if sampleShape == input.sampleShape {
            setOutput(node, 0, .activation(ONNXActivation(reference: input.reference, shape: targetShape, hasBatchAxis: true)))
            return
        }
        // Global average pool then flatten: the format's global_avg_pool already yields [C].
        if sampleShape.count == 1, let index = soleConsumerLayer(input, op: "reduce_mean"),
           layers[index].members.contains(where: { $0.key == "axes" && $0.value == [1, 2] }), input.shape.count == 4 {
            layers[index].members = [(key: "op", value: "global_avg_pool")]
            layers[index].outputValue = node.outputs.first ?? ""
            setOutput(node, 0, .activation(ONNXActivation(reference: input.reference, shape: targetShape, hasBatchAxis: true)))
            return
        }
        // Channel shuffle: reshape [C, H, W] to [g, C/g, H, W], swap the first two axes, reshape back.
        if let transpose = soleConsumerLayer(input, op: "transpose"),
           layers[transpose].members.contains(where: { $0.key == "perm" && $0.value == [1, 0, 2, 3] }),
           case .layer(let split) = layers[transpose].inputs.first ?? .graphInput, layers[split].op == "reshape",
           consumerCounts[layers[split].outputValue] == 1, let source = layers[split].inputs.first,
           case .array(let splitShape) = layers[split].members.first(where: { $0.key == "shape" })?.value ?? .null,
           splitShape.count == 4, let groups = splitShape[0].integerValue, sampleShape.count == 3 {
            layers[split].members = [(key: "op", value: "shuffle"), (key: "groups", value: .integer(groups))]
            layers[split].inputs = [source]
            layers[split].label = "shuffle"
            layers[split].outputValue = node.outputs.first ?? ""
            setOutput(node, 0, .activation(ONNXActivation(reference: .layer(split), shape: targetShape, hasBatchAxis: true)))
            return
        }
        let members: [(String, JSONValue)] = node.opType == "Flatten" && sampleShape.count == 1
            ? [("op", "flatten")] : [("op", "reshape"), ("shape", try sampleShapeJSON(node, sampleShape))]
        setOutput(node, 0, .activation(addLayer(node, members, inputs: [input], shape: targetShape)))
    }

    // MARK: - Concat, split, slice, gather

    mutating func importSelection(_ node: ONNXNode) throws(DataError) {
        switch node.opType {
        case "Concat":
            var inputs: [ONNXActivation] = []
            for position in node.inputs.indices where !node.inputs[position].isEmpty { inputs.append(try activationInput(position, of: node)) }
            guard let first = inputs.first else { throw failure(node, "expected at least one input") }
            let rank = first.shape.count
            let axis = try sampleAxis(node, intAttribute(node, "axis") ?? 0, rank: rank)
            var shape = first.shape
            shape[0] = Self.batch
            shape[axis + 1] = 0
            for input in inputs {
                guard input.shape.count == rank, (1..<rank).allSatisfy({ $0 == axis + 1 || input.shape[$0] == first.shape[$0] }) else {
                    throw failure(node, "cannot concatenate \(first.shape.map(Self.describe)) and \(input.shape.map(Self.describe)) on axis \(axis + 1)")
                }
                shape[axis + 1] += input.shape[axis + 1]
            }
            if inputs.count == 1 {
                setOutput(node, 0, .activation(first))
                return
            }
            setOutput(node, 0, .activation(addLayer(node, [("op", "concat"), ("axis", .integer(axis))], inputs: inputs, shape: shape)))
        case "Split":
            let input = try batched(try activationInput(0, of: node), node, ranks: 2...5)
            let rank = input.shape.count
            let axis = try sampleAxis(node, intAttribute(node, "axis") ?? 0, rank: rank)
            let extent = input.shape[axis + 1]
            var sizes: [Int]
            if let listed = try constantInput(1, of: node, "the split sizes")?.integers ?? intsAttribute(node, "split") {
                sizes = []
                for size in listed { sizes.append(try boundedInt(size, node, "split sizes", 0...extent)) }
            } else {
                let parts = max(node.outputs.count, Int(clamping: intAttribute(node, "num_outputs") ?? 1))
                guard parts >= 1, parts <= extent else { throw failure(node, "cannot split \(extent) into \(parts) parts") }
                let size = (extent + parts - 1) / parts
                sizes = (0..<parts).map { min(size, extent - $0 * size) }
            }
            guard sizes.reduce(0, +) == extent, sizes.count == node.outputs.count, sizes.allSatisfy({ $0 >= 1 }) else {
                throw failure(node, "split sizes \(sizes) must be positive, one per output (\(node.outputs.count)), and add up to \(extent)")
            }
            if sizes.count == 1 {
                setOutput(node, 0, .activation(input))
                return
            }
            let layer = addLayer(node, [("op", "split"), ("axis", .integer(axis)), ("sizes", .array(sizes.map { .integer($0) }))],
                                 inputs: [input], shape: input.shape)
            guard case .layer(let index) = layer.reference else { return }
            for (part, size) in sizes.enumerated() {
                var shape = input.shape
                shape[axis + 1] = size
                setOutput(node, part, .activation(ONNXActivation(reference: .part(index, part), shape: shape, hasBatchAxis: true)))
            }
        case "Slice":
            var current = try batched(try activationInput(0, of: node), node, ranks: 2...5)
            var constants: [ONNXConstant?] = [nil]
            for position in 1..<max(node.inputs.count, 1) { constants.append(try constantInput(position, of: node, "a slice bound")) }
            for (axis, range) in try sliceRanges(node, constants: constants, shape: current.shape) {
                let extent = current.shape[axis]
                if range.first == 0, range.count == extent, range.step == 1 { continue }
                guard axis >= 1 else { throw failure(node, "slicing the batch axis is not supported") }
                guard range.count >= 1 else { throw failure(node, "the slice of axis \(axis) keeps nothing") }
                // Python's bounds of the same indices; an end before the first element (in reverse) is -(extent + 1).
                let past = range.first + range.count * range.step
                let end = range.step > 0 ? min(past, extent) : past >= 0 ? past : -(extent + 1)
                var members: [(String, JSONValue)] = [("op", "slice"), ("axis", .integer(axis - 1)), ("start", .integer(range.first)), ("end", .integer(end))]
                if range.step != 1 { members.append(("step", .integer(range.step))) }
                var shape = current.shape
                shape[axis] = range.count
                current = addLayer(node, members, inputs: [current], shape: shape)
            }
            setOutput(node, 0, .activation(current))
        default:
            let input = try batched(try activationInput(0, of: node), node, ranks: 2...5)
            guard let indices = try constantInput(1, of: node, "the index"), let values = indices.integers, values.count == 1 else {
                throw failure(node, "only a Gather of one constant index (a class token) is supported")
            }
            let rank = input.shape.count
            let axis = try sampleAxis(node, intAttribute(node, "axis") ?? 0, rank: rank)
            let extent = input.shape[axis + 1]
            let index = values[0] < 0 ? values[0] + Int64(extent) : values[0]
            guard index >= 0, index < Int64(extent) else { throw failure(node, "index \(values[0]) is outside an axis of \(extent)") }
            if indices.shape.isEmpty {
                var shape = input.shape
                shape.remove(at: axis + 1)
                guard shape.count >= 2 else { throw failure(node, "gathering from [N, D] leaves no axis per sample") }
                setOutput(node, 0, .activation(addLayer(node, [("op", "gather"), ("axis", .integer(axis)), ("index", .integer(Int(index)))],
                                                        inputs: [input], shape: shape)))
            } else {
                var shape = input.shape
                shape[axis + 1] = 1
                setOutput(node, 0, .activation(addLayer(node, [("op", "slice"), ("axis", .integer(axis)), ("start", .integer(Int(index))),
                                                               ("end", .integer(Int(index) + 1))], inputs: [input], shape: shape)))
            }
        }
    }
}
