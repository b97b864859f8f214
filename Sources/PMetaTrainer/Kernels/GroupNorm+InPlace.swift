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
                    let group = UnsafeBufferPointer(rebasing: values[start..<(start + groupSize)])
                    let mean = Self.sum(group) { $0 } / Double(groupSize)
                    let squares = Self.sum(group) { ($0 - mean) * ($0 - mean) }
                    let reciprocal = 1 / (squares / Double(groupSize) + Double(epsilon)).squareRoot()
                    if keepsNormalizedInput { reciprocals[block] = Float(reciprocal) }
                    let firstChannel = block % groupCount * channelsPerGroup
                    for localChannel in 0..<channelsPerGroup {
                        let gamma = scale.values[firstChannel + localChannel]
                        let beta = shift.values[firstChannel + localChannel]
                        let channelStart = start + localChannel * spatialSize
                        var offset = channelStart
                        let end = channelStart + spatialSize
                        // Four at a time, in Double as below: (x − mean) · 1/σ, then γ x̂ + β in Float.
                        while offset + 4 <= end {
                            let x = SIMD4<Double>(UnsafeRawPointer(values.baseAddress! + offset).loadUnaligned(as: SIMD4<Float>.self))
                            let normalized = SIMD4<Float>((x - SIMD4(repeating: mean)) * reciprocal)
                            let affine = gamma * normalized + beta
                            if keepsNormalizedInput {
                                UnsafeMutableRawPointer(values.baseAddress! + offset).storeBytes(of: normalized, as: SIMD4<Float>.self)
                                UnsafeMutableRawPointer(outputValues.baseAddress! + offset).storeBytes(of: affine, as: SIMD4<Float>.self)
                            } else {
                                UnsafeMutableRawPointer(values.baseAddress! + offset).storeBytes(of: affine, as: SIMD4<Float>.self)
                            }
                            offset += 4
                        }
                        while offset < end {
                            let normalized = Float((Double(values[offset]) - mean) * reciprocal)
                            if keepsNormalizedInput {
                                values[offset] = normalized
                                outputValues[offset] = gamma * normalized + beta
                            } else {
                                values[offset] = gamma * normalized + beta
                            }
                            offset += 1
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
            gradient.values.withUnsafeBufferPointer { values in
                normalized.withUnsafeBufferPointer { normalizedValues in
                    for sample in 0..<sampleCount {
                        for channel in 0..<channelCount {
                            let start = (sample * channelCount + channel) * spatialSize
                            let plane = UnsafeBufferPointer(rebasing: values[start..<(start + spatialSize)])
                            if scaleGradient != nil {
                                let normalizedPlane = UnsafeBufferPointer(rebasing: normalizedValues[start..<(start + spatialSize)])
                                scaleGradient!.values[channel] += Self.dot(plane, normalizedPlane)
                            }
                            if shiftGradient != nil { shiftGradient!.values[channel] += Self.sum(plane) }
                        }
                    }
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
                    let plane = UnsafeBufferPointer(rebasing: values[channelStart..<(channelStart + spatialSize)])
                    let channelGradient = Self.sum(plane)
                    let channelProjection = normalized.withUnsafeBufferPointer {
                        Self.dot(plane, UnsafeBufferPointer(rebasing: $0[channelStart..<(channelStart + spatialSize)]))
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

    /// Σ f(x) over `values` in Double, four lanes at a time (four partial sums, then their total).
    @inline(__always)
    static func sum(_ values: UnsafeBufferPointer<Float>, _ term: (SIMD4<Double>) -> SIMD4<Double>) -> Double {
        var lanes = SIMD4<Double>()
        var index = 0
        let count = values.count
        while index + 4 <= count {
            lanes += term(SIMD4<Double>(UnsafeRawPointer(values.baseAddress! + index).loadUnaligned(as: SIMD4<Float>.self)))
            index += 4
        }
        var total = lanes.sum()
        while index < count {
            total += term(SIMD4<Double>(repeating: Double(values[index])))[0]
            index += 1
        }
        return total
    }

    /// Σ x over `values` in Float, eight partial sums (``RowKernels/sum(_:count:)``).
    @inline(__always)
    static func sum(_ values: UnsafeBufferPointer<Float>) -> Float {
        guard let base = values.baseAddress else { return 0 }
        return RowKernels.sum(base, count: values.count)
    }

    /// Σ x·y over two buffers of one length in Float, eight partial sums.
    @inline(__always)
    static func dot(_ left: UnsafeBufferPointer<Float>, _ right: UnsafeBufferPointer<Float>) -> Float {
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return 0 }
        return RowKernels.dot(leftBase, rightBase, count: min(left.count, right.count))
    }
}
