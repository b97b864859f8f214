/// The fully connected layer without GEMM: plain row operations that allocate nothing but their result.
///
/// GEMM packs blocks of both operands (up to `kc x nc` floats); for the small layers of few-shot heads and
/// policies that packing is larger than the activations, so the adaptation step uses these passes.
extension Linear {
    /// y = x Wᵀ + b, one dot product per output element.
    /// - Parameters:
    ///   - input: x, `[N, F_in]`.
    ///   - weight: W, `[F_out, F_in]`.
    ///   - bias: `[F_out]`, or `nil`.
    /// - Returns: y, `[N, F_out]`; the only allocation.
    /// - Complexity: O(N · m(w)) MACs, O(1) scratch.
    public func directForward(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(
            input.rank == 2 && input.shape[1] == inputFeatures,
            "Linear: expected input [N, \(inputFeatures)], got \(input.shape)")
        precondition(weight.shape == weightShape, "Linear: weight shape \(weight.shape) is not \(weightShape)")
        if let bias { precondition(bias.shape == [outputFeatures], "Linear: bias shape \(bias.shape) is not [\(outputFeatures)]") }
        let sampleCount = input.shape[0]
        var output = [Float](repeating: 0, count: sampleCount * outputFeatures)
        input.values.withUnsafeBufferPointer { inputBuffer in
            weight.values.withUnsafeBufferPointer { weightBuffer in
                for sample in 0..<sampleCount {
                    let row = inputBuffer.baseAddress! + sample * inputFeatures
                    for feature in 0..<outputFeatures {
                        let dot = RowKernels.dot(row, weightBuffer.baseAddress! + feature * inputFeatures, count: inputFeatures)
                        output[sample * outputFeatures + feature] = dot + (bias?.values[feature] ?? 0)
                    }
                }
            }
        }
        return Tensor(shape: [sampleCount, outputFeatures], values: output)
    }

    /// g(x) = g(y) W, one scaled row of W per output element.
    /// - Parameters:
    ///   - outputGradient: g(y), `[N, F_out]`.
    ///   - weight: W.
    /// - Returns: g(x), `[N, F_in]`; the only allocation.
    /// - Complexity: O(N · m(w)) MACs, O(1) scratch.
    public func directInputGradient(outputGradient: Tensor, weight: Tensor, adding existing: Tensor? = nil) -> Tensor {
        precondition(
            outputGradient.rank == 2 && outputGradient.shape[1] == outputFeatures,
            "Linear: expected output gradient [N, \(outputFeatures)], got \(outputGradient.shape)")
        precondition(weight.shape == weightShape, "Linear: weight shape \(weight.shape) is not \(weightShape)")
        let sampleCount = outputGradient.shape[0]
        // A gradient received from another reader is added to in place rather than summed afterwards.
        var inputGradient = existing?.values ?? [Float](repeating: 0, count: sampleCount * inputFeatures)
        weight.values.withUnsafeBufferPointer { weightBuffer in
            inputGradient.withUnsafeMutableBufferPointer { target in
                for sample in 0..<sampleCount {
                    for feature in 0..<outputFeatures {
                        let scale = outputGradient.values[sample * outputFeatures + feature]
                        if scale == 0 { continue }
                        RowKernels.addScaled(
                            weightBuffer.baseAddress! + feature * inputFeatures, scale: scale,
                            into: target.baseAddress! + sample * inputFeatures, count: inputFeatures)
                    }
                }
            }
        }
        return Tensor(shape: [sampleCount, inputFeatures], values: inputGradient)
    }

    /// Adds g(W) for the gradient's output features (γ^bw) and the saved input features (γ^fw) into
    /// `gradient`, and Σ_n g(y) into `biasGradient`: ∂ℓ/∂w_{fc} = Σ_n g(y)_{nf} x_{nc} (Appendix A.1.1).
    /// - Parameters:
    ///   - outputGradient: g(y), `[N, F_out]`.
    ///   - saved: The input features kept in the forward pass; must include `gradient.inputChannels` (more when
    ///     the input is x_0, which stays whole in static memory).
    ///   - gradient: The accumulator, whose selection says which entries to compute.
    ///   - biasGradient: A `[F_out]` accumulator, or `nil` to skip it.
    /// - Complexity: O(μ^fw · μ^bw · N · m(w)) MACs, O(1) scratch.
    public func accumulateDirectWeightGradient(
        outputGradient: Tensor, saved: SavedInput, into gradient: inout WeightGradient, biasGradient: inout Tensor?
    ) {
        let sampleCount = saved.inputShape[0]
        precondition(
            outputGradient.shape == [sampleCount, outputFeatures],
            "Linear: output gradient shape \(outputGradient.shape) is not [\(sampleCount), \(outputFeatures)]")
        precondition(gradient.weightShape == weightShape, "Linear: gradient shape \(gradient.weightShape) is not \(weightShape)")
        let savedCount = saved.channels.count
        let selectedInputs = gradient.inputChannels
        let selectedOutputs = gradient.outputChannels
        // Positions in the saved rows; the identity unless the input is x_0, kept whole in static memory.
        let positions: [Int]?
        if selectedInputs == saved.channels {
            positions = nil
        } else {
            var positionOfFeature = [Int](repeating: -1, count: inputFeatures)
            for (position, feature) in saved.channels.enumerated() { positionOfFeature[feature] = position }
            positions = selectedInputs.map { positionOfFeature[$0] }
            precondition(positions!.allSatisfy { $0 >= 0 }, "Linear: the gradient's input features were not saved")
        }
        saved.tensor.values.withUnsafeBufferPointer { savedBuffer in
            gradient.values.withUnsafeMutableBufferPointer { target in
                for sample in 0..<sampleCount {
                    let row = savedBuffer.baseAddress! + sample * savedCount
                    for (position, feature) in selectedOutputs.enumerated() {
                        let scale = outputGradient.values[sample * outputFeatures + feature]
                        if scale == 0 { continue }
                        let targetRow = target.baseAddress! + position * selectedInputs.count
                        if let positions {
                            for (column, savedPosition) in positions.enumerated() { targetRow[column] += scale * row[savedPosition] }
                        } else {
                            RowKernels.addScaled(row, scale: scale, into: targetRow, count: savedCount)
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
