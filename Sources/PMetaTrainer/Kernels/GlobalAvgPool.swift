/// Global average pooling: the mean of each channel over all positions, `[N, C, H, W]` to `[N, C]`.
public enum GlobalAvgPool {
    /// Averages each (sample, channel) plane.
    /// - Parameter input: `[N, C, H, W]` (or any `[N, C, ...]`).
    /// - Returns: `[N, C]`.
    /// - Complexity: O(element count).
    public static func forward(_ input: Tensor) -> Tensor {
        let planeCount = input.batchSize * input.channelCount
        let planeSize = input.spatialSize
        precondition(planeSize > 0, "GlobalAvgPool: input \(input.shape) has empty planes")
        var output = [Float](repeating: 0, count: planeCount)
        for plane in 0..<planeCount {
            var total = 0.0
            for offset in (plane * planeSize)..<((plane + 1) * planeSize) { total += Double(input.values[offset]) }
            output[plane] = Float(total / Double(planeSize))
        }
        return Tensor(shape: [input.batchSize, input.channelCount], values: output)
    }

    /// Spreads each gradient evenly over its plane.
    /// - Parameters:
    ///   - outputGradient: `[N, C]`.
    ///   - inputShape: The shape of the forward input.
    /// - Returns: The input gradient.
    /// - Complexity: O(input element count).
    public static func backward(outputGradient: Tensor, inputShape: [Int]) -> Tensor {
        precondition(
            inputShape.count >= 2 && outputGradient.shape == [inputShape[0], inputShape[1]],
            "GlobalAvgPool: output gradient shape \(outputGradient.shape) does not match input \(inputShape)")
        let planeSize = Tensor.elementCount(of: Array(inputShape.dropFirst(2)))
        var inputGradient = [Float](repeating: 0, count: Tensor.elementCount(of: inputShape))
        for plane in 0..<outputGradient.count {
            let share = outputGradient.values[plane] / Float(planeSize)
            for offset in (plane * planeSize)..<((plane + 1) * planeSize) { inputGradient[offset] = share }
        }
        return Tensor(shape: inputShape, values: inputGradient)
    }
}
