/// Group normalization that reuses its buffers, as an adaptation step runs it.
///
/// ``GroupNorm/forward(_:scale:shift:)`` returns x̂ and y as two new tensors next to the input: three
/// activations alive at once. Here the input's buffer becomes x̂ (the input is dead once normalized), so
/// only x̂ and y coexist, and the backward pass overwrites g(y) with g(x): what Appendix A's
/// max{m(x), m(y)} working set allows. Only 1/σ per (sample, group) is kept, not the mean: x̂ already
/// holds what the mean was needed for.
extension GroupNorm {
    /// Normalizes in place and applies the affine map.
    /// - Parameters:
    ///   - tensor: x on entry; x̂ on return when `keepsNormalizedInput`, else y.
    ///   - scale: γ, `[C]`.
    ///   - shift: β, `[C]`.
    ///   - keepsNormalizedInput: Whether the backward pass needs x̂ (γ's gradient or g(x)).
    /// - Returns: y as a new tensor when x̂ is kept (else `nil`, y is in `tensor`), and 1/σ per
    ///   (sample, group) when x̂ is kept (else empty).
    /// - Complexity: O(element count).
    public func forwardInPlace(
        _ tensor: inout Tensor, scale: Tensor, shift: Tensor, keepsNormalizedInput: Bool
    ) -> (output: Tensor?, reciprocals: [Float]) {
        checkShapes(tensor.shape, scale: scale, shift: shift)
        let sampleCount = tensor.shape[0]
        let spatialSize = tensor.spatialSize
        let channelsPerGroup = channelCount / groupCount
        let groupSize = channelsPerGroup * spatialSize
        var reciprocals = [Float](repeating: 0, count: keepsNormalizedInput ? sampleCount * groupCount : 0)
        var output = [Float](repeating: 0, count: keepsNormalizedInput ? tensor.count : 0)
        tensor.values.withUnsafeMutableBufferPointer { values in
            output.withUnsafeMutableBufferPointer { outputValues in
                for block in 0..<(sampleCount * groupCount) {
                    let start = block * groupSize
                    var sum = 0.0
                    for offset in start..<(start + groupSize) { sum += Double(values[offset]) }
                    let mean = sum / Double(groupSize)
                    var squares = 0.0
                    for offset in start..<(start + groupSize) {
                        let deviation = Double(values[offset]) - mean
                        squares += deviation * deviation
                    }
                    let reciprocal = 1 / (squares / Double(groupSize) + Double(epsilon)).squareRoot()
                    if keepsNormalizedInput { reciprocals[block] = Float(reciprocal) }
                    let firstChannel = block % groupCount * channelsPerGroup
                    for localChannel in 0..<channelsPerGroup {
                        let gamma = scale.values[firstChannel + localChannel]
                        let beta = shift.values[firstChannel + localChannel]
                        let channelStart = start + localChannel * spatialSize
                        for offset in channelStart..<(channelStart + spatialSize) {
                            let normalized = Float((Double(values[offset]) - mean) * reciprocal)
                            if keepsNormalizedInput {
                                values[offset] = normalized
                                outputValues[offset] = gamma * normalized + beta
                            } else {
                                values[offset] = gamma * normalized + beta
                            }
                        }
                    }
                }
            }
        }
        let outputTensor = keepsNormalizedInput ? Tensor(shape: tensor.shape, values: output) : nil
        return (outputTensor, reciprocals)
    }

    /// Accumulates the gradients of γ and β and overwrites g(y) with g(x).
    ///
    /// With ĝ = g(y)·γ, each (sample, group) of M elements gets g(x) = (1/σ)(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂));
    /// g(γ_c) += Σ g(y)·x̂ and g(β_c) += Σ g(y) over channel c.
    /// - Parameters:
    ///   - gradient: g(y) on entry; g(x) on return when `computesInputGradient`, else unchanged.
    ///   - scale: γ.
    ///   - normalizedInput: x̂, needed for g(γ) and g(x); `nil` when neither is asked for.
    ///   - reciprocals: 1/σ per (sample, group), needed for g(x).
    ///   - computesInputGradient: Whether to compute g(x).
    ///   - scaleGradient: An accumulator for g(γ), or `nil`.
    ///   - shiftGradient: An accumulator for g(β), or `nil`.
    /// - Complexity: O(element count).
    public func backwardInPlace(
        _ gradient: inout Tensor, scale: Tensor, normalizedInput: Tensor?, reciprocals: [Float],
        computesInputGradient: Bool, scaleGradient: inout Tensor?, shiftGradient: inout Tensor?
    ) {
        precondition(gradient.rank >= 2 && gradient.shape[1] == channelCount, "GroupNorm: gradient shape \(gradient.shape)")
        precondition(normalizedInput != nil || (scaleGradient == nil && !computesInputGradient),
                     "GroupNorm: g(γ) and g(x) need the normalized input")
        let sampleCount = gradient.shape[0]
        let spatialSize = gradient.spatialSize
        let channelsPerGroup = channelCount / groupCount
        let groupSize = channelsPerGroup * spatialSize
        let normalized = normalizedInput?.values ?? []
        if scaleGradient != nil || shiftGradient != nil {
            for sample in 0..<sampleCount {
                for channel in 0..<channelCount {
                    let start = (sample * channelCount + channel) * spatialSize
                    var scaleSum: Float = 0
                    var shiftSum: Float = 0
                    for offset in start..<(start + spatialSize) {
                        if scaleGradient != nil { scaleSum += gradient.values[offset] * normalized[offset] }
                        shiftSum += gradient.values[offset]
                    }
                    if scaleGradient != nil { scaleGradient!.values[channel] += scaleSum }
                    if shiftGradient != nil { shiftGradient!.values[channel] += shiftSum }
                }
            }
        }
        guard computesInputGradient else { return }
        precondition(reciprocals.count == sampleCount * groupCount, "GroupNorm: \(reciprocals.count) reciprocals for \(sampleCount * groupCount) groups")
        gradient.values.withUnsafeMutableBufferPointer { values in
            for block in 0..<(sampleCount * groupCount) {
                let start = block * groupSize
                let firstChannel = block % groupCount * channelsPerGroup
                var gradientSum = 0.0
                var projection = 0.0
                for localChannel in 0..<channelsPerGroup {
                    let gamma = scale.values[firstChannel + localChannel]
                    let channelStart = start + localChannel * spatialSize
                    var channelGradient: Float = 0
                    var channelProjection: Float = 0
                    for offset in channelStart..<(channelStart + spatialSize) {
                        channelGradient += values[offset]
                        channelProjection += values[offset] * normalized[offset]
                    }
                    gradientSum += Double(gamma * channelGradient)
                    projection += Double(gamma * channelProjection)
                }
                let meanGradient = Float(gradientSum / Double(groupSize))
                let meanProjection = Float(projection / Double(groupSize))
                let reciprocal = reciprocals[block]
                for localChannel in 0..<channelsPerGroup {
                    let gamma = scale.values[firstChannel + localChannel]
                    let channelStart = start + localChannel * spatialSize
                    for offset in channelStart..<(channelStart + spatialSize) {
                        values[offset] = reciprocal * (gamma * values[offset] - meanGradient - normalized[offset] * meanProjection)
                    }
                }
            }
        }
    }
}
