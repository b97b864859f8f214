@testable import PMetaTrainer
import Testing

/// The scratch-free kernels against the im2col/GEMM kernels, two independent orders of the same sums.
@Suite struct DirectKernelTests {
    @Test(arguments: ConvolutionCase.all)
    func directConvolutionAgreesWithIm2col(_ testCase: ConvolutionCase) {
        let (input, weight, bias, outputGradient) = testCase.randomData()
        let conv = testCase.convolution
        let reference = conv.forward(input, weight: weight, bias: bias, savingInputChannels: .only(testCase.selectedInputs))
        #expect(conv.directForward(input, weight: weight, bias: bias).maximumAbsoluteDifference(from: reference.output) < 1e-4)

        let gradients = conv.backward(
            outputGradient: outputGradient, weight: weight, saved: reference.saved,
            request: GradientRequest(weightGradientOutputChannels: .only(testCase.selectedOutputs)))
        let inputGradient = conv.directInputGradient(outputGradient: outputGradient, weight: weight, inputShape: input.shape)
        #expect(inputGradient.maximumAbsoluteDifference(from: gradients.input!) < 1e-4)

        var accumulated = WeightGradient.zeros(
            weightShape: conv.weightShape, groupCount: conv.groupCount, outputChannels: testCase.selectedOutputs,
            inputChannels: testCase.selectedInputs)
        var biasGradient: Tensor? = Tensor(zeros: [conv.outputChannels])
        #expect(accumulated.values.count == testCase.selectedEntryCount)
        conv.accumulateDirectWeightGradient(outputGradient: outputGradient, saved: reference.saved, into: &accumulated,
                                            biasGradient: &biasGradient)
        // Accumulating twice doubles it: the accumulator is added to, never overwritten.
        conv.accumulateDirectWeightGradient(outputGradient: outputGradient, saved: reference.saved, into: &accumulated,
                                            biasGradient: &biasGradient)
        let expected = gradients.weight!.values.map { 2 * $0 }
        #expect(zip(accumulated.values, expected).allSatisfy { abs($0 - $1) < 2e-4 })
        #expect(biasGradient!.maximumAbsoluteDifference(from: 2 * gradients.bias!) < 2e-4)
    }

    @Test func directLinearAgreesWithGEMM() {
        var generator = SplitMix64(seed: 19)
        let linear = Linear(inputFeatures: 13, outputFeatures: 7)
        let input = Tensor(randomNormal: [4, 13], using: &generator)
        let weight = Tensor(randomNormal: linear.weightShape, using: &generator)
        let bias = Tensor(randomNormal: [7], using: &generator)
        let outputGradient = Tensor(randomNormal: [4, 7], using: &generator)
        let (output, saved) = linear.forward(input, weight: weight, bias: bias, savingInputFeatures: .only([1, 5, 12]))
        #expect(linear.directForward(input, weight: weight, bias: bias).maximumAbsoluteDifference(from: output) < 1e-5)
        let gradients = linear.backward(outputGradient: outputGradient, weight: weight, saved: saved,
                                        request: GradientRequest(weightGradientOutputChannels: .only([0, 6])))
        #expect(linear.directInputGradient(outputGradient: outputGradient, weight: weight)
            .maximumAbsoluteDifference(from: gradients.input!) < 1e-5)
        var accumulated = WeightGradient.zeros(weightShape: linear.weightShape, groupCount: 1, outputChannels: [0, 6], inputChannels: [1, 5, 12])
        var biasGradient: Tensor? = Tensor(zeros: [7])
        linear.accumulateDirectWeightGradient(outputGradient: outputGradient, saved: saved, into: &accumulated, biasGradient: &biasGradient)
        #expect(zip(accumulated.values, gradients.weight!.values).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(biasGradient!.maximumAbsoluteDifference(from: gradients.bias!) < 1e-5)
    }

    @Test func inPlaceGroupNormAgreesWithTheKernel() {
        var generator = SplitMix64(seed: 23)
        let norm = GroupNorm(channelCount: 4, groupCount: 2)
        let input = Tensor(randomNormal: [2, 4, 3, 3], mean: 0.5, standardDeviation: 2, using: &generator)
        let scale = Tensor(randomNormal: [4], mean: 1, standardDeviation: 0.5, using: &generator)
        let shift = Tensor(randomNormal: [4], using: &generator)
        let outputGradient = Tensor(randomNormal: [2, 4, 3, 3], using: &generator)
        let (output, saved) = norm.forward(input, scale: scale, shift: shift)
        let reference = norm.backward(outputGradient: outputGradient, scale: scale, saved: saved)

        var normalized = input
        let (inPlaceOutput, reciprocals) = norm.forwardInPlace(&normalized, scale: scale, shift: shift, keepsNormalizedInput: true)
        #expect(inPlaceOutput!.maximumAbsoluteDifference(from: output) < 1e-6)
        #expect(normalized.maximumAbsoluteDifference(from: saved.normalizedInput) < 1e-6)
        #expect(reciprocals == saved.reciprocalStandardDeviations)
        var overwritten = input
        #expect(norm.forwardInPlace(&overwritten, scale: scale, shift: shift, keepsNormalizedInput: false).output == nil)
        #expect(overwritten.maximumAbsoluteDifference(from: output) < 1e-6)

        var gradient = outputGradient
        var scaleGradient: Tensor? = Tensor(zeros: [4])
        var shiftGradient: Tensor? = Tensor(zeros: [4])
        norm.backwardInPlace(&gradient, scale: scale, normalizedInput: normalized, reciprocals: reciprocals,
                             computesInputGradient: true, scaleGradient: &scaleGradient, shiftGradient: &shiftGradient)
        #expect(gradient.maximumAbsoluteDifference(from: reference.input!) < 1e-5)
        #expect(scaleGradient!.maximumAbsoluteDifference(from: reference.scale!) < 1e-5)
        #expect(shiftGradient!.maximumAbsoluteDifference(from: reference.shift!) < 1e-5)
    }

    @Test func inPlaceActivationsAgreeWithTheKernelsAndPackOneBitPerElement() {
        var generator = SplitMix64(seed: 29)
        let input = Tensor(randomNormal: [3, 7], standardDeviation: 5, using: &generator)
        let outputGradient = Tensor(randomNormal: [3, 7], using: &generator)
        let (reluOutput, reluMask) = ReLU.forward(input)
        var tensor = input
        let mask = ActivationFunction.relu.forwardInPlace(&tensor, keepsMask: true)!
        #expect(tensor == reluOutput)
        // Hand count: 21 bits take 3 bytes.
        #expect(mask.byteCount == 3)
        var gradient = outputGradient
        ActivationFunction.relu.backwardInPlace(&gradient, mask: mask)
        #expect(gradient == ReLU.backward(outputGradient: outputGradient, mask: reluMask))

        let leaky = LeakyReLU(negativeSlope: 0.2)
        var leakyTensor = input
        let leakyMask = ActivationFunction.leakyReLU(negativeSlope: 0.2).forwardInPlace(&leakyTensor, keepsMask: true)!
        #expect(leakyTensor == leaky.forward(input).output)
        var leakyGradient = outputGradient
        ActivationFunction.leakyReLU(negativeSlope: 0.2).backwardInPlace(&leakyGradient, mask: leakyMask)
        #expect(leakyGradient == leaky.backward(outputGradient: outputGradient, mask: leaky.forward(input).mask))

        var clipped = input
        let clipMask = ActivationFunction.relu6.forwardInPlace(&clipped, keepsMask: true)!
        #expect(clipped == input.map { min(max($0, 0), 6) })
        #expect((0..<21).allSatisfy { clipMask[$0] == ((input.values[$0] > 0 && input.values[$0] < 6) ? 1 : 0) })
    }

    /// The eight-lane ReLU against the rule written out per element: NaN, −0, ±∞ and ties at 0 included, a length
    /// that leaves a tail of 5 after four full bytes.
    @Test func eightLaneReLUKeepsTheScalarRule() {
        var generator = SplitMix64(seed: 37)
        var values = Tensor(randomNormal: [37], using: &generator).values
        for (index, special) in [(0, Float.nan), (3, -0.0), (9, .infinity), (10, -.infinity), (17, 0), (33, .nan)] {
            values[index] = special
        }
        var tensor = Tensor(shape: [37], values: values)
        let mask = ActivationFunction.relu.forwardInPlace(&tensor, keepsMask: true)!
        #expect(mask.byteCount == 5)  // ⌈37 / 8⌉
        for index in 0..<37 {
            let passes = values[index] > 0
            #expect(mask[index] == (passes ? 1 : 0))
            #expect(tensor.values[index].bitPattern == (passes ? values[index] : 0).bitPattern)
        }
        let outputGradient = Tensor(shape: [37], values: (0..<37).map { Float($0) - 18.5 })
        var gradient = outputGradient
        ActivationFunction.relu.backwardInPlace(&gradient, mask: mask)
        #expect((0..<37).allSatisfy { gradient.values[$0].bitPattern == (values[$0] > 0 ? outputGradient.values[$0] : 0).bitPattern })
    }

    /// The 2 x 2 stride-2 path (four outputs at a time) against `forward`'s byte indices, on planes with an odd height
    /// and width (a row of 9 outputs: two vector groups and a tail), ties, NaN and −∞.
    @Test func twoByTwoPoolingKeepsTheFirstMaximum() {
        var generator = SplitMix64(seed: 41)
        var values = Tensor(randomNormal: [2, 3, 5, 19], using: &generator).values
        for index in stride(from: 0, to: values.count, by: 7) { values[index] = 1.5 }  // ties inside windows
        values[0] = .nan
        values[20] = .nan
        values[40] = -.infinity
        values[41] = -.infinity
        let input = Tensor(shape: [2, 3, 5, 19], values: values)
        let pool = MaxPool2D(kernelSize: 2)
        let (output, saved) = pool.forward(input)
        let (packedOutput, indices) = pool.forwardPacked(input, keepsIndices: true)
        #expect(packedOutput.shape == [2, 3, 2, 9])
        #expect(packedOutput.values.map(\.bitPattern) == output.values.map(\.bitPattern))
        #expect((0..<output.count).allSatisfy { indices![$0] == Int(saved.argmax[$0]) })
        let (unindexed, none) = pool.forwardPacked(input, keepsIndices: false)
        #expect(none == nil && unindexed.values.map(\.bitPattern) == output.values.map(\.bitPattern))
    }

    @Test func packedMaxPoolIndicesMatchTheByteIndices() {
        var generator = SplitMix64(seed: 31)
        let input = Tensor(randomNormal: [2, 3, 6, 6], using: &generator)
        for pool in [MaxPool2D(kernelSize: 2), MaxPool2D(kernelSize: 3, stride: 2, padding: 1)] {
            let (output, saved) = pool.forward(input)
            let (packedOutput, indices) = pool.forwardPacked(input, keepsIndices: true)
            #expect(packedOutput == output)
            #expect((0..<output.count).allSatisfy { indices![$0] == Int(saved.argmax[$0]) })
            // Hand count: 2 x 2 windows need 2 bits, 3 x 3 windows 4 bits.
            #expect(indices!.bitWidth == (pool.kernelSize == 2 ? 2 : 4))
            #expect(indices!.byteCount == (output.count * indices!.bitWidth + 7) / 8)
            let outputGradient = Tensor(randomNormal: output.shape, using: &generator)
            #expect(pool.backward(outputGradient: outputGradient, indices: indices!, inputShape: input.shape)
                == pool.backward(outputGradient: outputGradient, saved: saved))
        }
    }

    @Test(arguments: [1, 2, 3, 5, 7, 8])
    func packedIntegersRoundTrip(bitWidth: Int) {
        var generator = SplitMix64(seed: UInt64(bitWidth))
        let values = (0..<37).map { _ in Int.random(in: 0..<(1 << bitWidth), using: &generator) }
        var packed = PackedIntegers(count: 37, bitWidth: bitWidth)
        for (index, value) in values.enumerated() { packed[index] = value }
        #expect((0..<37).map { packed[$0] } == values)
        #expect(packed.byteCount == (37 * bitWidth + 7) / 8)
    }
}
