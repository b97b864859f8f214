/// Average pooling over square windows of `[N, C, H, W]` tensors, with stride and zero padding.
///
/// Every window is divided by the full `kernelSize²`, padded positions included (they count as zeros),
/// so the map is linear with constant weights and the backward pass needs nothing but the input shape.
public struct AvgPool2D: Sendable, Hashable {
    /// The height and width of the window.
    public let kernelSize: Int

    /// The step between windows.
    public let stride: Int

    /// The zero padding on every side.
    public let padding: Int

    /// Creates an average pooling.
    /// - Parameters:
    ///   - kernelSize: The window size.
    ///   - stride: The step between windows; defaults to the window size.
    ///   - padding: At most half the window, so every window overlaps the image.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernelSize > 0, "AvgPool2D: kernel size must be positive, got \(kernelSize)")
        precondition(
            padding >= 0 && 2 * padding <= kernelSize,
            "AvgPool2D: padding \(padding) must be at most half the kernel size \(kernelSize)")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        precondition(self.stride > 0, "AvgPool2D: stride must be positive")
        self.padding = padding
    }

    /// The shape of the output for an input shape `[N, C, H, W]`.
    /// - Parameter inputShape: The input's shape.
    /// - Returns: `[N, C, (H + 2P - S) / stride + 1, (W + 2P - S) / stride + 1]`.
    public func outputShape(forInputShape inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 4, "AvgPool2D: expected input [N, C, H, W], got \(inputShape)")
        precondition(
            inputShape[2] + 2 * padding >= kernelSize && inputShape[3] + 2 * padding >= kernelSize,
            "AvgPool2D: a \(kernelSize)x\(kernelSize) window does not fit input \(inputShape)")
        return [
            inputShape[0], inputShape[1],
            (inputShape[2] + 2 * padding - kernelSize) / stride + 1,
            (inputShape[3] + 2 * padding - kernelSize) / stride + 1,
        ]
    }

    /// Averages each window.
    /// - Parameter input: `[N, C, H, W]`.
    /// - Returns: The pooled tensor.
    /// - Complexity: O(output count · kernelSize²).
    public func forward(_ input: Tensor) -> Tensor {
        let outputShape = self.outputShape(forInputShape: input.shape)
        var output = [Float](repeating: 0, count: Tensor.elementCount(of: outputShape))
        let area = Float(kernelSize * kernelSize)
        forEachWindowPosition(inputShape: input.shape, outputShape: outputShape) { outputIndex, inputIndex in
            output[outputIndex] += input.values[inputIndex] / area
        }
        return Tensor(shape: outputShape, values: output)
    }

    /// Spreads each output gradient evenly over its window.
    /// - Parameters:
    ///   - outputGradient: The gradient of the pooled tensor.
    ///   - inputShape: The shape of the forward input.
    /// - Returns: The input gradient.
    /// - Complexity: O(output count · kernelSize²).
    public func backward(outputGradient: Tensor, inputShape: [Int]) -> Tensor {
        let outputShape = self.outputShape(forInputShape: inputShape)
        precondition(
            outputGradient.shape == outputShape,
            "AvgPool2D: output gradient shape \(outputGradient.shape) is not \(outputShape)")
        var inputGradient = [Float](repeating: 0, count: Tensor.elementCount(of: inputShape))
        let area = Float(kernelSize * kernelSize)
        forEachWindowPosition(inputShape: inputShape, outputShape: outputShape) { outputIndex, inputIndex in
            inputGradient[inputIndex] += outputGradient.values[outputIndex] / area
        }
        return Tensor(shape: inputShape, values: inputGradient)
    }

    /// Calls `body` with (output index, input index) for every in-image position of every window.
    func forEachWindowPosition(inputShape: [Int], outputShape: [Int], _ body: (Int, Int) -> Void) {
        let (height, width) = (inputShape[2], inputShape[3])
        let (outputHeight, outputWidth) = (outputShape[2], outputShape[3])
        var outputIndex = 0
        for plane in 0..<(inputShape[0] * inputShape[1]) {
            let planeStart = plane * height * width
            for outputRow in 0..<outputHeight {
                for outputColumn in 0..<outputWidth {
                    for kernelRow in 0..<kernelSize {
                        let row = outputRow * stride + kernelRow - padding
                        if row < 0 || row >= height { continue }
                        for kernelColumn in 0..<kernelSize {
                            let column = outputColumn * stride + kernelColumn - padding
                            if column < 0 || column >= width { continue }
                            body(outputIndex, planeStart + row * width + column)
                        }
                    }
                    outputIndex += 1
                }
            }
        }
    }
}
