import PMetaTrainer
import Testing

@Suite struct TensorTests {
    @Test func zerosHaveTheShapesElementCount() {
        let tensor = Tensor(zeros: [2, 3, 4, 5])
        #expect(tensor.count == 120)
        #expect(tensor.values.allSatisfy { $0 == 0 })
        #expect(tensor.batchSize == 2 && tensor.channelCount == 3 && tensor.spatialSize == 20)
    }

    @Test func multiIndexIsRowMajor() {
        var tensor = Tensor(shape: [2, 3, 2], values: (0..<12).map(Float.init))
        // Hand count: offset of [1, 2, 1] = (1 * 3 + 2) * 2 + 1 = 11.
        #expect(tensor.offset(of: [1, 2, 1]) == 11)
        #expect(tensor[1, 0, 1] == 7)
        tensor[0, 1, 0] = -1
        #expect(tensor.values[2] == -1)
    }

    @Test func reshapeKeepsValues() {
        let tensor = Tensor(shape: [2, 6], values: (0..<12).map(Float.init))
        let reshaped = tensor.reshaped(to: [2, 3, 2])
        #expect(reshaped.values == tensor.values)
        #expect(reshaped[1, 2, 1] == 11)
    }

    @Test func elementwiseArithmetic() {
        let left = Tensor(shape: [3], values: [1, 2, 3])
        let right = Tensor(shape: [3], values: [4, -5, 0.5])
        #expect((left + right).values == [5, -3, 3.5])
        #expect((left - right).values == [-3, 7, 2.5])
        #expect((left * right).values == [4, -10, 1.5])
        #expect((2 * left).values == [2, 4, 6])
        var accumulator = left
        accumulator.add(right, scaledBy: -2)
        #expect(accumulator.values == [-7, 12, 2])
        #expect(left.dot(right) == -4.5)
        #expect(right.sum() == -0.5)
        #expect(left.maximumAbsoluteDifference(from: right) == 7)
        #expect(right.maximumAbsoluteValue() == 5)
    }

    @Test func channelSelectionGathersWholePlanes() {
        let tensor = Tensor(shape: [2, 3, 2], values: (0..<12).map(Float.init))
        let selected = tensor.selectingChannels([0, 2])
        #expect(selected.shape == [2, 2, 2])
        #expect(selected.values == [0, 1, 4, 5, 6, 7, 10, 11])
    }

    @Test func channelSumsAddOverBatchAndPositions() {
        let tensor = Tensor(shape: [2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8])
        // Hand count: channel 0 = 1 + 2 + 5 + 6, channel 1 = 3 + 4 + 7 + 8.
        #expect(tensor.channelSums().values == [14, 22])
    }

    @Test func concatenationAndSplitAreInverse() {
        let first = Tensor(shape: [2, 1, 2], values: [1, 2, 3, 4])
        let second = Tensor(shape: [2, 2, 2], values: [5, 6, 7, 8, 9, 10, 11, 12])
        let joined = Tensor.concatenatingChannels([first, second])
        #expect(joined.shape == [2, 3, 2])
        #expect(joined.values == [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12])
        #expect(joined.splittingChannels([1, 2]) == [first, second])
    }

    @Test func sameSeedGivesSameRandomTensor() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let a = Tensor(randomNormal: [3, 5], using: &first)
        let b = Tensor(randomNormal: [3, 5], using: &second)
        #expect(a == b)
        var third = SplitMix64(seed: 43)
        #expect(Tensor(randomNormal: [3, 5], using: &third) != a)
    }

    @Test func randomNormalHasRequestedMoments() {
        var generator = SplitMix64(seed: 7)
        let samples = Tensor(randomNormal: [20_001], mean: 2, standardDeviation: 3, using: &generator)
        let mean = samples.sum() / 20_001
        let variance = samples.values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / 20_001
        // Standard errors: 3 / sqrt(20001) ≈ 0.021 for the mean, about 0.09 for the variance 9.
        #expect(abs(mean - 2) < 0.1)
        #expect(abs(variance - 9) < 0.45)
    }

    @Test func randomUniformStaysInRange() {
        var generator = SplitMix64(seed: 9)
        let samples = Tensor(randomUniform: [1000], in: -0.5...0.25, using: &generator)
        #expect(samples.values.allSatisfy { (-0.5...0.25).contains($0) })
        #expect(samples.values.min()! < -0.45 && samples.values.max()! > 0.2)
    }

    @Test func heNormalUsesFanIn() {
        var generator = SplitMix64(seed: 11)
        let weight = Tensor(heNormal: [64, 8, 3, 3], fanIn: 72, using: &generator)
        let variance = weight.values.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(weight.count)
        // 2 / 72 ≈ 0.0278; 4608 samples give a relative standard error of about 2 %.
        #expect(abs(variance - 2.0 / 72) < 0.003)
    }
}

@Suite struct SplitMix64Tests {
    @Test func streamMatchesTheReferenceImplementation() {
        var generator = SplitMix64(seed: 0)
        // The first outputs of Vigna's splitmix64.c seeded with 0.
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }
}
