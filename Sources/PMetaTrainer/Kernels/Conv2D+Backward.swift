/// The backward pass of ``Conv2D``: g(x_{l-1}) by col2im, g(w_l) on a channel subset, the bias gradient.
extension Conv2D {
    /// Computes the requested gradients from g(y_l).
    ///
    /// The weight gradient covers the output channels `request.weightGradientOutputChannels` (γ^bw) and
    /// the input channels kept in `saved` (γ^fw): ∂ℓ/∂w_{fcmn} = Σ ∂ℓ/∂y_{fij} · x_{c,i+m,j+n}
    /// (Appendix A.1.2), computed only for those (f, c), from the saved channels alone.
    /// - Parameters:
    ///   - outputGradient: g(y_l), `[N, C_out, H_out, W_out]`.
    ///   - weight: w_l, needed for g(x_{l-1}).
    ///   - saved: The input channels kept by ``forward(_:weight:bias:savingInputChannels:)``.
    ///   - request: Which gradients to compute.
    /// - Returns: The gradients; `nil` where `request` skipped one.
    /// - Complexity: O(N · H_out · W_out · m(w)) MACs for g(x_{l-1}); μ^fw·μ^bw times that for g(w_l).
    public func backward(
        outputGradient: Tensor, weight: Tensor, saved: SavedInput, request: GradientRequest = .all
    ) -> LayerGradients {
        let outputShape = self.outputShape(forInputShape: saved.inputShape)
        precondition(
            outputGradient.shape == outputShape,
            "Conv2D: output gradient shape \(outputGradient.shape) is not \(outputShape)")
        precondition(weight.shape == weightShape, "Conv2D: weight shape \(weight.shape) is not \(weightShape)")
        return LayerGradients(
            input: request.computesInputGradient
                ? inputGradient(outputGradient: outputGradient, weight: weight, inputShape: saved.inputShape) : nil,
            weight: request.computesWeightGradient
                ? weightGradient(
                    outputGradient: outputGradient, saved: saved, outputChannels: request.weightGradientOutputChannels)
                : nil,
            bias: request.computesBiasGradient ? outputGradient.channelSums() : nil)
    }

    /// g(x_{l-1}) = w_lᵀ · g(y_l) per (sample, group), folded back by col2im.
    func inputGradient(outputGradient: Tensor, weight: Tensor, inputShape: [Int]) -> Tensor {
        let geometry = self.geometry(height: inputShape[2], width: inputShape[3])
        let sampleCount = inputShape[0]
        let inputPerGroup = inputChannels / groupCount
        let outputPerGroup = outputChannels / groupCount
        let inputPlane = geometry.height * geometry.width
        let outputPlane = geometry.outputPlaneSize
        let depth = inputPerGroup * kernelSize * kernelSize
        var inputGradient = [Float](repeating: 0, count: Tensor.elementCount(of: inputShape))
        var columns = [Float](repeating: 0, count: isPointwise ? 0 : depth * outputPlane)

        outputGradient.values.withUnsafeBufferPointer { gradientBuffer in
            weight.values.withUnsafeBufferPointer { weightBuffer in
                inputGradient.withUnsafeMutableBufferPointer { targetBuffer in
                    columns.withUnsafeMutableBufferPointer { columnBuffer in
                        for sample in 0..<sampleCount {
                            for group in 0..<groupCount {
                                let image = targetBuffer.baseAddress!
                                    + (sample * inputChannels + group * inputPerGroup) * inputPlane
                                let groupWeight = weightBuffer.baseAddress! + group * outputPerGroup * depth
                                let groupGradient = gradientBuffer.baseAddress!
                                    + (sample * outputChannels + group * outputPerGroup) * outputPlane
                                let product = isPointwise ? image : columnBuffer.baseAddress!
                                gemm(
                                    transposeA: true, transposeB: false,
                                    m: depth, n: outputPlane, k: outputPerGroup,
                                    a: groupWeight, lda: depth,
                                    b: groupGradient, ldb: outputPlane,
                                    c: product, ldc: outputPlane)
                                if !isPointwise {
                                    geometry.foldAdding(
                                        UnsafePointer(product), channelCount: inputPerGroup, into: image)
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, values: inputGradient)
    }

    /// g(w_l) for the selected output channels and the saved input channels, one block per group:
    /// g(y_l)[F_g] · im2col(x_{l-1}[C_g])ᵀ summed over the batch.
    func weightGradient(outputGradient: Tensor, saved: SavedInput, outputChannels selection: ChannelSelection)
        -> WeightGradient
    {
        let selectedOutputs = selection.indices(channelCount: outputChannels)
        let selectedInputs = saved.channels
        let geometry = self.geometry(height: saved.inputShape[2], width: saved.inputShape[3])
        let sampleCount = saved.inputShape[0]
        let inputPerGroup = inputChannels / groupCount
        let outputPerGroup = outputChannels / groupCount
        let kernelArea = kernelSize * kernelSize
        let inputPlane = geometry.height * geometry.width
        let outputPlane = geometry.outputPlaneSize

        // Sorted selections make each group's share a contiguous run of positions.
        let outputRuns = Conv2D.runs(of: selectedOutputs, groupWidth: outputPerGroup, groupCount: groupCount)
        let inputRuns = Conv2D.runs(of: selectedInputs, groupWidth: inputPerGroup, groupCount: groupCount)
        let blockSizes = (0..<groupCount).map { outputRuns[$0].count * inputRuns[$0].count * kernelArea }
        let largestInputRun = inputRuns.map(\.count).max() ?? 0
        // Only output selections with gaps need their rows of g(y_l) gathered into a contiguous block.
        let largestGatheredRun = outputRuns.map { run in
            run.isEmpty || selectedOutputs[run.upperBound - 1] - selectedOutputs[run.lowerBound] + 1 == run.count
                ? 0 : run.count
        }.max() ?? 0
        var values = [Float](repeating: 0, count: blockSizes.reduce(0, +))
        var columns = [Float](repeating: 0, count: isPointwise ? 0 : largestInputRun * kernelArea * outputPlane)
        var gatheredRows = [Float](repeating: 0, count: largestGatheredRun * outputPlane)

        outputGradient.values.withUnsafeBufferPointer { gradientBuffer in
            saved.tensor.values.withUnsafeBufferPointer { savedBuffer in
                values.withUnsafeMutableBufferPointer { valueBuffer in
                    columns.withUnsafeMutableBufferPointer { columnBuffer in
                        gatheredRows.withUnsafeMutableBufferPointer { rowBuffer in
                            var blockOffset = 0
                            for group in 0..<groupCount {
                                let outputRun = outputRuns[group]
                                let inputRun = inputRuns[group]
                                defer { blockOffset += blockSizes[group] }
                                if outputRun.isEmpty || inputRun.isEmpty { continue }
                                let firstOutput = selectedOutputs[outputRun.lowerBound]
                                let isContiguous = selectedOutputs[outputRun.upperBound - 1] - firstOutput + 1
                                    == outputRun.count
                                let depth = inputRun.count * kernelArea
                                for sample in 0..<sampleCount {
                                    let image = savedBuffer.baseAddress!
                                        + (sample * selectedInputs.count + inputRun.lowerBound) * inputPlane
                                    let matrix: UnsafePointer<Float>
                                    if isPointwise {
                                        matrix = image
                                    } else {
                                        geometry.unfold(
                                            image, channelCount: inputRun.count, into: columnBuffer.baseAddress!)
                                        matrix = UnsafePointer(columnBuffer.baseAddress!)
                                    }
                                    let sampleGradient = gradientBuffer.baseAddress!
                                        + sample * outputChannels * outputPlane
                                    let rows: UnsafePointer<Float>
                                    if isContiguous {
                                        rows = sampleGradient + firstOutput * outputPlane
                                    } else {
                                        for (row, position) in outputRun.enumerated() {
                                            (rowBuffer.baseAddress! + row * outputPlane).update(
                                                from: sampleGradient + selectedOutputs[position] * outputPlane,
                                                count: outputPlane)
                                        }
                                        rows = UnsafePointer(rowBuffer.baseAddress!)
                                    }
                                    gemm(
                                        transposeA: false, transposeB: true,
                                        m: outputRun.count, n: depth, k: outputPlane,
                                        a: rows, lda: outputPlane,
                                        b: matrix, ldb: outputPlane,
                                        beta: sample == 0 ? 0 : 1,
                                        c: valueBuffer.baseAddress! + blockOffset, ldc: depth)
                                }
                            }
                        }
                    }
                }
            }
        }
        return WeightGradient(
            weightShape: weightShape, groupCount: groupCount, outputChannels: selectedOutputs,
            inputChannels: selectedInputs, values: values)
    }

    /// For each group, the positions in a sorted channel list whose channels fall in that group.
    static func runs(of channels: [Int], groupWidth: Int, groupCount: Int) -> [Range<Int>] {
        var runs = [Range<Int>]()
        var start = 0
        for group in 0..<groupCount {
            var end = start
            while end < channels.count && channels[end] < (group + 1) * groupWidth { end += 1 }
            runs.append(start..<end)
            start = end
        }
        return runs
    }
}
