import PMetaTrainer
import Testing

/// Flatten, residual add and channel concat: kernels that move or copy gradients without arithmetic.
@Suite struct StructuralKernelTests {
    @Test func flattenKeepsTheBatchAndRoundTrips() {
        let input = Tensor(shape: [2, 3, 2, 2], values: (0..<24).map(Float.init))
        let flat = Flatten.forward(input)
        #expect(flat.shape == [2, 12])
        #expect(flat.values == input.values)
        #expect(Flatten.backward(outputGradient: flat, inputShape: input.shape) == input)
    }

    @Test func residualAddSendsTheGradientToBothBranches() {
        var generator = SplitMix64(seed: 12)
        let residual = Tensor(randomNormal: [2, 3, 2, 2], using: &generator)
        let shortcut = Tensor(randomNormal: [2, 3, 2, 2], using: &generator)
        let outputGradient = Tensor(randomNormal: [2, 3, 2, 2], using: &generator)
        #expect(ResidualAdd.forward(residual, shortcut) == residual + shortcut)
        let (residualGradient, shortcutGradient) = ResidualAdd.backward(outputGradient: outputGradient)
        let numericResidual = GradientCheck.numericalGradient(
            of: { ResidualAdd.forward($0, shortcut).dot(outputGradient) }, at: residual, step: 0.25)
        let numericShortcut = GradientCheck.numericalGradient(
            of: { ResidualAdd.forward(residual, $0).dot(outputGradient) }, at: shortcut, step: 0.25)
        #expect(GradientCheck.relativeError(residualGradient.values, numericResidual) < 1e-5)
        #expect(GradientCheck.relativeError(shortcutGradient.values, numericShortcut) < 1e-5)
    }

    @Test func channelConcatBackwardMatchesFiniteDifferences() {
        var generator = SplitMix64(seed: 13)
        let first = Tensor(randomNormal: [2, 1, 3, 2], using: &generator)
        let second = Tensor(randomNormal: [2, 3, 3, 2], using: &generator)
        let output = ChannelConcat.forward([first, second])
        #expect(output.shape == [2, 4, 3, 2])
        #expect(output[1, 2, 2, 1] == second[1, 1, 2, 1])
        let outputGradient = Tensor(randomNormal: output.shape, using: &generator)
        let gradients = ChannelConcat.backward(outputGradient: outputGradient, channelCounts: [1, 3])
        let numericFirst = GradientCheck.numericalGradient(
            of: { ChannelConcat.forward([$0, second]).dot(outputGradient) }, at: first, step: 0.25)
        let numericSecond = GradientCheck.numericalGradient(
            of: { ChannelConcat.forward([first, $0]).dot(outputGradient) }, at: second, step: 0.25)
        #expect(GradientCheck.relativeError(gradients[0].values, numericFirst) < 1e-5)
        #expect(GradientCheck.relativeError(gradients[1].values, numericSecond) < 1e-5)
    }
}
