/// Max pooling over square windows of `[N, C, H, W]` tensors, with stride and implicit −∞ padding.
public struct MaxPool2D: Sendable, Hashable {
    /// The height and width of the window.
    public let kernelSize: Int

    /// The step between windows.
    public let stride: Int

    /// The padding on every side; padded positions never win.
    public let padding: Int

    /// Whether the output size rounds up (PyTorch's `ceil_mode`): a last, partial window at the bottom and
    /// right, which must start inside the image or the leading padding.
    public let ceilMode: Bool

    /// Creates a max pooling.
    /// - Parameters:
    ///   - kernelSize: The window size, at most 16 so a window index fits a byte.
    ///   - stride: The step between windows; defaults to the window size.
    ///   - padding: At most half the window, so every window overlaps the image.
    ///   - ceilMode: Whether the output size rounds up.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false) {
        precondition(kernelSize > 0 && kernelSize <= 16, "MaxPool2D: kernel size must be in 1...16, got \(kernelSize)")
        precondition(
            padding >= 0 && 2 * padding <= kernelSize,
            "MaxPool2D: padding \(padding) must be at most half the kernel size \(kernelSize)")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        precondition(self.stride > 0, "MaxPool2D: stride must be positive")
        self.padding = padding
        self.ceilMode = ceilMode
    }

    /// Windows along an axis of `extent`, floor or ceil.
    func windowCount(extent: Int) -> Int {
        let span = extent + 2 * padding - kernelSize
        guard ceilMode else { return span / stride + 1 }
        var count = (span + stride - 1) / stride + 1
        if (count - 1) * stride >= extent + padding { count -= 1 }
        return count
    }

    /// What the backward pass needs: the winning position of each window.
    public struct Saved: Sendable, Hashable {
        /// The shape of the input, which the input gradient takes.
        public let inputShape: [Int]

        /// For each output element, the row-major index of the maximum within its window,
        /// `kernelRow * kernelSize + kernelColumn`, in `0..<kernelSize²`.
        ///
        /// The index needs ⌈log₂(kernelSize²)⌉ bits (``MaxPool2D/argmaxBitWidth``): 2 bits for a 2 x 2
        /// window, 4 bits for 3 x 3. `UInt8`, the smallest integer type that holds every window up to
        /// 16 x 16, stores it in 8 bits, so a memory model counting the packed width is a lower bound.
        public let argmax: [UInt8]
    }

    /// ⌈log₂(kernelSize²)⌉, the bits that identify a position within one window (0 for a 1 x 1 window).
    public var argmaxBitWidth: Int {
        let positions = kernelSize * kernelSize
        return positions <= 1 ? 0 : Int.bitWidth - (positions - 1).leadingZeroBitCount
    }

    /// The shape of the output for an input shape `[N, C, H, W]`.
    /// - Parameter inputShape: The input's shape.
    /// - Returns: `[N, C, (H + 2P - S) / stride + 1, (W + 2P - S) / stride + 1]`.
    public func outputShape(forInputShape inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 4, "MaxPool2D: expected input [N, C, H, W], got \(inputShape)")
        precondition(
            inputShape[2] + 2 * padding >= kernelSize && inputShape[3] + 2 * padding >= kernelSize,
            "MaxPool2D: a \(kernelSize)x\(kernelSize) window does not fit input \(inputShape)")
        return [
            inputShape[0], inputShape[1],
            windowCount(extent: inputShape[2]),
            windowCount(extent: inputShape[3]),
        ]
    }

    /// Takes the maximum of each window; on ties the first position in row-major window order wins.
    /// - Parameter input: `[N, C, H, W]`.
    /// - Returns: The pooled tensor and the argmax of each window.
    /// - Complexity: O(output count · kernelSize²).
    public func forward(_ input: Tensor) -> (output: Tensor, saved: Saved) {
        let outputShape = self.outputShape(forInputShape: input.shape)
        let (height, width) = (input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = (outputShape[2], outputShape[3])
        let planeCount = input.shape[0] * input.shape[1]
        var output = [Float](repeating: 0, count: Tensor.elementCount(of: outputShape))
        var argmax = [UInt8](repeating: 0, count: output.count)
        input.values.withUnsafeBufferPointer { source in
            var outputIndex = 0
            for plane in 0..<planeCount {
                let planeStart = plane * height * width
                for outputRow in 0..<outputHeight {
                    for outputColumn in 0..<outputWidth {
                        var best = -Float.infinity
                        var bestIndex = -1
                        for kernelRow in 0..<kernelSize {
                            let row = outputRow * stride + kernelRow - padding
                            if row < 0 || row >= height { continue }
                            for kernelColumn in 0..<kernelSize {
                                let column = outputColumn * stride + kernelColumn - padding
                                if column < 0 || column >= width { continue }
                                let value = source[planeStart + row * width + column]
                                // Strictly greater keeps the first maximum; the bestIndex test admits −∞ and NaN.
                                if value > best || bestIndex < 0 {
                                    best = value
                                    bestIndex = kernelRow * kernelSize + kernelColumn
                                }
                            }
                        }
                        output[outputIndex] = best
                        argmax[outputIndex] = UInt8(bestIndex)
                        outputIndex += 1
                    }
                }
            }
        }
        return (Tensor(shape: outputShape, values: output), Saved(inputShape: input.shape, argmax: argmax))
    }

    /// Routes each output gradient to the input position that won its window (adding where windows overlap).
    /// - Parameters:
    ///   - outputGradient: The gradient of the pooled tensor.
    ///   - saved: The state ``forward(_:)`` returned.
    /// - Returns: The input gradient, of shape `saved.inputShape`.
    /// - Complexity: O(input count + output count).
    public func backward(outputGradient: Tensor, saved: Saved) -> Tensor {
        let outputShape = self.outputShape(forInputShape: saved.inputShape)
        precondition(
            outputGradient.shape == outputShape,
            "MaxPool2D: output gradient shape \(outputGradient.shape) is not \(outputShape)")
        let (height, width) = (saved.inputShape[2], saved.inputShape[3])
        let (outputHeight, outputWidth) = (outputShape[2], outputShape[3])
        let planeCount = saved.inputShape[0] * saved.inputShape[1]
        var inputGradient = [Float](repeating: 0, count: Tensor.elementCount(of: saved.inputShape))
        var outputIndex = 0
        for plane in 0..<planeCount {
            let planeStart = plane * height * width
            for outputRow in 0..<outputHeight {
                for outputColumn in 0..<outputWidth {
                    let window = Int(saved.argmax[outputIndex])
                    let row = outputRow * stride + window / kernelSize - padding
                    let column = outputColumn * stride + window % kernelSize - padding
                    inputGradient[planeStart + row * width + column] += outputGradient.values[outputIndex]
                    outputIndex += 1
                }
            }
        }
        return Tensor(shape: saved.inputShape, values: inputGradient)
    }
}
