/// Convolution without im2col: every pass works straight on the image planes and allocates nothing but
/// its result, so an adaptation step's memory is its tensors and nothing else.
///
/// im2col lowers a `C_in/G x S x S` patch per output position into a column matrix: S² times the input
/// plane per group, plus GEMM's packed blocks. On a device that scratch is as large as the activations
/// p-Meta saves, and Appendix A does not count it. These passes read the input planes shifted by each
/// kernel offset instead: the forward pass and g(x_{l-1}) add scaled rows (`y += w·x`), g(w_l) takes dot
/// products of rows. They compute the same sums as ``forward(_:weight:bias:savingInputChannels:)`` and
/// ``backward(outputGradient:weight:saved:request:)``, in a different order.
extension Conv2D {
    /// The output rows `oy` whose input row `oy * stride + offset` lies inside the image.
    @inline(__always)
    func validOutputRows(inputOffset offset: Int, geometry: Im2Col) -> Range<Int> {
        let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = geometry.height - 1 - offset >= 0
            ? min(geometry.outputHeight, (geometry.height - 1 - offset) / stride + 1) : 0
        return first..<max(first, last)
    }

    /// y_l = w_l * x_{l-1} + b, computed plane by plane without scratch.
    /// - Parameters:
    ///   - input: x_{l-1}, `[N, C_in, H, W]`.
    ///   - weight: w_l, `[C_out, C_in / G, S, S]`.
    ///   - bias: `[C_out]`, or `nil`.
    /// - Returns: y_l, `[N, C_out, H_out, W_out]`; the only allocation.
    /// - Complexity: O(N · H_out · W_out · m(w)) MACs, O(1) scratch.
    public func directForward(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let outputShape = self.outputShape(forInputShape: input.shape)
        precondition(weight.shape == weightShape, "Conv2D: weight shape \(weight.shape) is not \(weightShape)")
        if let bias {
            precondition(bias.shape == [outputChannels], "Conv2D: bias shape \(bias.shape) is not [\(outputChannels)]")
        }
        let geometry = self.geometry(height: input.shape[2], width: input.shape[3])
        let sampleCount = input.shape[0]
        let inputPerGroup = inputChannels / groupCount
        let outputPerGroup = outputChannels / groupCount
        let inputPlane = geometry.height * geometry.width
        let outputPlane = geometry.outputPlaneSize
        let kernelArea = kernelSize * kernelSize
        var output = [Float](repeating: 0, count: Tensor.elementCount(of: outputShape))
        input.values.withUnsafeBufferPointer { inputBuffer in
            weight.values.withUnsafeBufferPointer { weightBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    if stride == 1 && !outputBuffer.isEmpty && !inputBuffer.isEmpty {
                        if let bias {
                            for sample in 0..<sampleCount {
                                for channel in 0..<outputChannels {
                                    (outputBuffer.baseAddress! + (sample * outputChannels + channel) * outputPlane)
                                        .update(repeating: bias.values[channel], count: outputPlane)
                                }
                            }
                        }
                        strideOneForward(input: inputBuffer.baseAddress!, weight: weightBuffer.baseAddress!,
                                         output: outputBuffer.baseAddress!, sampleCount: sampleCount, geometry: geometry)
                        return
                    }
                    for sample in 0..<sampleCount {
                        for outputChannel in 0..<outputChannels {
                            let group = outputChannel / outputPerGroup
                            let plane = outputBuffer.baseAddress! + (sample * outputChannels + outputChannel) * outputPlane
                            if let bias { plane.update(repeating: bias.values[outputChannel], count: outputPlane) }
                            for localInput in 0..<inputPerGroup {
                                let image = inputBuffer.baseAddress!
                                    + (sample * inputChannels + group * inputPerGroup + localInput) * inputPlane
                                let kernel = weightBuffer.baseAddress! + (outputChannel * inputPerGroup + localInput) * kernelArea
                                for kernelRow in 0..<kernelSize {
                                    let rowOffset = kernelRow - padding
                                    let rows = validOutputRows(inputOffset: rowOffset, geometry: geometry)
                                    for kernelColumn in 0..<kernelSize {
                                        let columnOffset = kernelColumn - padding
                                        let columns = geometry.validOutputColumns(inputOffset: columnOffset)
                                        let scale = kernel[kernelRow * kernelSize + kernelColumn]
                                        if columns.isEmpty || scale == 0 { continue }
                                        for outputRow in rows {
                                            let target = plane + outputRow * geometry.outputWidth + columns.lowerBound
                                            let source = image + (outputRow * stride + rowOffset) * geometry.width
                                                + columns.lowerBound * stride + columnOffset
                                            if stride == 1 {
                                                RowKernels.addScaled(source, scale: scale, into: target, count: columns.count)
                                            } else {
                                                for position in 0..<columns.count {
                                                    target[position] += scale * source[position * stride]
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: outputShape, values: output)
    }

    /// g(x_{l-1}) = w_lᵀ ⋆ g(y_l), scattered straight onto the input planes without scratch.
    /// - Parameters:
    ///   - outputGradient: g(y_l), `[N, C_out, H_out, W_out]`.
    ///   - weight: w_l.
    ///   - inputShape: The shape of x_{l-1}.
    ///   - existing: A gradient of x_{l-1} received from another reader, added to in place (no allocation).
    /// - Returns: g(x_{l-1}) (plus `existing`); the only allocation.
    /// - Complexity: O(N · H_out · W_out · m(w)) MACs, O(1) scratch.
    public func directInputGradient(outputGradient: Tensor, weight: Tensor, inputShape: [Int], adding existing: Tensor? = nil) -> Tensor {
        let outputShape = self.outputShape(forInputShape: inputShape)
        precondition(
            outputGradient.shape == outputShape,
            "Conv2D: output gradient shape \(outputGradient.shape) is not \(outputShape)")
        precondition(weight.shape == weightShape, "Conv2D: weight shape \(weight.shape) is not \(weightShape)")
        let geometry = self.geometry(height: inputShape[2], width: inputShape[3])
        let sampleCount = inputShape[0]
        let inputPerGroup = inputChannels / groupCount
        let outputPerGroup = outputChannels / groupCount
        let inputPlane = geometry.height * geometry.width
        let outputPlane = geometry.outputPlaneSize
        let kernelArea = kernelSize * kernelSize
        var inputGradient = existing?.values ?? [Float](repeating: 0, count: Tensor.elementCount(of: inputShape))
        outputGradient.values.withUnsafeBufferPointer { gradientBuffer in
            weight.values.withUnsafeBufferPointer { weightBuffer in
                inputGradient.withUnsafeMutableBufferPointer { targetBuffer in
                    if stride == 1 && !targetBuffer.isEmpty && !gradientBuffer.isEmpty {
                        strideOneInputGradient(outputGradient: gradientBuffer.baseAddress!, weight: weightBuffer.baseAddress!,
                                               inputGradient: targetBuffer.baseAddress!, sampleCount: sampleCount, geometry: geometry)
                        return
                    }
                    for sample in 0..<sampleCount {
                        for inputChannel in 0..<inputChannels {
                            let group = inputChannel / inputPerGroup
                            let localInput = inputChannel % inputPerGroup
                            let image = targetBuffer.baseAddress! + (sample * inputChannels + inputChannel) * inputPlane
                            for localOutput in 0..<outputPerGroup {
                                let outputChannel = group * outputPerGroup + localOutput
                                let plane = gradientBuffer.baseAddress! + (sample * outputChannels + outputChannel) * outputPlane
                                let kernel = weightBuffer.baseAddress! + (outputChannel * inputPerGroup + localInput) * kernelArea
                                for kernelRow in 0..<kernelSize {
                                    let rowOffset = kernelRow - padding
                                    let rows = validOutputRows(inputOffset: rowOffset, geometry: geometry)
                                    for kernelColumn in 0..<kernelSize {
                                        let columnOffset = kernelColumn - padding
                                        let columns = geometry.validOutputColumns(inputOffset: columnOffset)
                                        let scale = kernel[kernelRow * kernelSize + kernelColumn]
                                        if columns.isEmpty || scale == 0 { continue }
                                        for outputRow in rows {
                                            let source = plane + outputRow * geometry.outputWidth + columns.lowerBound
                                            let target = image + (outputRow * stride + rowOffset) * geometry.width
                                                + columns.lowerBound * stride + columnOffset
                                            if stride == 1 {
                                                RowKernels.addScaled(source, scale: scale, into: target, count: columns.count)
                                            } else {
                                                for position in 0..<columns.count {
                                                    target[position * stride] += scale * source[position]
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, values: inputGradient)
    }

    /// Adds g(w_l) for the gradient's output channels (γ^bw) and the saved input channels (γ^fw) into
    /// `gradient`, and the bias gradient into `biasGradient`, without scratch.
    ///
    /// ∂ℓ/∂w_{fcmn} = Σ_{n,i,j} g(y)_{nfij} · x_{n,c,i·s+m−p,j·s+n−p} (Appendix A.1.2), one row dot product at a time.
    /// - Parameters:
    ///   - outputGradient: g(y_l), `[N, C_out, H_out, W_out]`.
    ///   - saved: The input channels kept in the forward pass; must include `gradient.inputChannels` (more when
    ///     the input is x_0, which stays whole in static memory).
    ///   - gradient: The accumulator, whose selection says which entries to compute.
    ///   - biasGradient: A `[C_out]` accumulator for Σ g(y) per channel, or `nil` to skip it.
    /// - Complexity: O(μ^fw · μ^bw · N · H_out · W_out · m(w)) MACs, O(1) scratch.
    public func accumulateDirectWeightGradient(
        outputGradient: Tensor, saved: SavedInput, into gradient: inout WeightGradient, biasGradient: inout Tensor?
    ) {
        let outputShape = self.outputShape(forInputShape: saved.inputShape)
        precondition(
            outputGradient.shape == outputShape,
            "Conv2D: output gradient shape \(outputGradient.shape) is not \(outputShape)")
        precondition(gradient.weightShape == weightShape, "Conv2D: gradient shape \(gradient.weightShape) is not \(weightShape)")
        precondition(Set(saved.channels).isSuperset(of: gradient.inputChannels), "Conv2D: the gradient's input channels were not saved")
        let geometry = self.geometry(height: saved.inputShape[2], width: saved.inputShape[3])
        let sampleCount = saved.inputShape[0]
        let savedChannelCount = saved.channels.count
        let inputPlane = geometry.height * geometry.width
        let outputPlane = geometry.outputPlaneSize
        var positionOfChannel = [Int](repeating: -1, count: inputChannels)
        for (position, channel) in saved.channels.enumerated() { positionOfChannel[channel] = position }

        // The compact layout (see `WeightGradient`): selected outputs in order, each with the selected
        // inputs of its group in order, S² entries each. Two index lists of |F| + |C| integers are the only
        // bookkeeping, so the pass stays scratch-free in the sense that matters (no tensor-sized buffer).
        let selectedOutputs = gradient.outputChannels
        let inputsByGroup = gradient.inputChannelsByGroup
        let outputPerGroup = outputChannels / groupCount
        let kernelArea = kernelSize * kernelSize
        outputGradient.values.withUnsafeBufferPointer { gradientBuffer in
            saved.tensor.values.withUnsafeBufferPointer { savedBuffer in
                gradient.values.withUnsafeMutableBufferPointer { valueBuffer in
                    // Nothing selected: nothing to add (and no buffer to point into).
                    if valueBuffer.isEmpty { return }
                    if stride == 1 && kernelSize == 3 {
                        accumulateThreeByThreeWeightGradient(
                            outputGradient: gradientBuffer, saved: savedBuffer, savedChannelCount: savedChannelCount,
                            positionOfChannel: positionOfChannel, selectedOutputs: selectedOutputs, inputsByGroup: inputsByGroup,
                            into: valueBuffer.baseAddress!, sampleCount: sampleCount, geometry: geometry)
                        return
                    }
                    var compactOffset = 0
                    for outputChannel in selectedOutputs {
                        for inputChannel in inputsByGroup[outputChannel / outputPerGroup] {
                            defer { compactOffset += kernelArea }
                            let position = positionOfChannel[inputChannel]
                            for sample in 0..<sampleCount {
                                let plane = gradientBuffer.baseAddress! + (sample * outputChannels + outputChannel) * outputPlane
                                let image = savedBuffer.baseAddress! + (sample * savedChannelCount + position) * inputPlane
                                for kernelRow in 0..<kernelSize {
                                    let rowOffset = kernelRow - padding
                                    let rows = validOutputRows(inputOffset: rowOffset, geometry: geometry)
                                    for kernelColumn in 0..<kernelSize {
                                        let columnOffset = kernelColumn - padding
                                        let columns = geometry.validOutputColumns(inputOffset: columnOffset)
                                        if columns.isEmpty { continue }
                                        var total: Float = 0
                                        for outputRow in rows {
                                            let left = plane + outputRow * geometry.outputWidth + columns.lowerBound
                                            let right = image + (outputRow * stride + rowOffset) * geometry.width
                                                + columns.lowerBound * stride + columnOffset
                                            total += RowKernels.dot(left, right, rightStride: stride, count: columns.count)
                                        }
                                        valueBuffer[compactOffset + kernelRow * kernelSize + kernelColumn] += total
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if biasGradient != nil {
            outputGradient.accumulateChannelSums(into: &biasGradient!)
        }
    }
}

extension Tensor {
    /// Adds the sum of each channel over the batch and trailing dimensions to `sums` (`[C]`), without scratch.
    /// - Complexity: O(element count).
    func accumulateChannelSums(into sums: inout Tensor) {
        let sampleCount = batchSize
        let channelCount = self.channelCount
        let spatialSize = self.spatialSize
        precondition(sums.shape == [channelCount], "Tensor: channel sums need shape [\(channelCount)], got \(sums.shape)")
        values.withUnsafeBufferPointer { source in
            sums.values.withUnsafeMutableBufferPointer { target in
                for sample in 0..<sampleCount {
                    for channel in 0..<channelCount {
                        let start = (sample * channelCount + channel) * spatialSize
                        var total: Float = 0
                        for offset in start..<(start + spatialSize) { total += source[offset] }
                        target[channel] += total
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// The mean of each channel over the batch and trailing dimensions: what global average pooling and a batch
    /// mean give meta attention (Fig. 3).
    /// - Complexity: O(element count).
    public func channelMeans() -> [Float] {
        var sums = [Float](repeating: 0, count: channelCount)
        var tensor = Tensor(zeros: [channelCount])
        accumulateChannelSums(into: &tensor)
        let count = Float(batchSize * spatialSize)
        for channel in sums.indices { sums[channel] = tensor.values[channel] / count }
        return sums
    }
}

extension WeightGradient {
    /// A zero gradient for the given selection: the accumulator of one layer's g(w_l) over micro-batches.
    /// - Parameters:
    ///   - weightShape: The full weight's shape.
    ///   - groupCount: G.
    ///   - outputChannels: The selected output channels (γ^bw), strictly increasing.
    ///   - inputChannels: The selected input channels (γ^fw), strictly increasing.
    /// - Returns: μ^bw·μ^fw·m(w) zeros (for one group).
    public static func zeros(weightShape: [Int], groupCount: Int, outputChannels: [Int], inputChannels: [Int]) -> WeightGradient {
        WeightGradient(
            weightShape: weightShape, groupCount: groupCount, outputChannels: outputChannels, inputChannels: inputChannels,
            values: [Float](repeating: 0, count: entryCount(
                weightShape: weightShape, groupCount: groupCount, outputChannels: outputChannels, inputChannels: inputChannels)))
    }

    /// The entries a selection holds, without building it.
    static func entryCount(weightShape: [Int], groupCount: Int, outputChannels: [Int], inputChannels: [Int]) -> Int {
        let inputsPerGroup = weightShape[1]
        let outputsPerGroup = weightShape[0] / groupCount
        var inputCounts = [Int](repeating: 0, count: groupCount)
        for channel in inputChannels { inputCounts[channel / inputsPerGroup] += 1 }
        let kernelElements = Tensor.elementCount(of: Array(weightShape.dropFirst(2)))
        return outputChannels.reduce(0) { $0 + inputCounts[$1 / outputsPerGroup] } * kernelElements
    }
}
