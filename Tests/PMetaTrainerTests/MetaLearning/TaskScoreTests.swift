import PMetaTrainer
import Testing

/// Scoring outputs that hold NaN (a diverged adaptation) without trapping (issue 15, item 2).
struct TaskScoreTests {
    @Test func aRowWithNaNIsAMissNotATrap() {
        // Three samples, two classes: [NaN, 1] (a miss), [0, 2] (class 1, right), [3, 1] (class 0, right).
        let output = Tensor(shape: [3, 2], values: [.nan, 1, 0, 2, 3, 1])
        #expect(TaskMetric.score(output, .classes([1, 1, 0])) == 2.0 / 3.0)
    }

    @Test func tiesGoToTheFirstClassAsBefore() {
        let output = Tensor(shape: [1, 3], values: [2, 2, 1])
        #expect(TaskMetric.score(output, .classes([0])) == 1)
    }
}
