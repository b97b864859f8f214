import PMetaTrainer
import Testing

@Suite struct Conv2DForwardTests {
    @Test(arguments: ConvolutionCase.all)
    func forwardMatchesNaiveLoops(_ testCase: ConvolutionCase) {
        let data = testCase.randomData()
        let conv = testCase.convolution
        let withBias = conv.forward(data.input, weight: data.weight, bias: data.bias).output
        #expect(withBias.shape == conv.outputShape(forInputShape: testCase.inputShape))
        let expected = testCase.referenceForward(input: data.input, weight: data.weight, bias: data.bias)
        #expect(GradientCheck.relativeError(withBias.values, expected) < 1e-5)
        let withoutBias = conv.forward(data.input, weight: data.weight, bias: nil).output
        let expectedWithoutBias = testCase.referenceForward(input: data.input, weight: data.weight, bias: nil)
        #expect(GradientCheck.relativeError(withoutBias.values, expectedWithoutBias) < 1e-5)
    }

    @Test func outputShapeFollowsTheFloorFormula() {
        let conv = Conv2D(inputChannels: 3, outputChannels: 8, kernelSize: 3, stride: 2, padding: 1)
        // Hand count: (84 + 2 - 3) / 2 + 1 = 42, (85 + 2 - 3) / 2 + 1 = 43.
        #expect(conv.outputShape(forInputShape: [5, 3, 84, 85]) == [5, 8, 42, 43])
        #expect(conv.weightShape == [8, 3, 3, 3])
    }

    @Test func handComputedThreeByThree() {
        // One 3 x 3 plane 1...9, an all-ones 3 x 3 kernel, padding 1: each output sums its neighbourhood.
        let conv = Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 3, padding: 1)
        let input = Tensor(shape: [1, 1, 3, 3], values: (1...9).map(Float.init))
        let weight = Tensor(shape: [1, 1, 3, 3], repeating: 1)
        let output = conv.forward(input, weight: weight, bias: Tensor(shape: [1], values: [0.5])).output
        // Hand count: corner 1+2+4+5 = 12, edge 1+2+3+4+5+6 = 21, centre 45; plus the bias 0.5.
        #expect(output.values == [12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5])
    }

    @Test func savedInputHoldsOnlySelectedChannels() {
        let testCase = ConvolutionCase.all[0]
        let data = testCase.randomData()
        let saved = testCase.convolution.forward(
            data.input, weight: data.weight, bias: nil, savingInputChannels: .only([0, 2])
        ).saved
        #expect(saved.tensor.shape == [2, 2, 5, 4])
        #expect(saved.wordCount == 80)
        #expect(saved.tensor == data.input.selectingChannels([0, 2]))
        let nothing = testCase.convolution.forward(
            data.input, weight: data.weight, bias: nil, savingInputChannels: .none
        ).saved
        #expect(nothing.wordCount == 0 && nothing.inputShape == testCase.inputShape)
    }
}
