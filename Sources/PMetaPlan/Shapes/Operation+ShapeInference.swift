extension Operation {
    /// The shape of the output for inputs of `inputShapes`.
    /// - Throws: `ShapeMismatch` with what was expected, or `ArithmeticOverflow`.
    func outputShape(for inputShapes: [TensorShape]) throws -> TensorShape {
        if takesSeveralInputs {
            guard inputShapes.count >= 2 else {
                throw ShapeMismatch(message: "expected two or more inputs, found \(inputShapes.count)")
            }
        } else {
            guard inputShapes.count == 1 else {
                throw ShapeMismatch(message: "expected exactly one input, found \(inputShapes.count)")
            }
        }
        let input = inputShapes[0]
        switch self {
        case .conv2d(let convolution):
            let (channels, height, width) = try imageDimensions(input)
            guard channels % convolution.groupCount == 0, convolution.outputChannels % convolution.groupCount == 0 else {
                throw ShapeMismatch(message: "groups \(convolution.groupCount) must divide both the input channels (\(channels)) and out_channels (\(convolution.outputChannels))")
            }
            let outputHeight = try windowCount(extent: height, kernel: convolution.kernelSize.height,
                                               stride: convolution.stride.height, padding: convolution.padding.height, axis: "height")
            let outputWidth = try windowCount(extent: width, kernel: convolution.kernelSize.width,
                                              stride: convolution.stride.width, padding: convolution.padding.width, axis: "width")
            return try TensorShape([convolution.outputChannels, outputHeight, outputWidth])
        case .linear(let linear):
            guard input.dimensions.count == 1 else {
                throw ShapeMismatch(message: "expected a 1-D input [features], found \(input); put a flatten or global_avg_pool before it")
            }
            return try TensorShape([linear.outputFeatures])
        case .groupNorm(let groupCount):
            guard input.channels % groupCount == 0 else {
                throw ShapeMismatch(message: "groups \(groupCount) must divide the \(input.channels) input channels")
            }
            return input
        case .batchNorm, .layerNorm, .relu, .relu6, .leakyReLU:
            return input
        case .maxPool(let pooling), .averagePool(let pooling):
            let (channels, height, width) = try imageDimensions(input)
            guard pooling.padding.height * 2 <= pooling.kernelSize.height, pooling.padding.width * 2 <= pooling.kernelSize.width else {
                throw ShapeMismatch(message: "padding \(pooling.padding) must be at most half the window \(pooling.kernelSize)")
            }
            let outputHeight = try windowCount(extent: height, kernel: pooling.kernelSize.height,
                                               stride: pooling.stride.height, padding: pooling.padding.height, axis: "height")
            let outputWidth = try windowCount(extent: width, kernel: pooling.kernelSize.width,
                                              stride: pooling.stride.width, padding: pooling.padding.width, axis: "width")
            return try TensorShape([channels, outputHeight, outputWidth])
        case .globalAveragePool:
            let (channels, _, _) = try imageDimensions(input)
            return try TensorShape([channels])
        case .flatten:
            return try TensorShape([input.elementCount])
        case .add:
            for (position, other) in inputShapes.enumerated().dropFirst() where other != input {
                throw ShapeMismatch(message: "inputs must have one shape, but input 0 is \(input) and input \(position) is \(other)")
            }
            return input
        case .concat:
            var channels = 0
            for (position, other) in inputShapes.enumerated() {
                guard other.dimensions.count == input.dimensions.count,
                      other.dimensions.dropFirst() == input.dimensions.dropFirst() else {
                    throw ShapeMismatch(message: "inputs must agree in every dimension but the first, but input 0 is \(input) and input \(position) is \(other)")
                }
                channels = try Checked.sum(channels, other.channels, context: "concatenated channels")
            }
            return try TensorShape([channels] + input.dimensions.dropFirst())
        }
    }

    private func imageDimensions(_ shape: TensorShape) throws -> (Int, Int, Int) {
        guard shape.dimensions.count == 3 else {
            throw ShapeMismatch(message: "expected an image input [C, H, W], found \(shape)")
        }
        return (shape.dimensions[0], shape.dimensions[1], shape.dimensions[2])
    }

    /// floor((extent + 2 padding - kernel) / stride) + 1, the number of window positions along one axis.
    private func windowCount(extent: Int, kernel: Int, stride: Int, padding: Int, axis: String) throws -> Int {
        let padded = try Checked.sum(extent, padding, padding, context: "padded \(axis)")
        guard kernel <= padded else {
            throw ShapeMismatch(message: "the \(kernel)-wide window does not fit the input \(axis) \(extent) with padding \(padding)")
        }
        return (padded - kernel) / stride + 1
    }
}
