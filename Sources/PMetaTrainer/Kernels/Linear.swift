/// A fully connected layer, y = x Wᵀ + b, over `[N, F_in]` tensors; the weight is `[F_out, F_in]`.
public struct Linear: Sendable, Hashable {
    /// C_I, the input features.
    public let inputFeatures: Int

    /// C_O, the output features.
    public let outputFeatures: Int

    /// Creates a fully connected layer.
    /// - Parameters:
    ///   - inputFeatures: C_I.
    ///   - outputFeatures: C_O.
    public init(inputFeatures: Int, outputFeatures: Int) {
        precondition(inputFeatures > 0 && outputFeatures > 0, "Linear: feature counts must be positive")
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
    }

    /// The shape of the weight: `[F_out, F_in]`.
    public var weightShape: [Int] { [outputFeatures, inputFeatures] }

    /// Computes y = x Wᵀ + b and keeps the selected input features for the weight gradient.
    /// - Parameters:
    ///   - input: x, `[N, F_in]`.
    ///   - weight: W, `[F_out, F_in]`.
    ///   - bias: `[F_out]`, or `nil` for none.
    ///   - savingInputFeatures: The input features to keep (γ^fw); ``ChannelSelection/none`` for inference.
    /// - Returns: y, `[N, F_out]`, and the saved input.
    /// - Complexity: O(N · m(w)) MACs.
    public func forward(
        _ input: Tensor, weight: Tensor, bias: Tensor?, savingInputFeatures: ChannelSelection = .all
    ) -> (output: Tensor, saved: SavedInput) {
        precondition(
            input.rank == 2 && input.shape[1] == inputFeatures,
            "Linear: expected input [N, \(inputFeatures)], got \(input.shape)")
        precondition(weight.shape == weightShape, "Linear: weight shape \(weight.shape) is not \(weightShape)")
        let sampleCount = input.shape[0]
        var output = [Float](repeating: 0, count: sampleCount * outputFeatures)
        if let bias {
            precondition(bias.shape == [outputFeatures], "Linear: bias shape \(bias.shape) is not [\(outputFeatures)]")
            for sample in 0..<sampleCount {
                for feature in 0..<outputFeatures { output[sample * outputFeatures + feature] = bias.values[feature] }
            }
        }
        gemm(
            transposeA: false, transposeB: true, m: sampleCount, n: outputFeatures, k: inputFeatures,
            a: input.values, b: weight.values, beta: bias == nil ? 0 : 1, c: &output)
        return (
            Tensor(shape: [sampleCount, outputFeatures], values: output),
            SavedInput(keeping: savingInputFeatures, of: input)
        )
    }

    /// Computes the requested gradients from g(y).
    ///
    /// ∂ℓ/∂w_{fc} = Σ_n ∂ℓ/∂y_{nf} · x_{nc} (Appendix A.1.1), only for the output features
    /// `request.weightGradientOutputChannels` and the input features kept in `saved`.
    /// - Parameters:
    ///   - outputGradient: g(y), `[N, F_out]`.
    ///   - weight: W, needed for g(x).
    ///   - saved: The input features kept by ``forward(_:weight:bias:savingInputFeatures:)``.
    ///   - request: Which gradients to compute.
    /// - Returns: The gradients; `nil` where `request` skipped one.
    /// - Complexity: O(N · m(w)) MACs for g(x); μ^fw·μ^bw times that for g(W).
    public func backward(
        outputGradient: Tensor, weight: Tensor, saved: SavedInput, request: GradientRequest = .all
    ) -> LayerGradients {
        let sampleCount = saved.inputShape[0]
        precondition(
            saved.inputShape == [sampleCount, inputFeatures],
            "Linear: saved input shape \(saved.inputShape) is not [N, \(inputFeatures)]")
        precondition(
            outputGradient.shape == [sampleCount, outputFeatures],
            "Linear: output gradient shape \(outputGradient.shape) is not [\(sampleCount), \(outputFeatures)]")
        precondition(weight.shape == weightShape, "Linear: weight shape \(weight.shape) is not \(weightShape)")

        var inputGradient: Tensor?
        if request.computesInputGradient {
            var values = [Float](repeating: 0, count: sampleCount * inputFeatures)
            gemm(
                transposeA: false, transposeB: false, m: sampleCount, n: inputFeatures, k: outputFeatures,
                a: outputGradient.values, b: weight.values, c: &values)
            inputGradient = Tensor(shape: saved.inputShape, values: values)
        }

        var weightGradient: WeightGradient?
        if request.computesWeightGradient {
            let selectedOutputs = request.weightGradientOutputChannels.indices(channelCount: outputFeatures)
            // g(y) restricted to the selected output features: [N, |F|], so the product is g(y)[:, F]ᵀ x[:, C].
            let gradientColumns = outputGradient.selectingChannels(selectedOutputs)
            var values = [Float](repeating: 0, count: selectedOutputs.count * saved.channels.count)
            gemm(
                transposeA: true, transposeB: false,
                m: selectedOutputs.count, n: saved.channels.count, k: sampleCount,
                a: gradientColumns.values, b: saved.tensor.values, c: &values)
            weightGradient = WeightGradient(
                weightShape: weightShape, groupCount: 1, outputChannels: selectedOutputs,
                inputChannels: saved.channels, values: values)
        }

        return LayerGradients(
            input: inputGradient,
            weight: weightGradient,
            bias: request.computesBiasGradient ? outputGradient.channelSums() : nil)
    }
}
