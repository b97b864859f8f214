import PMetaTrainer
import Testing

/// Group normalization is not linear, so these differences use a small step and a looser tolerance.
@Suite struct GroupNormTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let inputShape: [Int]
        let groupCount: Int
        var testDescription: String { "\(inputShape) in \(groupCount) groups" }
    }

    static let cases = [
        Case(inputShape: [2, 4, 3, 3], groupCount: 2),
        Case(inputShape: [1, 6, 2, 2], groupCount: 6),
        Case(inputShape: [3, 4], groupCount: 1),
    ]

    static func randomData(_ testCase: Case) -> (input: Tensor, scale: Tensor, shift: Tensor, outputGradient: Tensor) {
        var generator = SplitMix64(seed: UInt64(testCase.inputShape.reduce(testCase.groupCount, *)))
        let channels = testCase.inputShape[1]
        return (
            Tensor(randomNormal: testCase.inputShape, mean: 0.5, standardDeviation: 2, using: &generator),
            Tensor(randomNormal: [channels], mean: 1, standardDeviation: 0.5, using: &generator),
            Tensor(randomNormal: [channels], using: &generator),
            Tensor(randomNormal: testCase.inputShape, using: &generator)
        )
    }

    @Test func forwardNormalizesEachGroup() {
        let norm = GroupNorm(channelCount: 2, groupCount: 1, epsilon: 0)
        let input = Tensor(shape: [1, 2, 2], values: [1, 3, 5, 7])
        let (output, saved) = norm.forward(
            input, scale: Tensor(shape: [2], values: [2, 1]), shift: Tensor(shape: [2], values: [0, 10]))
        // Hand count: mean 4, variance (9 + 1 + 1 + 9) / 4 = 5, so x̂ = (x − 4) / √5.
        let root5 = Float(5).squareRoot()
        let expectedNormalized: [Float] = [-3 / root5, -1 / root5, 1 / root5, 3 / root5]
        #expect(saved.normalizedInput.maximumAbsoluteDifference(from: Tensor(shape: [1, 2, 2], values: expectedNormalized)) < 1e-6)
        #expect(abs(saved.reciprocalStandardDeviations[0] - 1 / root5) < 1e-7)
        let expectedOutput: [Float] = [-6 / root5, -2 / root5, 10 + 1 / root5, 10 + 3 / root5]
        #expect(output.maximumAbsoluteDifference(from: Tensor(shape: [1, 2, 2], values: expectedOutput)) < 1e-5)
    }

    @Test(arguments: cases)
    func everyGradientMatchesFiniteDifferences(_ testCase: Case) throws {
        let (input, scale, shift, outputGradient) = Self.randomData(testCase)
        let norm = GroupNorm(channelCount: testCase.inputShape[1], groupCount: testCase.groupCount)
        let saved = norm.forward(input, scale: scale, shift: shift).saved
        #expect(saved.reciprocalStandardDeviations.count == testCase.inputShape[0] * testCase.groupCount)
        let gradients = norm.backward(outputGradient: outputGradient, scale: scale, saved: saved)
        func loss(_ input: Tensor, _ scale: Tensor, _ shift: Tensor) -> Double {
            norm.forward(input, scale: scale, shift: shift).output.dot(outputGradient)
        }
        let step: Float = 1e-2
        let numericInput = GradientCheck.numericalGradient(of: { loss($0, scale, shift) }, at: input, step: step)
        let numericScale = GradientCheck.numericalGradient(of: { loss(input, $0, shift) }, at: scale, step: step)
        let numericShift = GradientCheck.numericalGradient(of: { loss(input, scale, $0) }, at: shift, step: step)
        #expect(GradientCheck.relativeError(try #require(gradients.input).values, numericInput) < 2e-3)
        #expect(GradientCheck.relativeError(try #require(gradients.scale).values, numericScale) < 2e-3)
        #expect(GradientCheck.relativeError(try #require(gradients.shift).values, numericShift) < 2e-3)
    }

    @Test func skippedGradientsAreNil() {
        let testCase = Self.cases[0]
        let (input, scale, shift, outputGradient) = Self.randomData(testCase)
        let norm = GroupNorm(channelCount: 4, groupCount: 2)
        let saved = norm.forward(input, scale: scale, shift: shift).saved
        let onlyInput = norm.backward(
            outputGradient: outputGradient, scale: scale, saved: saved, computesParameterGradients: false)
        #expect(onlyInput.input != nil && onlyInput.scale == nil && onlyInput.shift == nil)
        let onlyParameters = norm.backward(
            outputGradient: outputGradient, scale: scale, saved: saved, computesInputGradient: false)
        #expect(onlyParameters.input == nil && onlyParameters.scale != nil && onlyParameters.shift != nil)
    }
}
