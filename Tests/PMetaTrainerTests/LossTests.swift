import Foundation
import PMetaTrainer
import Testing

@Suite struct LossTests {
    @Test func crossEntropyOfUniformLogitsIsLogOfClassCount() {
        let (loss, gradient) = SoftmaxCrossEntropy.evaluate(
            logits: Tensor(shape: [2, 4], repeating: 3), labels: [0, 3])
        // Hand count: softmax is 1/4 everywhere, loss ln 4; gradient (1/4 − [k = label]) / 2.
        #expect(abs(loss - Float(log(4.0))) < 1e-6)
        #expect(gradient.values == [-0.375, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375])
    }

    @Test func crossEntropySurvivesHugeLogits() {
        let (loss, gradient) = SoftmaxCrossEntropy.evaluate(
            logits: Tensor(shape: [1, 2], values: [1000, 0]), labels: [1])
        #expect(abs(loss - 1000) < 1e-3)
        #expect(gradient.values == [1, -1])
    }

    @Test func crossEntropyGradientMatchesFiniteDifferences() {
        var generator = SplitMix64(seed: 21)
        let logits = Tensor(randomNormal: [3, 5], standardDeviation: 2, using: &generator)
        let labels = [4, 0, 2]
        let analytic = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels).logitsGradient
        let numeric = GradientCheck.numericalGradient(
            of: { Double(SoftmaxCrossEntropy.evaluate(logits: $0, labels: labels).loss) }, at: logits, step: 1e-2)
        #expect(GradientCheck.relativeError(analytic.values, numeric) < 1e-3)
    }

    @Test func meanSquaredErrorByHand() {
        let (loss, gradient) = MeanSquaredError.evaluate(
            prediction: Tensor(shape: [2, 2], values: [1, 2, 3, 4]),
            target: Tensor(shape: [2, 2], values: [0, 2, 5, 4]))
        // Hand count: (1 + 0 + 4 + 0) / 4 = 1.25; gradient 2 (p − t) / 4.
        #expect(loss == 1.25)
        #expect(gradient.values == [0.5, 0, -1, 0])
    }

    @Test func meanSquaredErrorGradientMatchesFiniteDifferences() {
        var generator = SplitMix64(seed: 22)
        let prediction = Tensor(randomNormal: [4, 3], using: &generator)
        let target = Tensor(randomNormal: [4, 3], using: &generator)
        let analytic = MeanSquaredError.evaluate(prediction: prediction, target: target).predictionGradient
        let numeric = GradientCheck.numericalGradient(
            of: { Double(MeanSquaredError.evaluate(prediction: $0, target: target).loss) }, at: prediction, step: 1e-2)
        #expect(GradientCheck.relativeError(analytic.values, numeric) < 1e-3)
    }
}
