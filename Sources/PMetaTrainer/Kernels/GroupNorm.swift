/// Group normalization (Wu and He, ECCV 2018; reference [43] of p-Meta) with a per-channel affine map.
///
/// The channels of each sample split into G groups; each (sample, group) is normalized to zero mean
/// and unit variance over its channels and positions, then channel c is scaled by `scale[c]` (γ in Wu and
/// He) and shifted by `shift[c]` (β). p-Meta uses it instead of batch normalization because it does
/// not depend on the batch, which gradient accumulation over single samples requires.
public struct GroupNorm: Sendable, Hashable {
    /// C, the channels normalized.
    public let channelCount: Int

    /// G, the number of groups; divides C.
    public let groupCount: Int

    /// The constant added to the variance before the square root.
    public let epsilon: Float

    /// Creates a group normalization.
    /// - Parameters:
    ///   - channelCount: C.
    ///   - groupCount: G, dividing C.
    ///   - epsilon: Added to the variance for stability.
    public init(channelCount: Int, groupCount: Int, epsilon: Float = 1e-5) {
        precondition(
            channelCount > 0 && groupCount > 0 && channelCount % groupCount == 0,
            "GroupNorm: \(groupCount) groups do not divide \(channelCount) channels")
        precondition(epsilon >= 0, "GroupNorm: epsilon must not be negative")
        self.channelCount = channelCount
        self.groupCount = groupCount
        self.epsilon = epsilon
    }

    /// What the backward pass needs from the forward pass.
    public struct Saved: Sendable, Hashable {
        /// x̂, the input normalized per (sample, group), before the affine map; shaped like the input.
        public let normalizedInput: Tensor

        /// 1 / sqrt(var + ε) of each (sample, group), sample-major: `[N * G]`.
        public let reciprocalStandardDeviations: [Float]
    }

    /// The gradients of one backward pass; `nil` where skipped.
    public struct Gradients: Sendable, Hashable {
        /// g(x), shaped like the input.
        public var input: Tensor?

        /// The gradient of `scale` (γ), `[C]`.
        public var scale: Tensor?

        /// The gradient of `shift` (β), `[C]`.
        public var shift: Tensor?
    }

    /// Normalizes and applies the affine map.
    /// - Parameters:
    ///   - input: `[N, C, ...]`.
    ///   - scale: γ, `[C]`.
    ///   - shift: β, `[C]`.
    /// - Returns: The output, shaped like the input, and the state the backward pass needs.
    /// - Complexity: O(element count).
    public func forward(_ input: Tensor, scale: Tensor, shift: Tensor) -> (output: Tensor, saved: Saved) {
        checkShapes(input.shape, scale: scale, shift: shift)
        let sampleCount = input.shape[0]
        let spatialSize = input.spatialSize
        let groupSize = channelCount / groupCount * spatialSize
        var normalized = [Float](repeating: 0, count: input.count)
        var output = [Float](repeating: 0, count: input.count)
        var reciprocals = [Float](repeating: 0, count: sampleCount * groupCount)
        input.values.withUnsafeBufferPointer { source in
            for block in 0..<(sampleCount * groupCount) {
                let start = block * groupSize
                var sum = 0.0
                for offset in start..<(start + groupSize) { sum += Double(source[offset]) }
                let mean = sum / Double(groupSize)
                var squares = 0.0
                for offset in start..<(start + groupSize) {
                    let deviation = Double(source[offset]) - mean
                    squares += deviation * deviation
                }
                let reciprocal = 1 / (squares / Double(groupSize) + Double(epsilon)).squareRoot()
                reciprocals[block] = Float(reciprocal)
                for offset in start..<(start + groupSize) {
                    let value = Float((Double(source[offset]) - mean) * reciprocal)
                    let channel = offset / spatialSize % channelCount
                    normalized[offset] = value
                    output[offset] = scale.values[channel] * value + shift.values[channel]
                }
            }
        }
        return (
            Tensor(shape: input.shape, values: output),
            Saved(
                normalizedInput: Tensor(shape: input.shape, values: normalized),
                reciprocalStandardDeviations: reciprocals)
        )
    }

    /// Computes the requested gradients from g(y).
    ///
    /// With ĝ = g(y)·γ, each (sample, group) of M elements gets
    /// g(x) = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); g(γ_c) = Σ g(y)·x̂ and g(β_c) = Σ g(y) over channel c.
    /// - Parameters:
    ///   - outputGradient: g(y), shaped like the input.
    ///   - scale: γ, `[C]`, needed for g(x).
    ///   - saved: The state ``forward(_:scale:shift:)`` returned.
    ///   - computesInputGradient: Whether to compute g(x).
    ///   - computesParameterGradients: Whether to compute the gradients of γ and β.
    /// - Returns: The gradients.
    /// - Complexity: O(element count).
    public func backward(
        outputGradient: Tensor, scale: Tensor, saved: Saved,
        computesInputGradient: Bool = true, computesParameterGradients: Bool = true
    ) -> Gradients {
        let normalized = saved.normalizedInput
        checkShapes(normalized.shape, scale: scale, shift: scale)
        precondition(
            outputGradient.shape == normalized.shape,
            "GroupNorm: output gradient shape \(outputGradient.shape) is not \(normalized.shape)")
        let sampleCount = normalized.shape[0]
        precondition(
            saved.reciprocalStandardDeviations.count == sampleCount * groupCount,
            "GroupNorm: saved state holds \(saved.reciprocalStandardDeviations.count) groups, expected \(sampleCount * groupCount)")
        let spatialSize = normalized.spatialSize
        let groupSize = channelCount / groupCount * spatialSize
        var gradients = Gradients()

        if computesParameterGradients {
            var scaleSums = [Double](repeating: 0, count: channelCount)
            var shiftSums = [Double](repeating: 0, count: channelCount)
            for sample in 0..<sampleCount {
                for channel in 0..<channelCount {
                    let start = (sample * channelCount + channel) * spatialSize
                    var scaleSum: Float = 0
                    var shiftSum: Float = 0
                    for offset in start..<(start + spatialSize) {
                        scaleSum += outputGradient.values[offset] * normalized.values[offset]
                        shiftSum += outputGradient.values[offset]
                    }
                    scaleSums[channel] += Double(scaleSum)
                    shiftSums[channel] += Double(shiftSum)
                }
            }
            gradients.scale = Tensor(shape: [channelCount], values: scaleSums.map { Float($0) })
            gradients.shift = Tensor(shape: [channelCount], values: shiftSums.map { Float($0) })
        }

        if computesInputGradient {
            var inputGradient = [Float](repeating: 0, count: normalized.count)
            for block in 0..<(sampleCount * groupCount) {
                let start = block * groupSize
                var gradientSum = 0.0
                var projection = 0.0
                for offset in start..<(start + groupSize) {
                    let channel = offset / spatialSize % channelCount
                    let scaled = Double(outputGradient.values[offset] * scale.values[channel])
                    gradientSum += scaled
                    projection += scaled * Double(normalized.values[offset])
                }
                let meanGradient = Float(gradientSum / Double(groupSize))
                let meanProjection = Float(projection / Double(groupSize))
                let reciprocal = saved.reciprocalStandardDeviations[block]
                for offset in start..<(start + groupSize) {
                    let channel = offset / spatialSize % channelCount
                    let scaled = outputGradient.values[offset] * scale.values[channel]
                    inputGradient[offset] =
                        reciprocal * (scaled - meanGradient - normalized.values[offset] * meanProjection)
                }
            }
            gradients.input = Tensor(shape: normalized.shape, values: inputGradient)
        }
        return gradients
    }

    func checkShapes(_ shape: [Int], scale: Tensor, shift: Tensor) {
        precondition(
            shape.count >= 2 && shape[1] == channelCount,
            "GroupNorm: expected input [N, \(channelCount), ...], got \(shape)")
        precondition(scale.shape == [channelCount], "GroupNorm: scale shape \(scale.shape) is not [\(channelCount)]")
        precondition(shift.shape == [channelCount], "GroupNorm: shift shape \(shift.shape) is not [\(channelCount)]")
    }
}
