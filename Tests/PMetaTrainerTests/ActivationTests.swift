import PMetaTrainer
import Testing

@Suite struct ActivationTests {
    /// Values at least 0.1 away from the kink at 0, so a 0.01 step never crosses it.
    static func inputAwayFromZero(seed: UInt64) -> Tensor {
        var generator = SplitMix64(seed: seed)
        let values = (0..<120).map { _ in
            Float.random(in: 0.1...2, using: &generator) * (Bool.random(using: &generator) ? 1 : -1)
        }
        return Tensor(shape: [2, 3, 4, 5], values: values)
    }

    @Test func reluForwardAndMask() {
        let input = Tensor(shape: [1, 5], values: [-2, 0, 0.5, 3, -0.1])
        let (output, mask) = ReLU.forward(input)
        #expect(output.values == [0, 0, 0.5, 3, 0])
        #expect((0..<5).map { mask[$0] } == [false, false, true, true, false])
        // One bit per element: 5 elements fit one 8-byte word.
        #expect(mask.byteCount == 8)
    }

    @Test func reluBackwardMatchesFiniteDifferences() {
        let input = Self.inputAwayFromZero(seed: 1)
        var generator = SplitMix64(seed: 2)
        let outputGradient = Tensor(randomNormal: input.shape, using: &generator)
        let mask = ReLU.forward(input).mask
        #expect(mask.byteCount == 8 * ((input.count + 63) / 64))
        let analytic = ReLU.backward(outputGradient: outputGradient, mask: mask)
        let numeric = GradientCheck.numericalGradient(
            of: { ReLU.forward($0).output.dot(outputGradient) }, at: input, step: 0.01)
        #expect(GradientCheck.relativeError(analytic.values, numeric) < 1e-4)
    }

    @Test func leakyReLUForwardBackward() {
        let leaky = LeakyReLU(negativeSlope: 0.2)
        let input = Tensor(shape: [1, 4], values: [-2, 0, 1, -0.5])
        let (output, mask) = leaky.forward(input)
        #expect(output.values == [-0.4, 0, 1, -0.1])
        let gradient = leaky.backward(outputGradient: Tensor(shape: [1, 4], values: [1, 2, 3, 4]), mask: mask)
        #expect(gradient.values == [0.2, 0.4, 3, 0.8])
    }

    @Test func leakyReLUBackwardMatchesFiniteDifferences() {
        let leaky = LeakyReLU(negativeSlope: 0.1)
        let input = Self.inputAwayFromZero(seed: 3)
        var generator = SplitMix64(seed: 4)
        let outputGradient = Tensor(randomNormal: input.shape, using: &generator)
        let analytic = leaky.backward(outputGradient: outputGradient, mask: leaky.forward(input).mask)
        let numeric = GradientCheck.numericalGradient(
            of: { leaky.forward($0).output.dot(outputGradient) }, at: input, step: 0.01)
        #expect(GradientCheck.relativeError(analytic.values, numeric) < 1e-4)
    }
}
