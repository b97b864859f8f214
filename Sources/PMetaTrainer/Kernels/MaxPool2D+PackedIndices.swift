/// Max pooling that keeps each window's winner in ⌈log₂(S²)⌉ bits: 2 bits for a 2 x 2 window.
///
/// ``MaxPool2D/forward(_:)`` keeps one `UInt8` per output; the adaptation step keeps the packed width the
/// cost model counts, so what the memory meter sees is what Appendix A's T = 16 word length implies.
extension MaxPool2D {
    /// Pools and, when asked, records the winning window position of every output.
    /// - Parameters:
    ///   - input: `[N, C, H, W]`.
    ///   - keepsIndices: Whether to record the positions for a backward pass.
    /// - Returns: The pooled tensor and the packed positions (or `nil`).
    /// - Complexity: O(output count · kernelSize²).
    public func forwardPacked(_ input: Tensor, keepsIndices: Bool) -> (output: Tensor, indices: PackedIntegers?) {
        let outputShape = self.outputShape(forInputShape: input.shape)
        let (height, width) = (input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = (outputShape[2], outputShape[3])
        let planeCount = input.shape[0] * input.shape[1]
        var output = [Float](repeating: 0, count: Tensor.elementCount(of: outputShape))
        var indices = PackedIntegers(count: keepsIndices ? output.count : 0, bitWidth: argmaxBitWidth)
        if kernelSize == 2 && stride == 2 && padding == 0 && outputWidth > 0 {
            input.values.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    indices.withSequentialWriter { writer in
                        Self.poolTwoByTwo(source: source.baseAddress!, target: target.baseAddress!, planeCount: planeCount,
                                          height: height, width: width, outputHeight: outputHeight, outputWidth: outputWidth,
                                          keepsIndices: keepsIndices, writer: &writer)
                    }
                }
            }
            return (Tensor(shape: outputShape, values: output), keepsIndices ? indices : nil)
        }
        input.values.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                indices.withSequentialWriter { writer in
                    var outputIndex = 0
                    for plane in 0..<planeCount {
                        let planeStart = plane * height * width
                        for outputRow in 0..<outputHeight {
                            let firstRow = outputRow * stride - padding
                            for outputColumn in 0..<outputWidth {
                                let firstColumn = outputColumn * stride - padding
                                var best = -Float.infinity
                                var bestIndex = -1
                                for kernelRow in 0..<kernelSize {
                                    let row = firstRow + kernelRow
                                    if row < 0 || row >= height { continue }
                                    let line = planeStart + row * width
                                    for kernelColumn in 0..<kernelSize {
                                        let column = firstColumn + kernelColumn
                                        if column < 0 || column >= width { continue }
                                        let value = source[line + column]
                                        // Strictly greater keeps the first maximum; the bestIndex test admits −∞ and NaN.
                                        if value > best || bestIndex < 0 {
                                            best = value
                                            bestIndex = kernelRow * kernelSize + kernelColumn
                                        }
                                    }
                                }
                                target[outputIndex] = best
                                if keepsIndices { writer.append(bestIndex) }
                                outputIndex += 1
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: outputShape, values: output), keepsIndices ? indices : nil)
    }

    /// The 2 x 2, stride-2 window four outputs at a time: the same winners as the general loop (the first maximum
    /// in the order top-left, top-right, bottom-left, bottom-right; a NaN first stays, a NaN later loses).
    private static func poolTwoByTwo(
        source: UnsafePointer<Float>, target: UnsafeMutablePointer<Float>, planeCount: Int, height: Int, width: Int,
        outputHeight: Int, outputWidth: Int, keepsIndices: Bool, writer: inout PackedIntegers.SequentialWriter
    ) {
        typealias Vector = SIMD4<Float>
        typealias Positions = SIMD4<Int32>
        var outputIndex = 0
        for plane in 0..<planeCount {
            for outputRow in 0..<outputHeight {
                let top = source + plane &* height &* width + 2 &* outputRow &* width
                let bottom = top + width
                var column = 0
                while column + 4 <= outputWidth {
                    let upper = UnsafeRawPointer(top + 2 &* column).loadUnaligned(as: SIMD8<Float>.self)
                    let lower = UnsafeRawPointer(bottom + 2 &* column).loadUnaligned(as: SIMD8<Float>.self)
                    var best = upper.evenHalf
                    var position = Positions()
                    let topRight = upper.oddHalf, bottomLeft = lower.evenHalf, bottomRight = lower.oddHalf
                    var wins = topRight .> best
                    best.replace(with: topRight, where: wins)
                    position.replace(with: 1, where: wins)
                    wins = bottomLeft .> best
                    best.replace(with: bottomLeft, where: wins)
                    position.replace(with: 2, where: wins)
                    wins = bottomRight .> best
                    best.replace(with: bottomRight, where: wins)
                    position.replace(with: 3, where: wins)
                    UnsafeMutableRawPointer(target + outputIndex).storeBytes(of: best, as: Vector.self)
                    let packed = position &<< Positions(0, 2, 4, 6)
                    if keepsIndices { writer.appendBits(Int(packed.wrappedSum()), bitCount: 8) }
                    outputIndex &+= 4
                    column &+= 4
                }
                while column < outputWidth {
                    var best = top[2 * column], bestIndex = 0
                    if top[2 * column + 1] > best { best = top[2 * column + 1]; bestIndex = 1 }
                    if bottom[2 * column] > best { best = bottom[2 * column]; bestIndex = 2 }
                    if bottom[2 * column + 1] > best { best = bottom[2 * column + 1]; bestIndex = 3 }
                    target[outputIndex] = best
                    if keepsIndices { writer.append(bestIndex) }
                    outputIndex += 1
                    column += 1
                }
            }
        }
    }

    /// Routes each output gradient to the input position that won its window.
    /// - Parameters:
    ///   - outputGradient: The gradient of the pooled tensor.
    ///   - indices: The positions ``forwardPacked(_:keepsIndices:)`` recorded.
    ///   - inputShape: The shape of the forward input.
    /// - Returns: The input gradient.
    /// - Complexity: O(input count + output count).
    public func backward(outputGradient: Tensor, indices: PackedIntegers, inputShape: [Int]) -> Tensor {
        let outputShape = self.outputShape(forInputShape: inputShape)
        precondition(outputGradient.shape == outputShape && indices.count == outputGradient.count,
                     "MaxPool2D: output gradient shape \(outputGradient.shape) is not \(outputShape)")
        let (height, width) = (inputShape[2], inputShape[3])
        let (outputHeight, outputWidth) = (outputShape[2], outputShape[3])
        var inputGradient = [Float](repeating: 0, count: Tensor.elementCount(of: inputShape))
        outputGradient.values.withUnsafeBufferPointer { gradient in
            inputGradient.withUnsafeMutableBufferPointer { target in
                var reader = PackedIntegers.SequentialReader(indices)
                var outputIndex = 0
                for plane in 0..<(inputShape[0] * inputShape[1]) {
                    let planeStart = plane * height * width
                    for outputRow in 0..<outputHeight {
                        for outputColumn in 0..<outputWidth {
                            let window = reader.next()
                            let row = outputRow * stride + window / kernelSize - padding
                            let column = outputColumn * stride + window % kernelSize - padding
                            target[planeStart + row * width + column] += gradient[outputIndex]
                            outputIndex += 1
                        }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, values: inputGradient)
    }
}
