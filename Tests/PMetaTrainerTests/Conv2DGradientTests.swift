import PMetaTrainer
import Testing

/// Every conv2d gradient against central differences of L = Σ r ⊙ y, with r the output gradient.
///
/// Convolution is linear in its input, its weight and its bias, so the differences are exact up to
/// Float rounding of y and a large step (0.25) keeps that rounding small next to the step.
@Suite struct Conv2DGradientTests {
    static let step: Float = 0.25
    static let tolerance = 1e-4

    @Test(arguments: ConvolutionCase.all)
    func inputGradientMatchesFiniteDifferences(_ testCase: ConvolutionCase) throws {
        let (input, weight, bias, outputGradient) = testCase.randomData()
        let conv = testCase.convolution
        let saved = conv.forward(input, weight: weight, bias: bias, savingInputChannels: .none).saved
        let gradients = conv.backward(
            outputGradient: outputGradient, weight: weight, saved: saved, request: .inputOnly)
        #expect(gradients.weight == nil && gradients.bias == nil)
        let analytic = try #require(gradients.input)
        #expect(analytic.shape == input.shape)
        let numeric = GradientCheck.numericalGradient(
            of: { conv.forward($0, weight: weight, bias: bias, savingInputChannels: .none).output.dot(outputGradient) },
            at: input, step: Self.step)
        #expect(GradientCheck.relativeError(analytic.values, numeric) < Self.tolerance)
    }

    @Test(arguments: ConvolutionCase.all)
    func weightAndBiasGradientsMatchFiniteDifferences(_ testCase: ConvolutionCase) throws {
        let (input, weight, bias, outputGradient) = testCase.randomData()
        let conv = testCase.convolution
        let saved = conv.forward(input, weight: weight, bias: bias).saved
        let gradients = conv.backward(
            outputGradient: outputGradient, weight: weight, saved: saved,
            request: GradientRequest(computesInputGradient: false))
        #expect(gradients.input == nil)
        let weightGradient = try #require(gradients.weight)
        // With every channel selected the compact layout is the weight's own.
        #expect(weightGradient.values == weightGradient.dense().values)
        let numericWeight = GradientCheck.numericalGradient(
            of: { conv.forward(input, weight: $0, bias: bias, savingInputChannels: .none).output.dot(outputGradient) },
            at: weight, step: Self.step)
        #expect(GradientCheck.relativeError(weightGradient.values, numericWeight) < Self.tolerance)

        let biasGradient = try #require(gradients.bias)
        let numericBias = GradientCheck.numericalGradient(
            of: { conv.forward(input, weight: weight, bias: $0, savingInputChannels: .none).output.dot(outputGradient) },
            at: bias, step: Self.step)
        #expect(GradientCheck.relativeError(biasGradient.values, numericBias) < Self.tolerance)
    }

    @Test(arguments: ConvolutionCase.all)
    func channelSubsetWeightGradientMatchesFiniteDifferences(_ testCase: ConvolutionCase) throws {
        let (input, weight, bias, outputGradient) = testCase.randomData()
        let conv = testCase.convolution
        let saved = conv.forward(
            input, weight: weight, bias: bias, savingInputChannels: .only(testCase.selectedInputs)
        ).saved
        #expect(saved.tensor.shape[1] == testCase.selectedInputs.count)
        let gradients = conv.backward(
            outputGradient: outputGradient, weight: weight, saved: saved,
            request: GradientRequest(
                computesInputGradient: false, computesBiasGradient: false,
                weightGradientOutputChannels: .only(testCase.selectedOutputs)))
        let weightGradient = try #require(gradients.weight)
        #expect(weightGradient.values.count == testCase.selectedEntryCount)
        #expect(weightGradient.outputChannels == testCase.selectedOutputs)
        #expect(weightGradient.inputChannels == testCase.selectedInputs)

        // The expected compact gradient: the finite differences of the selected (f, c) pairs, zero elsewhere.
        let numeric = GradientCheck.numericalGradient(
            of: { conv.forward(input, weight: $0, bias: bias, savingInputChannels: .none).output.dot(outputGradient) },
            at: weight, step: Self.step)
        let inputPerGroup = conv.inputChannels / conv.groupCount
        let outputPerGroup = conv.outputChannels / conv.groupCount
        let kernelArea = conv.kernelSize * conv.kernelSize
        var expectedDense = [Double](repeating: 0, count: weight.count)
        for outputChannel in testCase.selectedOutputs {
            let group = outputChannel / outputPerGroup
            for local in 0..<inputPerGroup where testCase.selectedInputs.contains(group * inputPerGroup + local) {
                let start = (outputChannel * inputPerGroup + local) * kernelArea
                for offset in start..<(start + kernelArea) { expectedDense[offset] = numeric[offset] }
            }
        }
        #expect(GradientCheck.relativeError(weightGradient.dense().values, expectedDense) < Self.tolerance)
    }

    @Test(arguments: ConvolutionCase.all)
    func subsetGradientEqualsTheSameEntriesOfTheFullGradient(_ testCase: ConvolutionCase) throws {
        let (input, weight, bias, outputGradient) = testCase.randomData()
        let conv = testCase.convolution
        let full = try #require(
            conv.backward(
                outputGradient: outputGradient, weight: weight,
                saved: conv.forward(input, weight: weight, bias: bias).saved
            ).weight)
        let subset = try #require(
            conv.backward(
                outputGradient: outputGradient, weight: weight,
                saved: conv.forward(
                    input, weight: weight, bias: bias, savingInputChannels: .only(testCase.selectedInputs)
                ).saved,
                request: GradientRequest(weightGradientOutputChannels: .only(testCase.selectedOutputs))
            ).weight)
        let kernelArea = conv.kernelSize * conv.kernelSize
        for outputChannel in testCase.selectedOutputs {
            for inputChannel in testCase.selectedInputs {
                for offset in 0..<kernelArea {
                    #expect(
                        subset.value(outputChannel: outputChannel, inputChannel: inputChannel, kernelOffset: offset)
                            == full.value(outputChannel: outputChannel, inputChannel: inputChannel, kernelOffset: offset))
                }
            }
        }
    }
}
