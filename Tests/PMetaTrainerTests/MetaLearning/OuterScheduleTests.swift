import PMetaPlan
@testable import PMetaTrainer
import Testing

/// Issue 16: the cosine schedule MAML++ and p-Meta use on the outer learning rates.
@Suite struct OuterScheduleTests {
    /// By hand: (1 + cos(pi t / T)) / 2 at T = 8 is 1 at t = 0, (1 + cos(pi/4)) / 2 = 0.8535534 at t = 2, 1/2 at
    /// t = 4, 0 at t = 8 and after.
    @Test func theCosineFactorFallsFromOneToZero() {
        let schedule = OuterSchedule.cosine(iterations: 8)
        #expect(schedule.factor(atStep: 0) == 1)
        #expect(abs(schedule.factor(atStep: 2) - 0.8535534) < 1e-6)
        #expect(abs(schedule.factor(atStep: 4) - 0.5) < 1e-6)
        #expect(abs(schedule.factor(atStep: 8)) < 1e-6 && abs(schedule.factor(atStep: 9)) < 1e-6)
        #expect(OuterSchedule.constant.factor(atStep: 5) == 1)
    }

    /// Two learners from the same state on the same tasks: the first outer step is the same (factor 1); at the
    /// second the cosine learner's Adam state equals the constant one's, so each weight moves by the factor
    /// (1 + cos(pi/4)) / 2 at T = 4 times as far, and so do MAML++'s step sizes.
    @Test func theSecondStepMovesTheWeightsByTheFactor() throws {
        let network = try TestNetworks.network(TestNetworks.twoConvTiny)
        var generator = SplitMix64(seed: 5)
        let parameters = network.initialParameters(using: &generator)
        let family = PrototypeImageTasks(height: 6, width: 6, ways: 3, shots: 2, queriesPerClass: 2,
                                         trainingClasses: 5, validationClasses: 3, testClasses: 3)
        let tasks = (0..<2).map { _ in [family.task(from: .training, using: &generator), family.task(from: .training, using: &generator)] }
        var constant = MetaTrainingConfiguration(method: .mamlPlusPlus, innerSteps: 1, innerStepSize: 0.1, outerLearningRate: 0.01,
                                                 stepSizeLearningRate: 0.01, kernels: .scratchFree)
        var cosine = constant
        constant.outerSchedule = .constant
        cosine.outerSchedule = .cosine(iterations: 4)
        let stepSizes = constant.method.initialStepSizes(for: network, innerSteps: 1, stepSize: 0.1)
        var plain = MetaLearner(network: network, configuration: constant, parameters: parameters, stepSizes: stepSizes)
        var annealed = MetaLearner(network: network, configuration: cosine, parameters: parameters, stepSizes: stepSizes)
        _ = plain.step(on: tasks[0])
        _ = annealed.step(on: tasks[0])
        #expect(plain.parameters == annealed.parameters)
        let (plainBefore, annealedBefore) = (plain.parameters, annealed.parameters)
        let (plainSizes, annealedSizes) = (plain.stepSizes, annealed.stepSizes)
        _ = plain.step(on: tasks[1])
        _ = annealed.step(on: tasks[1])
        let factor: Float = (1 + 0.70710678) / 2
        var compared = 0
        for layer in parameters.layers.indices {
            for (tensor, (after, (beforeA, beforeP))) in zip(annealed.parameters.layers[layer].indices,
                                                           zip(plain.parameters.layers[layer], zip(annealedBefore.layers[layer], plainBefore.layers[layer]))) {
                let moved = annealed.parameters.layers[layer][tensor]
                for element in 0..<after.values.count {
                    let plainStep = after.values[element] - beforeP.values[element]
                    let annealedStep = moved.values[element] - beforeA.values[element]
                    #expect(abs(annealedStep - factor * plainStep) <= 1e-6 + 1e-4 * abs(plainStep), "layer \(layer) element \(element)")
                    compared += 1
                }
            }
        }
        #expect(compared > 100)
        for layer in stepSizes[0].indices where plainSizes[0][layer] > 0 {
            let plainStep = plain.stepSizes[0][layer] - plainSizes[0][layer]
            let annealedStep = annealed.stepSizes[0][layer] - annealedSizes[0][layer]
            #expect(abs(annealedStep - factor * plainStep) <= 1e-7 + 1e-4 * abs(plainStep), "step size of layer \(layer)")
        }
    }
}
