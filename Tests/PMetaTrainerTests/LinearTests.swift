import PMetaTrainer
import Testing

@Suite struct LinearTests {
    static let layer = Linear(inputFeatures: 7, outputFeatures: 5)
    static let step: Float = 0.25

    static func randomData() -> (input: Tensor, weight: Tensor, bias: Tensor, outputGradient: Tensor) {
        var generator = SplitMix64(seed: 2024)
        return (
            Tensor(randomNormal: [3, 7], using: &generator), Tensor(randomNormal: [5, 7], using: &generator),
            Tensor(randomNormal: [5], using: &generator), Tensor(randomNormal: [3, 5], using: &generator)
        )
    }

    @Test func forwardMatchesHandComputation() {
        let layer = Linear(inputFeatures: 3, outputFeatures: 2)
        let input = Tensor(shape: [2, 3], values: [1, 2, 3, -1, 0, 1])
        let weight = Tensor(shape: [2, 3], values: [1, 0, -1, 2, 1, 0.5])
        let output = layer.forward(input, weight: weight, bias: Tensor(shape: [2], values: [10, 20])).output
        // Hand count: [1 2 3]·[1 0 -1] = -2, ·[2 1 .5] = 5.5; [-1 0 1]·[1 0 -1] = -2, ·[2 1 .5] = -1.5.
        #expect(output.values == [8, 25.5, 8, 18.5])
    }

    @Test func everyGradientMatchesFiniteDifferences() throws {
        let (input, weight, bias, outputGradient) = Self.randomData()
        let layer = Self.layer
        let saved = layer.forward(input, weight: weight, bias: bias).saved
        let gradients = layer.backward(outputGradient: outputGradient, weight: weight, saved: saved)
        func loss(_ input: Tensor, _ weight: Tensor, _ bias: Tensor) -> Double {
            layer.forward(input, weight: weight, bias: bias, savingInputFeatures: .none).output.dot(outputGradient)
        }
        let numericInput = GradientCheck.numericalGradient(of: { loss($0, weight, bias) }, at: input, step: Self.step)
        let numericWeight = GradientCheck.numericalGradient(of: { loss(input, $0, bias) }, at: weight, step: Self.step)
        let numericBias = GradientCheck.numericalGradient(of: { loss(input, weight, $0) }, at: bias, step: Self.step)
        #expect(GradientCheck.relativeError(try #require(gradients.input).values, numericInput) < 1e-4)
        #expect(GradientCheck.relativeError(try #require(gradients.weight).values, numericWeight) < 1e-4)
        #expect(GradientCheck.relativeError(try #require(gradients.bias).values, numericBias) < 1e-4)
    }

    @Test func featureSubsetWeightGradientMatchesFiniteDifferences() throws {
        let (input, weight, bias, outputGradient) = Self.randomData()
        let layer = Self.layer
        let selectedInputs = [1, 4, 6]
        let selectedOutputs = [0, 2, 3]
        let saved = layer.forward(input, weight: weight, bias: bias, savingInputFeatures: .only(selectedInputs)).saved
        #expect(saved.tensor.shape == [3, 3])
        let gradients = layer.backward(
            outputGradient: outputGradient, weight: weight, saved: saved,
            request: GradientRequest(
                computesInputGradient: false, computesBiasGradient: false,
                weightGradientOutputChannels: .only(selectedOutputs)))
        #expect(gradients.input == nil && gradients.bias == nil)
        let weightGradient = try #require(gradients.weight)
        // Hand count: |F| * |C| = 3 * 3 entries, a dense [3, 3] block.
        #expect(weightGradient.values.count == 9)
        let numeric = GradientCheck.numericalGradient(
            of: { layer.forward(input, weight: $0, bias: bias, savingInputFeatures: .none).output.dot(outputGradient) },
            at: weight, step: Self.step)
        var expected = [Double]()
        for output in selectedOutputs {
            for feature in selectedInputs { expected.append(numeric[output * 7 + feature]) }
        }
        #expect(GradientCheck.relativeError(weightGradient.values, expected) < 1e-4)
    }
}
