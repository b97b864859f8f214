@testable import PMetaTrainer
import Testing

@Suite struct TaskFamilyTests {
    @Test func imageTasksHaveNWaysKShotsAndTheirSplitsClasses() {
        let family = PrototypeImageTasks(height: 8, width: 8, ways: 5, shots: 2, queriesPerClass: 3,
                                         trainingClasses: 10, validationClasses: 6, testClasses: 7)
        #expect(family.classes(of: .training) == 0..<10)
        #expect(family.classes(of: .validation) == 10..<16)
        #expect(family.classes(of: .test) == 16..<23)
        var generator = SplitMix64(seed: 1)
        for split in TaskSplit.allCases {
            for _ in 0..<5 {
                let task = family.task(from: split, using: &generator)
                #expect(task.support.inputs.shape == [10, 3, 8, 8])
                #expect(task.query.inputs.shape == [15, 3, 8, 8])
                #expect(Set(task.classNumbers).count == 5)
                #expect(task.classNumbers.allSatisfy { family.classes(of: split).contains($0) })
                guard case .classes(let labels) = task.support.targets else { Issue.record("expected classes"); return }
                #expect((0..<5).allSatisfy { label in labels.filter { $0 == label }.count == 2 })
            }
        }
    }

    @Test func theSameSeedGivesTheSameTaskAndClassesLookTheSameAcrossTasks() {
        let family = PrototypeImageTasks(height: 8, width: 8, shots: 1, queriesPerClass: 1, noise: 0)
        var first = SplitMix64(seed: 9)
        var second = SplitMix64(seed: 9)
        let task = family.task(from: .training, using: &first)
        #expect(task.support.inputs == family.task(from: .training, using: &second).support.inputs)
        // A class's prototype depends only on the family seed and the class number.
        #expect(family.prototype(ofClass: 3) == PrototypeImageTasks(height: 16, width: 16).prototype(ofClass: 3))
        #expect(family.prototype(ofClass: 3) != family.prototype(ofClass: 4))
    }

    @Test func sinusoidTasksStayInTheirRanges() {
        let family = SinusoidTasks(shots: 10, queryPoints: 30)
        var generator = SplitMix64(seed: 2)
        for split in TaskSplit.allCases {
            let task = family.task(from: split, using: &generator)
            #expect(task.support.inputs.shape == [10, 1])
            #expect(task.query.inputs.shape == [30, 1])
            #expect(task.support.inputs.values.allSatisfy { $0 >= -5 && $0 <= 5 })
            guard case .values(let targets) = task.query.targets else { Issue.record("expected values"); return }
            #expect(targets.values.allSatisfy { abs($0) <= 5 })
        }
        // The splits draw from separate streams: the same generator state gives different tasks.
        var training = SplitMix64(seed: 3)
        var test = SplitMix64(seed: 3)
        #expect(family.task(from: .training, using: &training).support.inputs != family.task(from: .test, using: &test).support.inputs)
    }
}
