import PMetaTrainer
import Testing

@Suite struct MaxPool2DTests {
    /// Distinct values 0.1 apart in a shuffled order, so a 0.01 step never changes a window's winner.
    static func distinctInput(shape: [Int], seed: UInt64) -> Tensor {
        var generator = SplitMix64(seed: seed)
        let count = Tensor.elementCount(of: shape)
        return Tensor(shape: shape, values: (0..<count).map { Float($0) * 0.1 - 1 }.shuffled(using: &generator))
    }

    @Test(arguments: [
        MaxPool2D(kernelSize: 2), MaxPool2D(kernelSize: 3, stride: 2, padding: 1), MaxPool2D(kernelSize: 3, stride: 1),
    ])
    func backwardMatchesFiniteDifferences(pool: MaxPool2D) {
        let input = Self.distinctInput(shape: [2, 2, 5, 6], seed: UInt64(pool.kernelSize * 10 + pool.stride))
        var generator = SplitMix64(seed: 5)
        let outputGradient = Tensor(
            randomNormal: pool.outputShape(forInputShape: input.shape), using: &generator)
        let analytic = pool.backward(outputGradient: outputGradient, saved: pool.forward(input).saved)
        let numeric = GradientCheck.numericalGradient(
            of: { pool.forward($0).output.dot(outputGradient) }, at: input, step: 0.01)
        #expect(GradientCheck.relativeError(analytic.values, numeric) < 1e-4)
    }

    @Test func tiesGoToTheFirstPositionInRowMajorOrder() {
        // Two 2 x 2 windows over a 2 x 4 plane. Left window: all 5s; right window: 7 at (0, 3) and (1, 2).
        let input = Tensor(shape: [1, 1, 2, 4], values: [5, 5, 1, 7, 5, 5, 7, 0])
        let pool = MaxPool2D(kernelSize: 2)
        let (output, saved) = pool.forward(input)
        #expect(output.values == [5, 7])
        // Window indices: left takes (0, 0) -> 0; right takes (0, 1) within the window -> 1.
        #expect(saved.argmax == [0, 1])
        let gradient = pool.backward(outputGradient: Tensor(shape: [1, 1, 1, 2], values: [10, 20]), saved: saved)
        #expect(gradient.values == [10, 0, 0, 20, 0, 0, 0, 0])
    }

    @Test func overlappingWindowsAddTheirGradients() {
        // 3 x 3 windows, stride 1, over a 3 x 4 plane whose maximum 9 sits in both windows.
        let input = Tensor(shape: [1, 1, 3, 4], values: [0, 1, 2, 3, 4, 9, 5, 6, 7, 8, 1, 2])
        let pool = MaxPool2D(kernelSize: 3, stride: 1)
        let (output, saved) = pool.forward(input)
        #expect(output.values == [9, 9])
        let gradient = pool.backward(outputGradient: Tensor(shape: [1, 1, 1, 2], values: [1, 2]), saved: saved)
        #expect(gradient[0, 0, 1, 1] == 3)
        #expect(gradient.sum() == 3)
    }

    @Test func paddingNeverWinsEvenAgainstNegativeValues() {
        let input = Tensor(shape: [1, 1, 2, 2], values: [-4, -3, -2, -1])
        let (output, _) = MaxPool2D(kernelSize: 2, stride: 2, padding: 1).forward(input)
        // Windows each hold one real value plus three padded positions.
        #expect(output.values == [-4, -3, -2, -1])
    }

    @Test func argmaxBitWidthIsTheCeilingOfLog2OfTheWindow() {
        // Hand count: 1 position -> 0 bits, 4 -> 2, 9 -> 4, 16 -> 4, 25 -> 5, 256 -> 8.
        #expect([1, 2, 3, 4, 5, 16].map { MaxPool2D(kernelSize: $0).argmaxBitWidth } == [0, 2, 4, 4, 5, 8])
    }
}

@Suite struct AveragePoolingTests {
    @Test func averagePoolCountsPaddingInTheDivisor() {
        let input = Tensor(shape: [1, 1, 2, 2], values: [4, 8, 12, 16])
        let output = AvgPool2D(kernelSize: 2, stride: 2, padding: 1).forward(input)
        // Hand count: each window holds one value and three zeros, divided by 4.
        #expect(output.values == [1, 2, 3, 4])
    }

    @Test(arguments: [AvgPool2D(kernelSize: 2), AvgPool2D(kernelSize: 3, stride: 2, padding: 1)])
    func averagePoolBackwardMatchesFiniteDifferences(pool: AvgPool2D) {
        var generator = SplitMix64(seed: 6)
        let input = Tensor(randomNormal: [2, 3, 5, 4], using: &generator)
        let outputGradient = Tensor(randomNormal: pool.outputShape(forInputShape: input.shape), using: &generator)
        let analytic = pool.backward(outputGradient: outputGradient, inputShape: input.shape)
        let numeric = GradientCheck.numericalGradient(
            of: { pool.forward($0).dot(outputGradient) }, at: input, step: 0.25)
        #expect(GradientCheck.relativeError(analytic.values, numeric) < 1e-4)
    }

    @Test func globalAveragePoolForwardAndBackward() {
        var generator = SplitMix64(seed: 8)
        let input = Tensor(randomNormal: [2, 3, 4, 5], using: &generator)
        let output = GlobalAvgPool.forward(input)
        #expect(output.shape == [2, 3])
        #expect(abs(Double(output[1, 2]) - input.values[100..<120].reduce(0) { $0 + Double($1) } / 20) < 1e-6)
        let outputGradient = Tensor(randomNormal: [2, 3], using: &generator)
        let analytic = GlobalAvgPool.backward(outputGradient: outputGradient, inputShape: input.shape)
        let numeric = GradientCheck.numericalGradient(
            of: { GlobalAvgPool.forward($0).dot(outputGradient) }, at: input, step: 0.25)
        #expect(GradientCheck.relativeError(analytic.values, numeric) < 1e-4)
    }
}
